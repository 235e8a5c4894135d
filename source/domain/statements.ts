import { parseSync } from 'libpg-query';

/** One top-level SQL statement of a file, as the PostgreSQL parser sees it. */
export interface SqlStatement {
  /** 1-based position in the file. */
  index: number;
  /** The statement's text from its first token, without the closing semicolon. */
  text: string;
  /** 1-based line where the statement's first token is. */
  line: number;
  /** Character offsets in the file: the first token, and the end of the statement. */
  start: number;
  end: number;
  /** The parser's tree for it (libpg-query's JSON). */
  ast: Record<string, unknown>;
}

export class SqlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SqlSyntaxError';
  }
}

/** Line and column (1-based) of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first character that is neither white space nor a comment. */
function skipTrivia(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    if (/\s/.test(text[i]!)) i++;
    else if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) i = blockCommentEnd(text, i);
    else break;
  }
  return i;
}

/** The offset just after the block comment that opens at `from`; PostgreSQL's block comments nest. */
export function blockCommentEnd(text: string, from: number): number {
  let depth = 0;
  let i = from;
  do {
    if (text.startsWith('/*', i)) {
      depth++;
      i += 2;
    } else if (text.startsWith('*/', i)) {
      depth--;
      i += 2;
    } else i++;
  } while (depth > 0 && i < text.length);
  return i;
}

/**
 * Splits SQL into its top-level statements with the real PostgreSQL parser
 * (libpg-query must have been loaded, see adapters/sql-parser). Throws
 * SqlSyntaxError with the line of the parser's cursor.
 */
export function splitStatements(file: string): SqlStatement[] {
  // A UTF-8 byte order mark (editors on Windows write one) is white space to us, as to psql;
  // a space in its place keeps every offset.
  const sql = file.charCodeAt(0) === 0xfeff ? ` ${file.slice(1)}` : file;
  if (skipTrivia(sql, 0) >= sql.length) return [];
  // The parser reports byte offsets; slice bytes, then decode.
  const bytes = Buffer.from(sql, 'utf8');
  let tree: { stmts?: Array<{ stmt: Record<string, unknown>; stmt_location?: number; stmt_len?: number }> };
  try {
    tree = parseSync(sql);
  } catch (error) {
    // PostgreSQL reports the error cursor in characters (statement locations are in bytes).
    const details = (error as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
    const { line, column } = lineAndColumn(sql, details?.cursorPosition ?? 0);
    throw new SqlSyntaxError((error as Error).message, line, column);
  }
  // Statements come in order: offsets and lines are carried forward from the previous one,
  // so a file of 20,000 statements is read once, not once per statement.
  let byteOffset = 0;
  let charOffset = 0;
  let lineOffset = 0;
  let line = 1;
  return (tree.stmts ?? []).map((entry, i) => {
    const start = entry.stmt_location ?? 0;
    const end = entry.stmt_len ? start + entry.stmt_len : bytes.length;
    charOffset += bytes.subarray(byteOffset, start).toString('utf8').length;
    byteOffset = start;
    const raw = bytes.subarray(start, end).toString('utf8');
    const firstToken = skipTrivia(raw, 0);
    const from = charOffset + firstToken;
    for (; lineOffset < from; lineOffset++) if (sql.charCodeAt(lineOffset) === 10) line++;
    return {
      index: i + 1,
      text: raw.slice(firstToken).trimEnd(),
      line,
      start: from,
      end: charOffset + raw.length,
      ast: entry.stmt,
    };
  });
}
