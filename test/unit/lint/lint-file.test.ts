import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../../source/adapters/sql-parser.js';
import { lintFile } from '../../../source/domain/lint/lint.js';

beforeAll(() => loadSqlParser());

/** Joins lines so that line numbers in a test are easy to count. */
const sql = (...lines: string[]) => `${lines.join('\n')}\n`;

const brief = (findings: ReturnType<typeof lintFile>) => findings.map(({ rule, severity, line }) => ({ rule, severity, line }));

describe('lintFile: findings', () => {
  it('gives file, rule, severity, line, message and fix, sorted by line', () => {
    const findings = lintFile('migrations/002_users.sql', sql(
      'ALTER TABLE users ADD COLUMN age integer NOT NULL;', //       1
      '', //                                                          2
      'DROP TABLE legacy_users;', //                                  3
      'CREATE INDEX users_age_idx ON users (age);', //                4
    ));
    expect(brief(findings)).toEqual([
      { rule: 'adding-not-nullable-field', severity: 'error', line: 1 },
      { rule: 'ban-drop-table', severity: 'warning', line: 3 },
      { rule: 'require-concurrent-index-creation', severity: 'error', line: 4 },
    ]);
    expect(findings[0]).toEqual({
      file: 'migrations/002_users.sql',
      rule: 'adding-not-nullable-field',
      severity: 'error',
      line: 1,
      message: 'users.age: adding a NOT NULL column without a default fails on a table that has rows',
      fix: expect.stringContaining('add the column as nullable'),
    });
  });

  it('puts a finding on the line of the column or constraint at fault inside a multi-line statement', () => {
    const findings = lintFile('f.sql', sql(
      '-- people', //                                     1
      'CREATE TABLE people (', //                         2
      '  id bigserial PRIMARY KEY,', //                   3
      '  name varchar(80),', //                           4
      '  born timestamp', //                              5
      ');', //                                            6
      'ALTER TABLE users', //                             7
      '  ADD COLUMN token uuid DEFAULT gen_random_uuid(),', // 8
      '  ADD CONSTRAINT users_org_fk', //                 9
      '    FOREIGN KEY (org_id) REFERENCES orgs (id);', // 10
    ));
    expect(brief(findings)).toEqual([
      { rule: 'prefer-identity', severity: 'warning', line: 3 },
      { rule: 'prefer-text-field', severity: 'warning', line: 4 },
      { rule: 'prefer-timestamptz', severity: 'warning', line: 5 },
      { rule: 'adding-field-with-default', severity: 'error', line: 8 },
      { rule: 'constraint-missing-not-valid', severity: 'error', line: 9 },
    ]);
  });

  it('counts lines right after multi-byte characters', () => {
    const findings = lintFile('f.sql', sql(
      "COMMENT ON TABLE users IS 'Benutzer – naïve ☃';", // 1
      "INSERT INTO notes VALUES ('日本語', '🚀🚀🚀');", //       2
      'CREATE TABLE t (', //                                   3
      "  label text DEFAULT '→',", //                          4
      '  at timestamp', //                                     5
      ');',
    ));
    expect(brief(findings)).toEqual([{ rule: 'prefer-timestamptz', severity: 'warning', line: 5 }]);
  });

  it('knows the tables the file creates: no lock warnings for them, even after a rename', () => {
    const findings = lintFile('f.sql', sql(
      'CREATE TABLE users_new (id bigint, email text);',
      'ALTER TABLE users_new RENAME TO accounts;',
      'CREATE INDEX accounts_email_idx ON accounts (email);',
      'ALTER TABLE accounts ADD CONSTRAINT accounts_email_key UNIQUE (email);',
      'CREATE INDEX users_email_idx ON users (email);',
    ));
    expect(brief(findings)).toEqual([{ rule: 'require-concurrent-index-creation', severity: 'error', line: 5 }]);
  });

  it('reads -- data:no-transaction from the first line, or takes it from the caller', () => {
    const concurrent = 'CREATE INDEX CONCURRENTLY users_email_idx ON users (email);\n';
    expect(brief(lintFile('f.sql', `-- data:no-transaction\n${concurrent}`))).toEqual([]);
    expect(brief(lintFile('f.sql', concurrent))).toEqual([
      { rule: 'ban-concurrent-index-creation-in-transaction', severity: 'error', line: 1 },
    ]);
    expect(brief(lintFile('f.sql', concurrent, { noTransaction: true }))).toEqual([]);
  });

  it('reports nothing for an empty file or one with only comments', () => {
    expect(lintFile('f.sql', '')).toEqual([]);
    expect(lintFile('f.sql', '-- nothing yet\n/* really */\n')).toEqual([]);
  });
});

