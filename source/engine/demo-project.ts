/**
 * The sample shop project of `data demo`: migrations added over several
 * commits, each followed by what the demo runs. Step 3 ships a typo on
 * purpose so the history holds a real failed deployment.
 */

export interface DemoFile {
  name: string;
  sql: string;
}

export type DemoAction =
  | { kind: 'deploy'; environment: string; expectFailure?: boolean }
  | { kind: 'rollback'; environment: string };

export interface DemoStep {
  message: string;
  files: DemoFile[];
  actions: DemoAction[];
}

export const DEMO_CONFIG = `# The demo project of \`data demo\`: three environments on one embedded server.
project: shop-demo
migrations: migrations
persona: data
environments:
  local:
    embedded: true
  staging:
    embedded: true
    lock_timeout: 3s
  prod:
    +extend: staging
    protected: true
    statement_timeout: 60s
`;

export const DEMO_STEPS: DemoStep[] = [
  {
    message: 'Create users, products and orders',
    files: [
      {
        name: '20261101090000_create_users.sql',
        sql: `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
      },
      { name: '20261101090000_create_users.down.sql', sql: 'DROP TABLE users;\n' },
      {
        name: '20261101091500_create_products.sql',
        sql: `CREATE TABLE products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  title text NOT NULL,
  price_cents integer NOT NULL CHECK (price_cents >= 0),
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
      },
      { name: '20261101091500_create_products.down.sql', sql: 'DROP TABLE products;\n' },
      {
        name: '20261101093000_create_orders.sql',
        sql: `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users (id),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  total_cents integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_user_id_idx ON orders (user_id);
`,
      },
      { name: '20261101093000_create_orders.down.sql', sql: 'DROP TABLE orders;\n' },
    ],
    actions: [{ kind: 'deploy', environment: 'local' }],
  },
  {
    message: 'Order items, a product catalogue, last login',
    files: [
      {
        name: '20261105100000_create_order_items.sql',
        sql: `CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id bigint NOT NULL REFERENCES products (id),
  quantity integer NOT NULL CHECK (quantity > 0),
  price_cents integer NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
`,
      },
      { name: '20261105100000_create_order_items.down.sql', sql: 'DROP TABLE order_items;\n' },
      {
        name: '20261105103000_seed_products.sql',
        sql: `INSERT INTO products (sku, title, price_cents) VALUES
  ('TEA-001', 'Earl Grey, hot', 450),
  ('TRI-001', 'Tribble (one, for now)', 1200),
  ('PAD-001', 'PADD, standard issue', 89900);
`,
      },
      { name: '20261105103000_seed_products.down.sql', sql: "DELETE FROM products WHERE sku IN ('TEA-001', 'TRI-001', 'PAD-001');\n" },
      { name: '20261105110000_add_users_last_login.sql', sql: 'ALTER TABLE users ADD COLUMN last_login_at timestamptz;\n' },
      { name: '20261105110000_add_users_last_login.down.sql', sql: 'ALTER TABLE users DROP COLUMN last_login_at;\n' },
    ],
    actions: [
      { kind: 'deploy', environment: 'local' },
      { kind: 'deploy', environment: 'prod' },
    ],
  },
  {
    message: 'Reviews, and an index on order status',
    files: [
      {
        name: '20261110120000_create_reviews.sql',
        sql: `CREATE TABLE reviews (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  product_id bigint NOT NULL REFERENCES products (id),
  user_id bigint NOT NULL REFERENCES users (id),
  stars smallint NOT NULL CHECK (stars BETWEEN 1 AND 5),
  body text,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
      },
      { name: '20261110120000_create_reviews.down.sql', sql: 'DROP TABLE reviews;\n' },
      // The typo: orders has no column "state". The deploy fails and applies nothing.
      { name: '20261110121500_index_orders_status.sql', sql: '-- data:ignore require-concurrent-index-creation orders holds a handful of rows in the demo: a plain index builds in milliseconds\nCREATE INDEX orders_status_idx ON orders (state);\n' },
      { name: '20261110121500_index_orders_status.down.sql', sql: 'DROP INDEX orders_status_idx;\n' },
    ],
    actions: [{ kind: 'deploy', environment: 'local', expectFailure: true }],
  },
  {
    message: 'Fix the orders status index',
    files: [{ name: '20261110121500_index_orders_status.sql', sql: '-- data:ignore require-concurrent-index-creation orders holds a handful of rows in the demo: a plain index builds in milliseconds\nCREATE INDEX orders_status_idx ON orders (status);\n' }],
    actions: [
      { kind: 'deploy', environment: 'local' },
      { kind: 'deploy', environment: 'staging' },
    ],
  },
  {
    message: 'Stock counts and a concurrent index on reviews',
    files: [
      { name: '20261115090000_add_products_stock.sql', sql: 'ALTER TABLE products ADD COLUMN stock integer NOT NULL DEFAULT 0;\n' },
      { name: '20261115090000_add_products_stock.down.sql', sql: 'ALTER TABLE products DROP COLUMN stock;\n' },
      {
        name: '20261115093000_index_reviews_product.sql',
        sql: '-- data:no-transaction\nCREATE INDEX CONCURRENTLY reviews_product_id_idx ON reviews (product_id);\n',
      },
      {
        name: '20261115093000_index_reviews_product.down.sql',
        sql: '-- data:no-transaction\nDROP INDEX CONCURRENTLY reviews_product_id_idx;\n',
      },
    ],
    actions: [
      { kind: 'deploy', environment: 'local' },
      { kind: 'rollback', environment: 'local' },
    ],
  },
  {
    message: 'Order totals view (no down file yet)',
    files: [
      {
        name: '20261120080000_create_order_totals_view.sql',
        sql: `CREATE VIEW order_totals AS
SELECT o.id AS order_id, o.user_id, sum(i.quantity * i.price_cents) AS total_cents
  FROM orders o
  JOIN order_items i ON i.order_id = o.id
 GROUP BY o.id, o.user_id;
`,
      },
    ],
    actions: [],
  },
];
