import { blockCommentEnd, type SqlStatement } from '../statements.js';
import type { LineIndex } from './lines.js';

export const IGNORE_DIRECTIVE = 'data:ignore';

/** A `-- data:ignore <rule-id> <reason>` comment found between statements. */
export interface IgnoreComment {
  line: number;
  /** The words after `data:ignore`: the rule id, then the reason. */
  ruleId: string;
  reason: string;
  /** The statement it stands directly above, if it does (own line, no blank line between). */
  statement?: SqlStatement;
  /** Code stands before it on its line. */
  trailing: boolean;
}

interface Comment {
  start: number;
  end: number;
  /** For `--` comments, the text after the dashes; undefined for block comments. */
  body?: string;
}

/**
 * The `-- data:ignore` comments of a file. Only the text between statements
 * is read (white space, semicolons and comments, as the parser left it), so
 * a string literal that happens to contain `-- data:ignore` is never taken.
 */
export function findIgnoreComments(sql: string, statements: SqlStatement[], lines: LineIndex): IgnoreComment[] {
  const found: IgnoreComment[] = [];
  for (let i = 0; i <= statements.length; i++) {
    const from = i === 0 ? 0 : statements[i - 1]!.end;
    const next = statements[i];
    const comments = commentsBetween(sql, from, next ? next.start : sql.length);
    // Lines that hold nothing but comments: an ignore above a run of them still stands directly above the statement.
    const commentLines = new Set<number>();
    for (const comment of comments) {
      if (startsItsLine(sql, comment.start)) {
        for (let line = lines.ofCharacter(comment.start); line <= lines.ofCharacter(comment.end - 1); line++) commentLines.add(line);
      }
    }
    for (const comment of comments) {
      const words = (comment.body ?? '').trim().split(/\s+/);
      if (words[0] !== IGNORE_DIRECTIVE) continue;
      const line = lines.ofCharacter(comment.start);
      const trailing = !startsItsLine(sql, comment.start);
      let above = Boolean(next) && !trailing && line < next!.line;
      for (let between = line + 1; above && between < next!.line; between++) above = commentLines.has(between);
      found.push({ line, ruleId: words[1] ?? '', reason: words.slice(2).join(' '), statement: above ? next : undefined, trailing });
    }
  }
  return found;
}

/** Only white space stands before the offset on its line. */
function startsItsLine(sql: string, offset: number): boolean {
  return sql.slice(sql.lastIndexOf('\n', offset - 1) + 1, offset).trim() === '';
}

/** The comments in a stretch of the file that holds no statement. */
function commentsBetween(sql: string, from: number, to: number): Comment[] {
  const comments: Comment[] = [];
  let i = from;
  while (i < to) {
    if (sql.startsWith('--', i)) {
      const newline = sql.indexOf('\n', i);
      const end = newline === -1 || newline > to ? to : newline;
      comments.push({ start: i, end, body: sql.slice(i + 2, end) });
      i = end;
    } else if (sql.startsWith('/*', i)) {
      const start = i;
      i = Math.min(blockCommentEnd(sql, i), to);
      comments.push({ start, end: i });
    } else i++;
  }
  return comments;
}
