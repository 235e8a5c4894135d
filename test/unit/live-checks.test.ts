import { describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../source/adapters/sql-parser.js';
import {
  describeCheck,
  liveCheckFinding,
  liveChecks,
  unfinishedCheckFinding,
  type LiveCheck,
} from '../../source/domain/live-checks.js';
import { splitStatements } from '../../source/domain/statements.js';

// Top level, not beforeAll: describe blocks below parse SQL while the file is collected.
await loadSqlParser();

/** The checks of migrations given in plan order, named 1_m.sql, 2_m.sql ... */
const checksOf = (...migrations: string[]): LiveCheck[] =>
  liveChecks(migrations.map((sql, i) => ({ file: `${i + 1}_m.sql`, statements: splitStatements(sql) })));

const described = (...migrations: string[]) => checksOf(...migrations).map(describeCheck);

describe('liveChecks: what a plan needs checked', () => {
  it('checks every dropped and truncated table, on its file and line', () => {
    expect(checksOf('SELECT 1;', '\nDROP TABLE IF EXISTS legacy_orders, app.old CASCADE;\nTRUNCATE ONLY audit;\n')).toEqual([
      { kind: 'drop-table', file: '2_m.sql', line: 2, table: { name: 'legacy_orders' }, statement: 'DROP TABLE' },
      { kind: 'drop-table', file: '2_m.sql', line: 2, table: { schema: 'app', name: 'old' }, statement: 'DROP TABLE' },
      { kind: 'drop-table', file: '2_m.sql', line: 3, table: { name: 'audit' }, statement: 'TRUNCATE' },
    ]);
    expect(described('DROP VIEW v; DROP INDEX i; DROP TABLE public.t;')).toEqual(['DROP TABLE t']);
  });

  it('checks dropped columns and SET NOT NULL, one check per subcommand', () => {
    expect(described('ALTER TABLE users DROP COLUMN nickname, ALTER COLUMN email SET NOT NULL, ALTER COLUMN name DROP NOT NULL;')).toEqual([
      'DROP COLUMN users.nickname',
      'SET NOT NULL on users.email',
    ]);
  });

  it('checks new unique and primary key constraints, and the NULLs a primary key forbids', () => {
    expect(described('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE NULLS NOT DISTINCT (email), ADD PRIMARY KEY (org_id, id);')).toEqual([
      'UNIQUE constraint users_email_key on users (email)',
      'PRIMARY KEY on users (org_id, id)',
      'PRIMARY KEY on users (org_id, id)',
      'PRIMARY KEY on users (org_id, id)',
    ]);
    const [unique, orgNotNull] = checksOf('ALTER TABLE users ADD UNIQUE NULLS NOT DISTINCT (email), ADD PRIMARY KEY (org_id, id);');
    expect(unique).toMatchObject({ kind: 'unique', nullsNotDistinct: true, keys: [{ column: 'email' }] });
    expect(orgNotNull).toMatchObject({ kind: 'not-null', column: 'org_id', via: 'PRIMARY KEY' });
    // An index that is already unique has nothing to check.
    expect(checksOf('ALTER TABLE users ADD CONSTRAINT users_pkey PRIMARY KEY USING INDEX users_id_idx;')).toEqual([]);
  });

  it('checks foreign keys unless NOT VALID, with their referenced columns and MATCH FULL', () => {
    expect(checksOf('ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES app.users (id) MATCH FULL;')).toEqual([
      {
        kind: 'foreign-key',
        file: '1_m.sql',
        line: 1,
        table: { name: 'orders' },
        name: 'orders_user_fk',
        columns: ['user_id'],
        references: { schema: 'app', name: 'users' },
        referencedColumns: ['id'],
        matchFull: true,
      },
    ]);
    expect(described('ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users;')).toEqual(['FOREIGN KEY on orders (user_id) REFERENCES users']);
    expect(checksOf('ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users NOT VALID;')).toEqual([]);
  });

  it('takes a CHECK expression from the migration text, whatever quotes, comments and characters surround it', () => {
    const sql = `ALTER TABLE "Ünïcode" ADD CONSTRAINT "my check" CHECK (note <> ')' /* ) */ AND amount > 0 AND $t$)$t$ <> E'\\')' AND "a)" IS NULL);`;
    expect(checksOf(sql)).toEqual([
      {
        kind: 'check',
        file: '1_m.sql',
        line: 1,
        table: { name: 'Ünïcode' },
        name: 'my check',
        expression: `note <> ')' /* ) */ AND amount > 0 AND $t$)$t$ <> E'\\')' AND "a)" IS NULL`,
      },
    ]);
    expect(described("CREATE TABLE t (id int);\nALTER TABLE orders ADD CHECK (status IN ('a', 'b')), ADD CHECK (amount >= 0) NOT VALID;")).toEqual([
      "CHECK (status IN ('a', 'b')) on orders",
    ]);
  });

  it('checks a new unique index over columns and expressions, with its predicate', () => {
    const sql = 'CREATE UNIQUE INDEX CONCURRENTLY users_email ON ONLY app.users USING btree (lower(email) text_pattern_ops, (org_id + 1) DESC, name) INCLUDE (id) WHERE deleted_at IS NULL';
    expect(checksOf(sql)).toEqual([
      {
        kind: 'unique',
        file: '1_m.sql',
        line: 1,
        table: { schema: 'app', name: 'users' },
        via: 'UNIQUE index',
        name: 'users_email',
        keys: [{ expression: 'lower(email)' }, { expression: 'org_id + 1' }, { column: 'name' }],
        nullsNotDistinct: false,
        where: 'deleted_at IS NULL',
      },
    ]);
    expect(checksOf('CREATE INDEX users_email ON users (email);')).toEqual([]);
  });
});

describe('liveChecks: what the plan itself changes first is not checked', () => {
  it('skips tables created, dropped or truncated earlier in the plan', () => {
    expect(checksOf('CREATE TABLE t (id int);', 'ALTER TABLE t ALTER COLUMN id SET NOT NULL;\nDROP TABLE t;')).toEqual([]);
    expect(checksOf('CREATE TABLE archive AS SELECT * FROM orders;\nDROP TABLE archive;')).toEqual([]);
    expect(described('TRUNCATE t;\nDROP TABLE t;')).toEqual(['TRUNCATE t']);
    expect(described('DROP TABLE t;\nCREATE TABLE t (id int);\nALTER TABLE t ADD UNIQUE (id);')).toEqual(['DROP TABLE t']);
  });

  it('skips tables and columns renamed or moved earlier in the plan, under either name', () => {
    expect(checksOf('ALTER TABLE orders RENAME TO purchases;', 'DROP TABLE orders;\nALTER TABLE purchases DROP COLUMN note;')).toEqual([]);
    expect(checksOf('ALTER TABLE orders SET SCHEMA archive;\nDROP TABLE archive.orders;')).toEqual([]);
    expect(described('ALTER TABLE users RENAME COLUMN mail TO email;\nALTER TABLE users ALTER email SET NOT NULL, ALTER name SET NOT NULL;')).toEqual([
      'SET NOT NULL on users.name',
    ]);
  });

  it('skips columns the plan adds or retypes, and constraints over them', () => {
    const sql = [
      'ALTER TABLE users ADD COLUMN age int, ALTER COLUMN age SET NOT NULL;',
      'ALTER TABLE users ALTER COLUMN code TYPE int USING code::int;',
      'ALTER TABLE users ADD CHECK (age > 0), ADD CHECK (code > 0), ADD UNIQUE (code), ADD CHECK (score > 0);',
    ].join('\n');
    expect(described(sql)).toEqual(['CHECK (score > 0) on users']);
  });

  it('skips constraints on tables the plan writes first (a backfill), but still counts what a drop loses', () => {
    const backfill = "UPDATE users SET email = 'unknown' WHERE email IS NULL;\nALTER TABLE users ALTER COLUMN email SET NOT NULL;";
    expect(checksOf(backfill)).toEqual([]);
    expect(described('INSERT INTO users (id) SELECT DISTINCT user_id FROM orders;\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);')).toEqual([]);
    expect(described('WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone;\nALTER TABLE orders ADD CHECK (amount > 0);')).toEqual([]);
    expect(described('DELETE FROM orders WHERE amount < 0;\nALTER TABLE orders DROP COLUMN note;\nDROP TABLE orders;')).toEqual([
      'DROP COLUMN orders.note',
      'DROP TABLE orders',
    ]);
  });

  it('after DO, CALL or a bare SELECT any table may have changed: constraints are no longer checked', () => {
    expect(described("DO $$ BEGIN UPDATE users SET email = '' WHERE email IS NULL; END $$;\nALTER TABLE users ALTER email SET NOT NULL;\nDROP TABLE old;")).toEqual([
      'DROP TABLE old',
    ]);
    expect(described('SELECT backfill_emails();\nALTER TABLE users ALTER email SET NOT NULL;')).toEqual([]);
  });
});

describe('liveCheckFinding: what was found, in words an operator acts on', () => {
  const [dropTable] = checksOf('\n\nDROP TABLE legacy_orders;');
  const [notNull] = checksOf('ALTER TABLE users ALTER COLUMN email SET NOT NULL;');
  const [unique] = checksOf('CREATE UNIQUE INDEX users_email_key ON users (email);');
  const [foreignKey] = checksOf('ALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);');
  const [check] = checksOf('ALTER TABLE orders ADD CONSTRAINT positive CHECK (amount > 0);');
  const [dropColumn] = checksOf('ALTER TABLE app.users DROP COLUMN nickname;');

  it('says nothing when no row is in the way', () => {
    expect(liveCheckFinding(dropTable!, { found: 0, limitReached: false })).toBeNull();
  });

  it('gives an exact count, and an example key', () => {
    expect(liveCheckFinding(dropTable!, { found: 1204, limitReached: false })).toEqual({
      rule: 'never-drop-table-with-data',
      severity: 'error',
      file: '1_m.sql',
      line: 3,
      table: 'legacy_orders',
      message: '1_m.sql line 3: DROP TABLE legacy_orders, but it holds 1,204 rows',
      fix: expect.stringContaining('copy the rows'),
      count: 1204,
      estimate: false,
      lowerBound: false,
    });
    expect(liveCheckFinding(notNull!, { found: 17, limitReached: false, example: 'id = 42' })).toMatchObject({
      rule: 'set-not-null-with-nulls',
      column: 'email',
      message: '1_m.sql line 1: SET NOT NULL on users.email, but 17 rows hold NULL (e.g. id = 42)',
      fix: expect.stringContaining('UPDATE users SET email = ... WHERE email IS NULL'),
      count: 17,
      example: 'id = 42',
    });
    expect(liveCheckFinding(dropColumn!, { found: 1, limitReached: false })?.message).toBe(
      '1_m.sql line 1: DROP COLUMN app.users.nickname, but 1 row holds a value in it',
    );
    expect(liveCheckFinding(unique!, { found: 3, limitReached: false, example: "email = 'a@example.com'" })?.message).toBe(
      "1_m.sql line 1: UNIQUE index users_email_key on users (email), but 3 values occur more than once (e.g. email = 'a@example.com')",
    );
    expect(liveCheckFinding(foreignKey!, { found: 5, limitReached: false, example: 'user_id = 9' })).toMatchObject({
      rule: 'foreign-key-violated',
      message: '1_m.sql line 1: FOREIGN KEY on orders (user_id) REFERENCES users (id), but 5 rows point to no users row (e.g. user_id = 9)',
    });
    expect(liveCheckFinding(check!, { found: 2, limitReached: false, example: 'id = 7' })).toMatchObject({
      rule: 'check-violated',
      message: '1_m.sql line 1: CHECK positive (amount > 0) on orders, but 2 rows fail it (e.g. id = 7)',
    });
  });

  it('says "more than 10,000" past the limit, or the statistics estimate of a dropped table', () => {
    expect(liveCheckFinding(notNull!, { found: 10_000, limitReached: true, tableRows: 90_000 })).toMatchObject({
      message: '1_m.sql line 1: SET NOT NULL on users.email, but more than 10,000 rows hold NULL',
      count: 10_000,
      estimate: false,
      lowerBound: true,
    });
    expect(liveCheckFinding(dropTable!, { found: 10_000, limitReached: true, tableRows: 2_100_000 })).toMatchObject({
      message: "1_m.sql line 3: DROP TABLE legacy_orders, but it holds about 2,100,000 rows; an estimate from the table's statistics",
      count: 2_100_000,
      estimate: true,
      lowerBound: false,
    });
    expect(liveCheckFinding(dropTable!, { found: 10_000, limitReached: true })?.message).toContain('it holds more than 10,000 rows');
  });

  it('scales a sample up and says it is an estimate; duplicates in a sample are a floor', () => {
    expect(liveCheckFinding(check!, { found: 40, limitReached: false, samplePercent: 2, tableRows: 6e6, example: 'id = 7' })).toMatchObject({
      message: '1_m.sql line 1: CHECK positive (amount > 0) on orders, but about 2,000 rows fail it (e.g. id = 7); an estimate from a 2% sample of the table',
      count: 2000,
      estimate: true,
      lowerBound: false,
    });
    expect(liveCheckFinding(unique!, { found: 1, limitReached: false, samplePercent: 0.25 })).toMatchObject({
      message: '1_m.sql line 1: UNIQUE index users_email_key on users (email), but at least 1 value occurs more than once; found in a 0.25% sample of the table, the whole table may hold more',
      count: 1,
      estimate: true,
      lowerBound: true,
    });
  });

  it('turns a check that could not finish into a warning that says why', () => {
    expect(unfinishedCheckFinding(notNull!, { reason: 'timeout', timeoutMs: 5000 })).toEqual({
      rule: 'set-not-null-with-nulls',
      severity: 'warning',
      file: '1_m.sql',
      line: 1,
      table: 'users',
      column: 'email',
      message: '1_m.sql line 1: could not check SET NOT NULL on users.email within 5s (statement_timeout): the table is too large or too busy, so its rows are unchecked',
      fix: 'check users by hand before deploying',
      count: null,
      estimate: false,
      lowerBound: false,
    });
    expect(unfinishedCheckFinding(dropTable!, { reason: 'lock', timeoutMs: 250 }).message).toBe(
      '1_m.sql line 3: could not check DROP TABLE legacy_orders: another session held a lock on legacy_orders for more than 250ms',
    );
    expect(unfinishedCheckFinding(check!, { reason: 'error', message: 'function f() does not exist' }).message).toContain(
      'could not check CHECK positive (amount > 0) on orders: function f() does not exist',
    );
  });
});
