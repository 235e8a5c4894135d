import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../source/domain/errors.js';
import {
  NO_TRANSACTION_MARKER,
  compareVersions,
  discoverMigrations,
  isNoTransaction,
  sha256,
  type MigrationFile,
} from '../../source/domain/migrations.js';

const FOLDER = 'migrations';

const file = (name: string, content = `-- ${name}\nSELECT 1;\n`): MigrationFile => ({ name, content });
const discover = (...files: MigrationFile[]) => discoverMigrations(FOLDER, files);

function errorOf(fn: () => unknown): DataError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a DataError to be thrown').toBeInstanceOf(DataError);
  return thrown as DataError;
}

describe('discoverMigrations: file names', () => {
  it('reads version and name of an up file with its down file', () => {
    const [migration, ...rest] = discover(
      file('20261122093000_create_users.sql', 'CREATE TABLE users (id int);\n'),
      file('20261122093000_create_users.down.sql', 'DROP TABLE users;\n'),
    );
    expect(rest).toEqual([]);
    expect(migration).toEqual({
      version: '20261122093000',
      name: 'create_users',
      checksum: sha256('CREATE TABLE users (id int);\n'),
      up: { file: '20261122093000_create_users.sql', sql: 'CREATE TABLE users (id int);\n', noTransaction: false },
      down: { file: '20261122093000_create_users.down.sql', sql: 'DROP TABLE users;\n', noTransaction: false },
    });
  });

  it('leaves down undefined for a migration without a down file', () => {
    const [migration] = discover(file('1_only_up.sql'));
    expect(migration!.down).toBeUndefined();
  });

  it('takes the version as the digits before the first "_" and keeps the rest as the name', () => {
    const [migration] = discover(file('0042_add_index_on_users_email.sql'));
    expect(migration!.version).toBe('0042');
    expect(migration!.name).toBe('add_index_on_users_email');
  });

  it('accepts dots and dashes in the name', () => {
    const [migration] = discover(file('7_v1.2-fix.sql'), file('7_v1.2-fix.down.sql'));
    expect(migration!.name).toBe('v1.2-fix');
    expect(migration!.down!.file).toBe('7_v1.2-fix.down.sql');
  });

  it('returns no migrations for an empty folder', () => {
    expect(discover()).toEqual([]);
  });

  it('ignores files that do not end in .sql', () => {
    const migrations = discover(
      file('README.md'),
      file('.gitkeep'),
      file('1_a.sql.bak'),
      file('notes.txt'),
      file('2_b.sql'),
      file('1_a.sql'),
    );
    expect(migrations.map((m) => m.up.file)).toEqual(['1_a.sql', '2_b.sql']);
  });

  it.each(['create_users.sql', 'v1_create_users.sql', '1_.sql', '1__users.sql', '1-create.sql', '1_bad name.sql', '.sql'])(
    'rejects the .sql file %j whose name does not follow the pattern',
    (name) => {
      const error = errorOf(() => discover(file('1_ok.sql'), file(name)));
      expect(error.exitCode).toBe(2);
      expect(error.message).toMatch(/^migration file names must look like <version>_<name>\.sql or <version>_<name>\.down\.sql: /);
      expect(error.message).toContain(name);
      expect(error.where).toBe(FOLDER);
      expect(error.fix).toMatch(/rename them/);
    },
  );

  it('names every badly named file in one error', () => {
    const error = errorOf(() => discover(file('b.sql'), file('1_ok.sql'), file('a.sql')));
    expect(error.message).toMatch(/: a\.sql, b\.sql$/);
  });
});

describe('discoverMigrations: conflicts', () => {
  it('rejects two up files with one version, naming both', () => {
    const error = errorOf(() => discover(file('5_create_users.sql'), file('5_create_orders.sql')));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('two migrations share version 5: 5_create_orders.sql and 5_create_users.sql');
    expect(error.where).toBe(FOLDER);
    expect(error.fix).toMatch(/new version/);
  });

  it('treats versions that differ only in leading zeros as the same version', () => {
    const error = errorOf(() => discover(file('001_a.sql'), file('1_b.sql')));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/two migrations share version/);
    expect(error.message).toContain('001_a.sql');
    expect(error.message).toContain('1_b.sql');
  });

  it('rejects a down file without its up file, naming both', () => {
    const error = errorOf(() => discover(file('1_a.sql'), file('2_b.down.sql')));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('down file 2_b.down.sql has no up file 2_b.sql');
    expect(error.where).toBe(FOLDER);
    expect(error.fix).toBe('add 2_b.sql, or rename the down file to match its up file');
  });

  it('rejects a down file whose name differs from its up file', () => {
    const error = errorOf(() => discover(file('1_create_users.sql'), file('1_create_user.down.sql')));
    expect(error.message).toBe('down file 1_create_user.down.sql has no up file 1_create_user.sql');
  });

  it('accepts an up file and its down file sharing a version', () => {
    expect(() => discover(file('3_x.sql'), file('3_x.down.sql'))).not.toThrow();
  });
});

