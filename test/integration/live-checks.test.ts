import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../source/adapters/postgres.js';
import { discoverMigrations } from '../../source/domain/migrations.js';
import { runLiveChecks, type LiveCheckOptions } from '../../source/engine/live-checks.js';
import { computePlan } from '../../source/engine/plan.js';
import { databasesForFile, query } from '../helpers/database.js';

const newDatabase = databasesForFile();

/** The live check findings of a plan of these migrations against the database. */
async function liveFindings(url: string, migrations: Record<string, string>, options?: LiveCheckOptions) {
  const db = await Database.connect({ url, environment: 'dev', connectTimeoutMs: 5_000 });
  try {
    const files = Object.entries(migrations).map(([name, content]) => ({ name, content }));
    const plan = await computePlan(db, 'dev', discoverMigrations('migrations', files), 'migrations');
    return await runLiveChecks(db, plan, options);
  } finally {
    await db.close();
  }
}

describe('live checks against a target with data', () => {
  let url: string;
  beforeEach(async () => {
    url = (await newDatabase()).url;
  });

  it('DROP TABLE and TRUNCATE of a table with rows: the exact count; an empty or missing table is fine', async () => {
    await query(url, `CREATE TABLE legacy_orders (id int); INSERT INTO legacy_orders SELECT generate_series(1, 1204);
                      CREATE TABLE empty (id int); CREATE TABLE audit (id int); INSERT INTO audit VALUES (1)`);
    const findings = await liveFindings(url, {
      '20261201_drop_legacy.sql': '-- goodbye\n\nDROP TABLE legacy_orders, empty;\nDROP TABLE IF EXISTS never_was;\nTRUNCATE audit;\n',
    });
    expect(findings).toEqual([
      {
        rule: 'never-drop-table-with-data',
        severity: 'error',
        file: '20261201_drop_legacy.sql',
        line: 3,
        table: 'legacy_orders',
        message: '20261201_drop_legacy.sql line 3: DROP TABLE legacy_orders, but it holds 1,204 rows',
        fix: expect.any(String),
        count: 1204,
        estimate: false,
        lowerBound: false,
      },
      expect.objectContaining({ rule: 'never-drop-table-with-data', line: 5, count: 1, message: '20261201_drop_legacy.sql line 5: TRUNCATE audit, but it holds 1 row' }),
    ]);
  });

  it('a dropped table of more than 10,000 rows: a bound without statistics, the statistics estimate with them', async () => {
    await query(url, 'CREATE TABLE big (id int); INSERT INTO big SELECT generate_series(1, 12000)');
    const migrations = { '1_drop_big.sql': 'DROP TABLE big;' };
    expect(await liveFindings(url, migrations)).toEqual([
      expect.objectContaining({ message: '1_drop_big.sql line 1: DROP TABLE big, but it holds more than 10,000 rows', count: 10_000, lowerBound: true, estimate: false }),
    ]);
    await query(url, 'ANALYZE big');
    expect(await liveFindings(url, migrations)).toEqual([
      expect.objectContaining({
        message: "1_drop_big.sql line 1: DROP TABLE big, but it holds about 12,000 rows; an estimate from the table's statistics",
        count: 12_000,
        estimate: true,
        lowerBound: false,
      }),
    ]);
  });

  it('DROP COLUMN of a column with values counts them; an all-NULL column is fine', async () => {
    await query(url, `CREATE TABLE app_users (id int PRIMARY KEY, nickname text, legacy text);
                      INSERT INTO app_users SELECT i, CASE WHEN i <= 30 THEN 'nick' || i END, NULL FROM generate_series(1, 100) i`);
    const findings = await liveFindings(url, { '1_drop.sql': 'ALTER TABLE app_users DROP COLUMN nickname, DROP COLUMN legacy, DROP COLUMN IF EXISTS gone;' });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'never-drop-column-with-data',
        table: 'app_users',
        column: 'nickname',
        count: 30,
        message: '1_drop.sql line 1: DROP COLUMN app_users.nickname, but 30 rows hold a value in it',
      }),
    ]);
  });

  it('SET NOT NULL over NULLs: the count and the primary key of an offending row', async () => {
    await query(url, `CREATE TABLE users (id int PRIMARY KEY, email text, name text NOT NULL, nick text);
                      INSERT INTO users SELECT i, CASE WHEN i BETWEEN 42 AND 58 THEN NULL ELSE 'u' || i || '@example.com' END, 'n', 'x' FROM generate_series(1, 100) i;
                      CREATE TABLE tags (name text); INSERT INTO tags VALUES ('a'), (NULL)`);
    const findings = await liveFindings(url, {
      '1_not_null.sql': 'ALTER TABLE users ALTER COLUMN email SET NOT NULL, ALTER COLUMN name SET NOT NULL, ALTER COLUMN nick SET NOT NULL;\nALTER TABLE tags ALTER name SET NOT NULL;',
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'set-not-null-with-nulls',
        severity: 'error',
        table: 'users',
        column: 'email',
        count: 17,
        example: 'id = 42',
        message: '1_not_null.sql line 1: SET NOT NULL on users.email, but 17 rows hold NULL (e.g. id = 42)',
      }),
      // Without a primary key there is no key to show.
      expect.objectContaining({ table: 'tags', line: 2, count: 1, message: '1_not_null.sql line 2: SET NOT NULL on tags.name, but 1 row holds NULL' }),
    ]);
  });

  it('a new unique index or constraint over duplicates: the count of duplicated values and one of them', async () => {
    await query(url, `CREATE TABLE accounts (id int PRIMARY KEY, org int, email text, deleted boolean NOT NULL DEFAULT false);
                      INSERT INTO accounts (id, org, email) VALUES
                        (1, 1, 'a@example.com'), (2, 1, 'a@example.com'), (3, 1, 'A@example.com'),
                        (4, 2, 'b@example.com'), (5, 2, NULL), (6, 2, NULL), (7, 3, 'c@example.com');
                      UPDATE accounts SET deleted = true WHERE id = 2`);
    const findings = await liveFindings(url, {
      '1_unique.sql': [
        'CREATE UNIQUE INDEX accounts_email_key ON accounts (email);',
        'CREATE UNIQUE INDEX accounts_lower_email_key ON accounts (lower(email));',
        'CREATE UNIQUE INDEX accounts_live_email_key ON accounts (email) WHERE NOT deleted;',
        'ALTER TABLE accounts ADD CONSTRAINT accounts_org_email_key UNIQUE NULLS NOT DISTINCT (org, email);',
        'ALTER TABLE accounts ADD CONSTRAINT accounts_id_key UNIQUE (id);',
      ].join('\n'),
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'unique-over-duplicates',
        line: 1,
        count: 1,
        example: "email = 'a@example.com'",
        message: "1_unique.sql line 1: UNIQUE index accounts_email_key on accounts (email), but 1 value occurs more than once (e.g. email = 'a@example.com')",
      }),
      expect.objectContaining({ line: 2, count: 1, example: "lower(email) = 'a@example.com'" }),
      // Line 3: the duplicate's second row is deleted, outside the partial index.
      expect.objectContaining({ line: 4, count: 2, message: expect.stringContaining('UNIQUE constraint accounts_org_email_key on accounts (org, email), but 2 values occur more than once') }),
    ]);
    expect(["(org, email) = (1, 'a@example.com')", '(org, email) = (2, NULL)']).toContain(findings[2]!.example);
  });

  it('a new primary key over NULLs and duplicates says both', async () => {
    await query(url, 'CREATE TABLE events (code text, at int); INSERT INTO events VALUES (NULL, 1), (\'x\', 2), (\'x\', 3)');
    const findings = await liveFindings(url, { '1_pk.sql': 'ALTER TABLE events ADD PRIMARY KEY (code);' });
    expect(findings.map((finding) => [finding.rule, finding.count, finding.message])).toEqual([
      ['set-not-null-with-nulls', 1, '1_pk.sql line 1: PRIMARY KEY on events (code), but 1 row holds NULL in code'],
      ['unique-over-duplicates', 1, "1_pk.sql line 1: PRIMARY KEY on events (code), but 1 value occurs more than once (e.g. code = 'x')"],
    ]);
  });

  it('a new foreign key that rows violate: the count and the missing key; NULL keys and NOT VALID are fine', async () => {
    await query(url, `CREATE TABLE customers (id int PRIMARY KEY); INSERT INTO customers VALUES (1), (2);
                      CREATE TABLE orders (id int PRIMARY KEY, customer_id int, amount numeric);
                      INSERT INTO orders VALUES (1, 1, 10), (2, 2, 5), (3, 9, 1), (4, 9, 1), (5, NULL, 1), (6, 7, 2);
                      CREATE TABLE payments (id int, customer_id int); INSERT INTO payments VALUES (1, 1), (2, NULL)`);
    const findings = await liveFindings(url, {
      '1_fk.sql': [
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers;',
        'ALTER TABLE orders ADD CONSTRAINT orders_customer_later_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
        'ALTER TABLE payments ADD FOREIGN KEY (customer_id) REFERENCES customers (id);',
      ].join('\n'),
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'foreign-key-violated',
        table: 'orders',
        count: 3,
        message: expect.stringMatching(
          /^1_fk\.sql line 1: FOREIGN KEY orders_customer_fk on orders \(customer_id\) REFERENCES customers, but 3 rows point to no customers row \(e\.g\. customer_id = [97]\)$/,
        ),
      }),
    ]);
  });

  it('a new CHECK that rows violate: rows where it is false, not NULL; NOT VALID is fine', async () => {
    await query(url, `CREATE TABLE line_items (id int PRIMARY KEY, amount numeric, note text);
                      INSERT INTO line_items VALUES (1, 10, 'ok'), (2, -5, 'refund'), (3, NULL, 'free'), (4, 0, ')'), (5, 3, 'x')`);
    const findings = await liveFindings(url, {
      '1_check.sql': [
        "ALTER TABLE line_items ADD CONSTRAINT amount_positive CHECK (amount > 0 OR note = ')');",
        'ALTER TABLE line_items ADD CONSTRAINT amount_small CHECK (line_items.amount < 100);',
        'ALTER TABLE line_items ADD CHECK (amount > 5) NOT VALID;',
      ].join('\n'),
    });
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'check-violated',
        count: 1,
        example: 'id = 2',
        message: "1_check.sql line 1: CHECK amount_positive (amount > 0 OR note = ')') on line_items, but 1 row fails it (e.g. id = 2)",
      }),
    ]);
  });

  it('tables the plan creates, re-creates, renames or backfills first are not checked', async () => {
    await query(url, `CREATE TABLE staging (id int, v text); INSERT INTO staging VALUES (1, NULL);
                      CREATE TABLE orders (id int, v text); INSERT INTO orders VALUES (1, NULL);
                      CREATE TABLE people (id int, email text); INSERT INTO people VALUES (1, NULL)`);
    const findings = await liveFindings(url, {
      '1_create.sql': 'CREATE TABLE fresh (id int, v text);\nALTER TABLE fresh ALTER v SET NOT NULL;',
      '2_recreate.sql': 'DROP TABLE staging;\nCREATE TABLE staging (id int, v text);\nALTER TABLE staging ALTER v SET NOT NULL;',
      '3_rename.sql': 'ALTER TABLE orders RENAME TO purchases;\nALTER TABLE purchases ALTER v SET NOT NULL;\nDROP TABLE purchases;',
      '4_backfill.sql': "UPDATE people SET email = 'unknown@example.com' WHERE email IS NULL;\nALTER TABLE people ALTER email SET NOT NULL;",
    });
    expect(findings.map((finding) => finding.message)).toEqual(['2_recreate.sql line 1: DROP TABLE staging, but it holds 1 row']);
  });

  it('estimates from a sample of a table above the sampling threshold, and says so', async () => {
    await query(url, `CREATE TABLE readings (id int PRIMARY KEY, value int);
                      INSERT INTO readings SELECT i, CASE WHEN i % 10 = 0 THEN NULL ELSE i END FROM generate_series(1, 1000) i;
                      ANALYZE readings`);
    const migrations = { '1_readings.sql': 'ALTER TABLE readings ALTER value SET NOT NULL;\nALTER TABLE readings ADD CHECK (value < 500);' };
    const exact = await liveFindings(url, migrations);
    expect(exact.map((finding) => [finding.count, finding.estimate])).toEqual([[100, false], [450, false]]);

    // A sample of every page, so that the numbers are known: the path, not the luck, is under test.
    const sampled = await liveFindings(url, migrations, { sampleAboveRows: 10, sampleRows: 1_000_000 });
    expect(sampled).toEqual([
      expect.objectContaining({
        rule: 'set-not-null-with-nulls',
        count: 100,
        estimate: true,
        example: expect.stringMatching(/^id = \d+0$/),
        message: expect.stringMatching(/but about 100 rows hold NULL \(e\.g\. id = \d+\); an estimate from a 100% sample of the table$/),
      }),
      expect.objectContaining({ rule: 'check-violated', count: 450, estimate: true, message: expect.stringContaining('about 450 rows fail it') }),
    ]);
  });

  it('a check that runs past its statement_timeout is a warning, and the checks after it still run', async () => {
    await query(url, `CREATE TABLE slow (id int PRIMARY KEY, amount int); INSERT INTO slow SELECT i, i FROM generate_series(1, 20) i;
                      CREATE TABLE old (id int); INSERT INTO old VALUES (1);
                      CREATE FUNCTION slowly(v int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.05); RETURN v; END $$`);
    const findings = await liveFindings(
      url,
      { '1_slow.sql': 'ALTER TABLE slow ADD CHECK (slowly(amount) > 0);\nDROP TABLE old;' },
      { statementTimeoutMs: 200 },
    );
    expect(findings).toEqual([
      expect.objectContaining({
        rule: 'check-violated',
        severity: 'warning',
        count: null,
        message: expect.stringContaining('1_slow.sql line 1: could not check CHECK (slowly(amount) > 0) on slow within 200ms (statement_timeout)'),
      }),
      expect.objectContaining({ rule: 'never-drop-table-with-data', severity: 'error', count: 1 }),
    ]);
  });

  it('a table locked by another session is a warning after lock_timeout, and leaves the session as it was', async () => {
    await query(url, 'CREATE TABLE busy (id int PRIMARY KEY, v text); INSERT INTO busy VALUES (1, NULL)');
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE busy IN ACCESS EXCLUSIVE MODE');
      const db = await Database.connect({ url, environment: 'dev', connectTimeoutMs: 5_000 });
      try {
        const files = [{ name: '1_busy.sql', content: 'ALTER TABLE busy ALTER v SET NOT NULL;' }];
        const plan = await computePlan(db, 'dev', discoverMigrations('migrations', files), 'migrations');
        const findings = await runLiveChecks(db, plan, { lockTimeoutMs: 150 });
        expect(findings).toEqual([
          expect.objectContaining({
            rule: 'set-not-null-with-nulls',
            severity: 'warning',
            count: null,
            message: '1_busy.sql line 1: could not check SET NOT NULL on busy.v: another session held a lock on busy for more than 150ms',
          }),
        ]);
        // Timeouts were the transaction's own, and no transaction is left open.
        const settings = await db.query<{ statement_timeout: string; lock_timeout: string; outside_transaction: boolean }>(
          `SELECT current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout, now() = statement_timestamp() AS outside_transaction`,
        );
        expect(settings.rows[0]).toEqual({ statement_timeout: '0', lock_timeout: '0', outside_transaction: true });
      } finally {
        await db.close();
      }
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  it('runs read-only: an expression that would write fails into a warning and changes nothing', async () => {
    await query(url, 'CREATE SEQUENCE counter; CREATE TABLE t (id int); INSERT INTO t VALUES (1)');
    const findings = await liveFindings(url, { '1_t.sql': "ALTER TABLE t ADD CHECK (nextval('counter') > 0);" });
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringContaining('read-only transaction') }),
    ]);
    expect(await query(url, 'SELECT last_value, is_called FROM counter')).toEqual([{ last_value: '1', is_called: false }]);
  });
});
