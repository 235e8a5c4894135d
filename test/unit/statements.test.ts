import { beforeAll, describe, expect, it } from 'vitest';
import { loadSqlParser } from '../../source/adapters/sql-parser.js';
import { SqlSyntaxError, lineAndColumn, splitStatements } from '../../source/domain/statements.js';

beforeAll(async () => {
  await loadSqlParser();
});

/** [index, line, text] of each statement. */
const split = (sql: string) => splitStatements(sql).map((s) => [s.index, s.line, s.text] as const);

function syntaxErrorOf(sql: string): SqlSyntaxError {
  let thrown: unknown;
  try {
    splitStatements(sql);
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a SqlSyntaxError').toBeInstanceOf(SqlSyntaxError);
  return thrown as SqlSyntaxError;
}

describe('splitStatements: statements and their lines', () => {
  it('returns nothing for an empty file, white space or comments only', () => {
    expect(splitStatements('')).toEqual([]);
    expect(splitStatements('   \n\t\n')).toEqual([]);
    expect(splitStatements('-- nothing to do\n/* really\n nothing */\n')).toEqual([]);
  });

  it('reads a file that starts with a UTF-8 byte order mark as psql does', () => {
    expect(split('\uFEFFCREATE TABLE bom (id int);\nSELECT 1;\n')).toEqual([
      [1, 1, 'CREATE TABLE bom (id int)'],
      [2, 2, 'SELECT 1'],
    ]);
    expect(splitStatements('\uFEFF-- only a comment\n')).toEqual([]);
    expect(syntaxErrorOf('\uFEFFCREATE TABEL x (id int);').line).toBe(1);
  });

  it('returns nothing for bare semicolons', () => {
    expect(splitStatements(';;\n;')).toEqual([]);
  });

  it('splits statements, numbering them and dropping the closing semicolon', () => {
    expect(split('SELECT 1;\nSELECT 2;\n')).toEqual([
      [1, 1, 'SELECT 1'],
      [2, 2, 'SELECT 2'],
    ]);
  });

  it('keeps a last statement without a semicolon', () => {
    expect(split('CREATE TABLE a (id int);\nDROP TABLE a')).toEqual([
      [1, 1, 'CREATE TABLE a (id int)'],
      [2, 2, 'DROP TABLE a'],
    ]);
  });

  it('splits several statements on one line', () => {
    expect(split('SELECT 1; SELECT 2;SELECT 3')).toEqual([
      [1, 1, 'SELECT 1'],
      [2, 1, 'SELECT 2'],
      [3, 1, 'SELECT 3'],
    ]);
  });

  it('skips empty statements between semicolons', () => {
    expect(split('SELECT 1;;\n;SELECT 2;')).toEqual([
      [1, 1, 'SELECT 1'],
      [2, 2, 'SELECT 2'],
    ]);
  });

  it('gives the line of the first token, after leading blank lines and comments', () => {
    const sql = [
      '-- data: create the users table', // 1
      '', //                                 2
      '/* a block', //                       3
      '   comment */', //                    4
      'CREATE TABLE users (', //             5
      '  id bigint PRIMARY KEY,', //         6
      '  email text NOT NULL', //            7
      ');', //                               8
      '', //                                 9
      '-- and an index', //                  10
      '  -- two comment lines', //           11
      '  CREATE INDEX users_email ON users (email);', // 12
    ].join('\n');
    expect(split(sql)).toEqual([
      [1, 5, 'CREATE TABLE users (\n  id bigint PRIMARY KEY,\n  email text NOT NULL\n)'],
      [2, 12, 'CREATE INDEX users_email ON users (email)'],
    ]);
  });

  it('keeps comments inside a statement', () => {
    const [statement] = splitStatements('SELECT 1, -- the first\n  2 /* the second */;');
    expect(statement!.text).toBe('SELECT 1, -- the first\n  2 /* the second */');
  });

  it('does not split on semicolons in strings, quoted identifiers or comments', () => {
    expect(split("SELECT 'a;b';\nSELECT 1 AS \"x;y\"; -- c;d\nSELECT /* e;f */ 2;")).toEqual([
      [1, 1, "SELECT 'a;b'"],
      [2, 2, 'SELECT 1 AS "x;y"'],
      [3, 3, 'SELECT /* e;f */ 2'],
    ]);
  });

  it('keeps a dollar-quoted function body with semicolons in one statement', () => {
    const body = [
      'CREATE FUNCTION touch() RETURNS trigger AS $$', // 1
      'BEGIN', //                                        2
      '  NEW.updated_at := now();', //                   3
      '  RETURN NEW;', //                                4
      'END;', //                                         5
      '$$ LANGUAGE plpgsql', //                          6
    ].join('\n');
    const sql = `${body};\n\nCREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch();\n`;
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]!.text).toBe(body);
    expect(statements[0]!.line).toBe(1);
    expect(statements[1]!.text).toBe('CREATE TRIGGER t BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION touch()');
    expect(statements[1]!.line).toBe(8);
  });

  it('keeps a tagged dollar quote and a DO block whole', () => {
    const sql = "SELECT $tag$ x; $$ y; $tag$;\nDO $do$\nBEGIN\n  RAISE NOTICE 'a;b';\nEND\n$do$;\nSELECT 3;";
    expect(split(sql)).toEqual([
      [1, 1, 'SELECT $tag$ x; $$ y; $tag$'],
      [2, 2, "DO $do$\nBEGIN\n  RAISE NOTICE 'a;b';\nEND\n$do$"],
      [3, 7, 'SELECT 3'],
    ]);
  });

  it('counts lines correctly with multibyte UTF-8 text before the statements', () => {
    const sql = [
      '-- ñandú, 日本語, emoji 🚀🚀', //             1
      "INSERT INTO words VALUES ('çà et là');", //  2
      '/* Größe — ünïcödé */', //                    3
      "SELECT '🚀', 'ß';", //                        4
      'SELECT 3;', //                                5
    ].join('\n');
    expect(split(sql)).toEqual([
      [1, 2, "INSERT INTO words VALUES ('çà et là')"],
      [2, 4, "SELECT '🚀', 'ß'"],
      [3, 5, 'SELECT 3'],
    ]);
  });

  it('slices text correctly after multibyte text on the same line', () => {
    expect(split("SELECT '日本語'; SELECT 'ü'; SELECT 3;")).toEqual([
      [1, 1, "SELECT '日本語'"],
      [2, 1, "SELECT 'ü'"],
      [3, 1, 'SELECT 3'],
    ]);
  });

  it('counts lines in a file with CRLF line endings', () => {
    const statements = splitStatements('-- header\r\nSELECT 1;\r\n\r\nSELECT 2;\r\n');
    expect(statements.map((s) => [s.line, s.text])).toEqual([
      [2, 'SELECT 1'],
      [4, 'SELECT 2'],
    ]);
  });

  it('returns the parser tree of each statement', () => {
    const statements = splitStatements('CREATE TABLE t (id int);\nSELECT * FROM t;\nCREATE INDEX CONCURRENTLY i ON t (id);');
    expect(Object.keys(statements[0]!.ast)).toEqual(['CreateStmt']);
    expect(Object.keys(statements[1]!.ast)).toEqual(['SelectStmt']);
    const index = statements[2]!.ast.IndexStmt as { concurrent?: boolean; idxname?: string };
    expect(index.concurrent).toBe(true);
    expect(index.idxname).toBe('i');
  });
});

