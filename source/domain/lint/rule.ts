import type { SqlStatement } from '../statements.js';
import type { LintRuleId, Severity } from './rule-ids.js';

/** One migration file as the rules see it. */
export interface FileUnderLint {
  statements: SqlStatement[];
  /** The file starts with `-- data:no-transaction`: it runs outside a transaction, one statement at a time. */
  noTransaction: boolean;
  /**
   * Tables the file itself creates ('users', 'app.users'; `public.` left out),
   * with the index of the creating statement. They are empty while the file
   * runs, so locks and scans on them cost nothing.
   */
  createdTables: ReadonlyMap<string, number>;
}

/** Where a rule found its problem. */
export interface RuleHit {
  statement: SqlStatement;
  /** Byte offset in the file of the node at fault (the parser's `location`), for its line; else the statement's line. */
  location?: number;
  /** What it is about, put before the rule's message: 'users.email', 'index users_email_idx'. */
  subject?: string;
}

/** A lint rule: one per file under rules/, with the cases that must and must not trigger it. */
export interface LintRule {
  id: LintRuleId;
  /** Unless data.config.yaml says otherwise. */
  severity: Severity;
  /** One line: what is wrong and why it hurts. */
  message: string;
  /** What to write instead. */
  fix: string;
  check(file: FileUnderLint): RuleHit[];
  /** SQL snippets; one may start with `-- data:no-transaction`. */
  cases: { must: string[]; mustNot: string[] };
}