describe('discoverMigrations: order', () => {
  it('orders versions numerically, not as text', () => {
    const migrations = discover(file('10_ten.sql'), file('9_nine.sql'), file('100_hundred.sql'), file('2_two.sql'));
    expect(migrations.map((m) => m.version)).toEqual(['2', '9', '10', '100']);
  });

  it('orders timestamp versions', () => {
    const migrations = discover(
      file('20261122093000_c.sql'),
      file('20250101000000_a.sql'),
      file('20261121235959_b.sql'),
    );
    expect(migrations.map((m) => m.name)).toEqual(['a', 'b', 'c']);
  });

  it('handles versions longer than a double can hold exactly', () => {
    // 2^53 + 1 and 2^53 are one Number; as versions they differ, and the text order is the opposite.
    const migrations = discover(file('09007199254740993_b.sql'), file('9007199254740992_a.sql'));
    expect(migrations.map((m) => m.name)).toEqual(['a', 'b']);
  });

  it('does not depend on the order of the input and does not change it', () => {
    const files = [file('3_c.sql'), file('1_a.down.sql'), file('2_b.sql'), file('1_a.sql')];
    const before = files.map((f) => f.name);
    const forward = discoverMigrations(FOLDER, files);
    expect(files.map((f) => f.name)).toEqual(before);
    const backward = discoverMigrations(FOLDER, [...files].reverse());
    expect(backward).toEqual(forward);
    expect(forward.map((m) => m.version)).toEqual(['1', '2', '3']);
    expect(forward[0]!.down!.file).toBe('1_a.down.sql');
  });
});

describe('discoverMigrations: no-transaction marker and checksum', () => {
  it('marks an up file whose first line is the marker', () => {
    const [migration] = discover(
      file('1_index.sql', '-- data:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);\n'),
      file('1_index.down.sql', 'DROP INDEX i;\n'),
    );
    expect(migration!.up.noTransaction).toBe(true);
    expect(migration!.down!.noTransaction).toBe(false);
  });

  it('marks a down file on its own', () => {
    const [migration] = discover(
      file('1_index.sql', 'CREATE TABLE t (c int);\n'),
      file('1_index.down.sql', '-- data:no-transaction\nDROP INDEX CONCURRENTLY i;\n'),
    );
    expect(migration!.up.noTransaction).toBe(false);
    expect(migration!.down!.noTransaction).toBe(true);
  });

  it('checksums the up file content with sha256', () => {
    const content = 'CREATE TABLE t (id int);\n';
    const [migration] = discover(file('1_t.sql', content), file('1_t.down.sql', 'DROP TABLE t;\n'));
    expect(migration!.checksum).toBe(createHash('sha256').update(content).digest('hex'));
    expect(migration!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes the checksum when the up file changes, but not when the down file does', () => {
    const [a] = discover(file('1_t.sql', 'SELECT 1;\n'), file('1_t.down.sql', 'SELECT 2;\n'));
    const [b] = discover(file('1_t.sql', 'SELECT 1;\n'), file('1_t.down.sql', 'SELECT 3;\n'));
    const [c] = discover(file('1_t.sql', 'SELECT 1; \n'), file('1_t.down.sql', 'SELECT 2;\n'));
    expect(b!.checksum).toBe(a!.checksum);
    expect(c!.checksum).not.toBe(a!.checksum);
  });
});

describe('isNoTransaction', () => {
  it('is the documented marker', () => {
    expect(NO_TRANSACTION_MARKER).toBe('-- data:no-transaction');
  });

  it.each([
    ['the marker alone', '-- data:no-transaction'],
    ['the marker then SQL', '-- data:no-transaction\nCREATE INDEX CONCURRENTLY i ON t (c);'],
    ['CRLF line endings', '-- data:no-transaction\r\nCREATE INDEX CONCURRENTLY i ON t (c);\r\n'],
    ['a byte order mark', '\uFEFF-- data:no-transaction\nSELECT 1;'],
    ['surrounding blanks', '  -- data:no-transaction  \nSELECT 1;'],
  ])('is true for %s', (_label, sql) => {
    expect(isNoTransaction(sql)).toBe(true);
  });

  it.each([
    ['an empty file', ''],
    ['a file without the marker', 'CREATE TABLE t (id int);'],
    ['the marker on the second line', 'SELECT 1;\n-- data:no-transaction\n'],
    ['the marker after a blank line', '\n-- data:no-transaction\n'],
    ['the marker without the space', '--data:no-transaction\n'],
    ['the marker with more text', '-- data:no-transaction please\n'],
    ['another marker', '-- data:transaction\n'],
  ])('is false for %s', (_label, sql) => {
    expect(isNoTransaction(sql)).toBe(false);
  });
});

describe('compareVersions', () => {
  it('compares numerically', () => {
    expect(compareVersions('2', '10')).toBeLessThan(0);
    expect(compareVersions('10', '2')).toBeGreaterThan(0);
    expect(compareVersions('20261122093000', '20261122093000')).toBe(0);
  });

  it('breaks a numeric tie by the text, so sorting is stable and total', () => {
    expect(compareVersions('01', '1')).toBeLessThan(0);
    expect(compareVersions('1', '01')).toBeGreaterThan(0);
  });

  it('sorts a list', () => {
    expect(['100', '20', '3', '0003', '1'].sort(compareVersions)).toEqual(['1', '0003', '3', '20', '100']);
  });
});

describe('sha256', () => {
  it('hashes text to lowercase hex', () => {
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes text as UTF-8, the same as its bytes', () => {
    expect(sha256('ñandú')).toBe(sha256(Buffer.from('ñandú', 'utf8')));
  });
});