describe('lintFile: a syntax error', () => {
  it('is an error finding with the line and the parser message, and nothing else is linted', () => {
    const findings = lintFile('bad.sql', sql(
      'DROP TABLE users;', //                 1
      'CREATE TABLE posts (', //              2
      '  id bigint,', //                      3
      '  title text,,', //                    4
      ');',
    ));
    expect(findings).toEqual([{
      file: 'bad.sql',
      rule: 'syntax-error',
      severity: 'error',
      line: 4,
      message: expect.stringMatching(/^syntax error at or near "," \(line 4, column \d+\)$/),
      fix: 'fix the SQL; nothing else in this file was linted',
    }]);
  });
});

describe('lintFile: a syntax error that runs over lines', () => {
  it('keeps the message to one line', () => {
    const [finding] = lintFile('bad.sql', "SELECT 1;\nSELECT 'abc;\nSELECT 2;\n");
    expect(finding).toMatchObject({ rule: 'syntax-error', line: 2, message: 'unterminated quoted string at or near "\'abc; ..." (line 2, column 8)' });
  });
});

describe('lintFile: -- data:ignore', () => {
  it('silences that rule for the statement directly below, and only that rule', () => {
    const findings = lintFile('f.sql', sql(
      '-- data:ignore ban-drop-column nothing reads it since v2.3', // 1
      'ALTER TABLE users DROP COLUMN fax, ALTER COLUMN age TYPE bigint;', // 2
      'ALTER TABLE users DROP COLUMN pager;', //                       3
    ));
    expect(brief(findings)).toEqual([
      { rule: 'changing-column-type', severity: 'error', line: 2 },
      { rule: 'ban-drop-column', severity: 'warning', line: 3 },
    ]);
  });

  it('takes several ignore lines above one statement, with other comments between them', () => {
    const findings = lintFile('f.sql', sql(
      'SELECT 1;',
      '-- data:ignore ban-drop-column the column moved to profiles',
      '/* reviewed by ops, ticket 42 */',
      '-- data:ignore changing-column-type the table holds 12 rows',
      'ALTER TABLE users DROP COLUMN fax, ALTER COLUMN age TYPE bigint;',
    ));
    expect(findings).toEqual([]);
  });

  it('needs a reason: without one it is an invalid-ignore error and silences nothing', () => {
    const findings = lintFile('f.sql', sql(
      'DROP TABLE legacy;', //                  1
      '-- data:ignore ban-drop-column', //      2
      'ALTER TABLE users DROP COLUMN fax;', //  3
    ));
    expect(brief(findings)).toEqual([
      { rule: 'ban-drop-table', severity: 'warning', line: 1 },
      { rule: 'invalid-ignore', severity: 'error', line: 2 },
      { rule: 'ban-drop-column', severity: 'warning', line: 3 },
    ]);
    expect(findings[1]!.message).toBe('data:ignore ban-drop-column gives no reason, so it silences nothing');
    expect(findings[1]!.fix).toBe('say why after the rule id: -- data:ignore ban-drop-column <reason>');
  });

  it('needs a known rule id: an unknown one is an invalid-ignore error with a guess and the list', () => {
    const findings = lintFile('f.sql', sql('-- data:ignore ban-drop-colum it is unused', 'ALTER TABLE users DROP COLUMN fax;'));
    expect(brief(findings)).toEqual([
      { rule: 'invalid-ignore', severity: 'error', line: 1 },
      { rule: 'ban-drop-column', severity: 'warning', line: 2 },
    ]);
    expect(findings[0]!.message).toBe('data:ignore names an unknown rule "ban-drop-colum"');
    expect(findings[0]!.fix).toMatch(/^did you mean "ban-drop-column"\? write -- data:ignore <rule-id> <reason> with one of: adding-not-nullable-field, /);
  });

  it('names no rule: invalid-ignore saying what to write', () => {
    const [finding] = lintFile('f.sql', sql('-- data:ignore', 'SELECT 1;'));
    expect(finding).toMatchObject({ rule: 'invalid-ignore', line: 1, message: 'data:ignore names no rule' });
    expect(finding!.fix).toContain('write -- data:ignore <rule-id> <reason>, e.g. -- data:ignore ban-drop-column');
  });

  it('does not reach over a blank line, sit after code on its line, or dangle at the end', () => {
    const findings = lintFile('f.sql', sql(
      '-- data:ignore ban-drop-table legacy is unused', //                          1
      '', //                                                                        2
      'DROP TABLE legacy;', //                                                      3
      'SELECT 1; -- data:ignore ban-drop-table the next one is fine too', //        4
      'DROP TABLE older;', //                                                       5
      '-- data:ignore ban-drop-table nothing below me', //                          6
    ));
    expect(brief(findings)).toEqual([
      { rule: 'invalid-ignore', severity: 'error', line: 1 },
      { rule: 'ban-drop-table', severity: 'warning', line: 3 },
      { rule: 'invalid-ignore', severity: 'error', line: 4 },
      { rule: 'ban-drop-table', severity: 'warning', line: 5 },
      { rule: 'invalid-ignore', severity: 'error', line: 6 },
    ]);
    expect(findings[0]!.fix).toContain('no blank line between');
    expect(findings[2]!.fix).toContain('on a line of its own');
  });

  it('is never read from inside a string literal', () => {
    const findings = lintFile('f.sql', sql(
      "INSERT INTO notes (body) VALUES ('",
      '-- data:ignore ban-drop-table not a comment at all',
      "');",
      'DROP TABLE legacy;',
    ));
    expect(brief(findings)).toEqual([{ rule: 'ban-drop-table', severity: 'warning', line: 4 }]);
  });
});