describe('splitStatements: nested block comments', () => {
  it('skips a nested comment before the first statement', () => {
    const [statement] = splitStatements('/* outer /* inner */ still outer */\nSELECT 1;');
    expect(statement).toMatchObject({ text: 'SELECT 1', line: 2 });
  });

  it('skips a nested comment between statements', () => {
    const statements = splitStatements('SELECT 1;\n/* a /* b */ c */\nSELECT 2;');
    expect(statements[1]).toMatchObject({ text: 'SELECT 2', line: 3 });
  });
});

describe('splitStatements: syntax errors', () => {
  it('throws SqlSyntaxError with the line and column of the bad token', () => {
    const error = syntaxErrorOf('SELECT 1;\nSELEC 2;\n');
    expect(error.name).toBe('SqlSyntaxError');
    expect(error.message).toMatch(/syntax error at or near "SELEC"/);
    expect(error.line).toBe(2);
    expect(error.column).toBe(1);
  });

  it('points inside a later line of a statement', () => {
    const sql = ['CREATE TABLE a (id int);', '', 'CREATE TABLE b (', '  id int,', '  name text,,', ');'].join('\n');
    const error = syntaxErrorOf(sql);
    expect(error.message).toMatch(/syntax error at or near ","/);
    expect(error.line).toBe(5);
    expect(error.column).toBe(13);
  });

  it('reports an unterminated statement at the end of the input', () => {
    const error = syntaxErrorOf('SELECT 1;\nSELECT (1');
    expect(error.message).toMatch(/at end of input/);
    expect(error.line).toBe(2);
  });

  it('reports an unterminated dollar quote', () => {
    const error = syntaxErrorOf('SELECT 1;\nDO $$ BEGIN NULL; END;');
    expect(error).toBeInstanceOf(SqlSyntaxError);
    expect(error.message).toMatch(/unterminated dollar-quoted string/);
    expect(error.line).toBe(2);
  });

  it('counts the error position in characters, so multibyte text before it keeps the line right', () => {
    const error = syntaxErrorOf("SELECT 'ééééééééééé';\nSELEC 2;");
    expect(error.line).toBe(2);
    expect(error.column).toBe(1);
  });

  it('does not report an error for a later statement as one of an earlier line', () => {
    const error = syntaxErrorOf('SELECT 1;\nSELECT 2;\nSELECT 3;\nSELECT FROM FROM;');
    expect(error.line).toBe(4);
  });
});

describe('lineAndColumn', () => {
  it('is 1-based', () => {
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('abc', 2)).toEqual({ line: 1, column: 3 });
  });

  it('counts newlines before the offset', () => {
    const text = 'ab\ncde\n\nf';
    expect(lineAndColumn(text, 2)).toEqual({ line: 1, column: 3 }); // the newline itself
    expect(lineAndColumn(text, 3)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn(text, 5)).toEqual({ line: 2, column: 3 });
    expect(lineAndColumn(text, 7)).toEqual({ line: 3, column: 1 });
    expect(lineAndColumn(text, 8)).toEqual({ line: 4, column: 1 });
  });

  it('stops at the end of the text', () => {
    expect(lineAndColumn('a\nb', 3)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('a\nb', 99).line).toBe(2);
  });
});
