import { nearest } from '../config.js';
import { isNoTransaction } from '../migrations.js';
import { SqlSyntaxError, splitStatements, type SqlStatement } from '../statements.js';
import { findIgnoreComments, IGNORE_DIRECTIVE, type IgnoreComment } from './ignore-comments.js';
import { lineIndex, type LineIndex } from './lines.js';
import type { FileUnderLint, LintRule } from './rule.js';
import { isLintRuleId, LINT_RULE_IDS, type LintRuleId, type LintRuleSettings, type Severity } from './rule-ids.js';
import { LINT_RULES } from './rules/index.js';
import { bodyOf, statementOf, tableName } from './tree.js';

/** Findings that no rule file makes: a file the parser rejects, and a `-- data:ignore` that cannot be honoured. */
export type FindingRule = LintRuleId | 'invalid-ignore' | 'syntax-error';

export interface LintFinding {
  /** The file as the caller named it. */
  file: string;
  rule: FindingRule;
  severity: Severity;
  line: number;
  message: string;
  fix: string;
}

export interface LintFileOptions {
  /** Default: the file's first line is `-- data:no-transaction`. */
  noTransaction?: boolean;
  /** From data.config.yaml's `lint: { rules: ... }`; a rule not named keeps its own severity. */
  settings?: LintRuleSettings;
  /** Default: every rule. */
  rules?: readonly LintRule[];
}

/**
 * Lints one migration file: every rule over its statements, less what a
 * valid `-- data:ignore <rule-id> <reason>` directly above a statement
 * silences; sorted by line. The PostgreSQL parser must be loaded
 * (adapters/sql-parser).
 */
export function lintFile(file: string, sql: string, options: LintFileOptions = {}): LintFinding[] {
  let statements: SqlStatement[];
  try {
    statements = splitStatements(sql);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    return [{
      file,
      rule: 'syntax-error',
      severity: 'error',
      line: error.line,
      message: `${oneLine(error.message)} (line ${error.line}, column ${error.column})`,
      fix: 'fix the SQL; nothing else in this file was linted',
    }];
  }
  const lines = lineIndex(sql);
  const underLint: FileUnderLint = {
    statements,
    noTransaction: options.noTransaction ?? isNoTransaction(sql),
    createdTables: createdTables(statements),
  };
  const comments = findIgnoreComments(sql, statements, lines);
  const silenced = silencedRules(comments);
  const findings: LintFinding[] = comments.flatMap((comment) => invalidIgnore(file, comment));
  const rules = options.rules ?? LINT_RULES;
  for (const rule of rules) {
    const setting = options.settings?.[rule.id] ?? rule.severity;
    if (setting === 'off') continue;
    for (const hit of rule.check(underLint)) {
      if (silenced.get(hit.statement.index)?.has(rule.id)) continue;
      findings.push({
        file,
        rule: rule.id,
        severity: setting,
        line: hit.location === undefined ? hit.statement.line : lineOfHit(lines, hit.location, hit.statement),
        message: hit.subject ? `${hit.subject}: ${rule.message}` : rule.message,
        fix: rule.fix,
      });
    }
  }
  const order = (rule: FindingRule) => rules.findIndex((candidate) => candidate.id === rule);
  return findings.sort((a, b) => a.line - b.line || order(a.rule) - order(b.rule));
}

/** The parser quotes the text from the error on, which can run over lines (an unterminated string): keep its first. */
function oneLine(message: string): string {
  const newline = message.indexOf('\n');
  return newline === -1 ? message : `${message.slice(0, newline).trimEnd()} ..."`;
}

/** A node's line, never before its statement's (a location outside it would be the parser's oddity). */
function lineOfHit(lines: LineIndex, location: number, statement: SqlStatement): number {
  return Math.max(statement.line, lines.ofByte(location));
}

/** Tables the file creates, with the statement creating each (renames of them included). */
function createdTables(statements: SqlStatement[]): Map<string, number> {
  const created = new Map<string, number>();
  const add = (name: string, index: number) => {
    if (name && !created.has(name)) created.set(name, index);
  };
  for (const statement of statements) {
    add(tableName(statementOf(statement, 'CreateStmt')?.relation), statement.index);
    add(tableName(statementOf(statement, 'CreateTableAsStmt')?.into?.rel), statement.index);
    add(tableName(statementOf(statement, 'SelectStmt')?.intoClause?.rel), statement.index);
    const rename = statementOf(statement, 'RenameStmt');
    if (rename?.renameType === 'OBJECT_TABLE' && created.has(tableName(rename.relation))) {
      add(tableName({ ...rename.relation, relname: rename.newname }), statement.index);
    }
    // CREATE SCHEMA s CREATE TABLE t ...
    for (const element of statementOf(statement, 'CreateSchemaStmt')?.schemaElts ?? []) {
      const relation = bodyOf(element, 'CreateStmt')?.relation;
      const schema = statementOf(statement, 'CreateSchemaStmt')?.schemaname;
      if (relation) add(tableName({ ...relation, schemaname: relation.schemaname ?? schema }), statement.index);
    }
  }
  return created;
}

/** Statement index -> the rules its valid ignore comments silence. */
function silencedRules(comments: IgnoreComment[]): Map<number, Set<string>> {
  const silenced = new Map<number, Set<string>>();
  for (const comment of comments) {
    if (!comment.statement || !isLintRuleId(comment.ruleId) || !comment.reason) continue;
    const rules = silenced.get(comment.statement.index) ?? new Set<string>();
    rules.add(comment.ruleId);
    silenced.set(comment.statement.index, rules);
  }
  return silenced;
}

const EXAMPLE = `-- ${IGNORE_DIRECTIVE} ban-drop-column the app stopped reading it in v2.3`;

/** What is wrong with an ignore comment, as a finding; none when it is valid. */
function invalidIgnore(file: string, comment: IgnoreComment): LintFinding[] {
  const finding = (message: string, fix: string): LintFinding[] => [
    { file, rule: 'invalid-ignore', severity: 'error', line: comment.line, message, fix },
  ];
  if (!comment.ruleId) {
    return finding(`${IGNORE_DIRECTIVE} names no rule`, `write -- ${IGNORE_DIRECTIVE} <rule-id> <reason>, e.g. ${EXAMPLE}`);
  }
  if (!isLintRuleId(comment.ruleId)) {
    const guess = nearest(comment.ruleId, LINT_RULE_IDS);
    return finding(
      `${IGNORE_DIRECTIVE} names an unknown rule "${comment.ruleId}"`,
      `${guess ? `did you mean "${guess}"? ` : ''}write -- ${IGNORE_DIRECTIVE} <rule-id> <reason> with one of: ${LINT_RULE_IDS.join(', ')}`,
    );
  }
  if (!comment.reason) {
    return finding(
      `${IGNORE_DIRECTIVE} ${comment.ruleId} gives no reason, so it silences nothing`,
      `say why after the rule id: -- ${IGNORE_DIRECTIVE} ${comment.ruleId} <reason>`,
    );
  }
  if (!comment.statement) {
    return finding(
      `${IGNORE_DIRECTIVE} ${comment.ruleId} does not stand directly above a statement, so it silences nothing`,
      comment.trailing
        ? 'put it on a line of its own, directly above the statement it is for'
        : 'move it to the line directly above the statement it is for, with no blank line between',
    );
  }
  return [];
}