describe('lintFile: severities from data.config.yaml', () => {
  const file = sql('CREATE TABLE users (id bigint, email varchar(255), seen timestamp);', 'DROP TABLE legacy;');

  it('turns a rule off, raises a warning to an error and lowers an error to a warning', () => {
    const findings = lintFile('f.sql', file, {
      settings: { 'prefer-text-field': 'off', 'prefer-timestamptz': 'error', 'ban-drop-table': 'error' },
    });
    expect(brief(findings)).toEqual([
      { rule: 'prefer-timestamptz', severity: 'error', line: 1 },
      { rule: 'ban-drop-table', severity: 'error', line: 2 },
    ]);
    const lowered = lintFile('f.sql', 'DROP DATABASE shop;', { settings: { 'ban-drop-database': 'warning' } });
    expect(brief(lowered)).toEqual([{ rule: 'ban-drop-database', severity: 'warning', line: 1 }]);
  });

  it('keeps every default without settings', () => {
    expect(brief(lintFile('f.sql', file))).toEqual([
      { rule: 'prefer-timestamptz', severity: 'warning', line: 1 },
      { rule: 'prefer-text-field', severity: 'warning', line: 1 },
      { rule: 'ban-drop-table', severity: 'warning', line: 2 },
    ]);
  });
});
