import {
  parseSync,
  type AlterTableCmd,
  type AlterTableStmt,
  type Constraint,
  type IndexStmt,
  type Node,
  type RangeVar,
} from 'libpg-query';
import { bodyOf, strings } from './sql-tree.js';
import { blockCommentEnd, type SqlStatement } from './statements.js';

/**
 * Checks against the live target: which rows of the tables a plan touches
 * would make a statement lose data or fail. This file decides what to check
 * (from the statement trees) and says what was found; the engine runs the
 * bounded queries (adapters/live-checks) in between.
 */

/** The statements of one pending migration, in file order. */
export interface MigrationStatements {
  file: string;
  statements: SqlStatement[];
}

/** A table as a migration names it; no schema means the target's search_path decides. */
export interface TableRef {
  schema?: string;
  name: string;
}

interface CheckSite {
  file: string;
  line: number;
  table: TableRef;
}

export interface DropTableCheck extends CheckSite {
  kind: 'drop-table';
  statement: 'DROP TABLE' | 'TRUNCATE';
}

export interface DropColumnCheck extends CheckSite {
  kind: 'drop-column';
  column: string;
}

export interface NotNullCheck extends CheckSite {
  kind: 'not-null';
  column: string;
  /** A primary key makes its columns NOT NULL too. */
  via: 'SET NOT NULL' | 'PRIMARY KEY';
  /** The primary key's columns, to name it. */
  key?: string[];
}

/** A key of a unique index: a column, or an expression in the migration's own words. */
export type UniqueKey = { column: string } | { expression: string };

export interface UniqueCheck extends CheckSite {
  kind: 'unique';
  via: 'UNIQUE index' | 'UNIQUE constraint' | 'PRIMARY KEY';
  name?: string;
  keys: UniqueKey[];
  nullsNotDistinct: boolean;
  /** A partial index's predicate. */
  where?: string;
}

export interface ForeignKeyCheck extends CheckSite {
  kind: 'foreign-key';
  name?: string;
  columns: string[];
  references: TableRef;
  /** Empty: the referenced table's primary key. */
  referencedColumns: string[];
  /** MATCH FULL: a partly NULL key violates it too. */
  matchFull: boolean;
}

export interface CheckConstraintCheck extends CheckSite {
  kind: 'check';
  name?: string;
  /** The expression as the migration writes it. */
  expression: string;
}

export type LiveCheck = DropTableCheck | DropColumnCheck | NotNullCheck | UniqueCheck | ForeignKeyCheck | CheckConstraintCheck;

export type LiveCheckRule =
  | 'never-drop-table-with-data'
  | 'never-drop-column-with-data'
  | 'set-not-null-with-nulls'
  | 'unique-over-duplicates'
  | 'foreign-key-violated'
  | 'check-violated';

export const LIVE_CHECK_RULES: Record<LiveCheck['kind'], LiveCheckRule> = {
  'drop-table': 'never-drop-table-with-data',
  'drop-column': 'never-drop-column-with-data',
  'not-null': 'set-not-null-with-nulls',
  unique: 'unique-over-duplicates',
  'foreign-key': 'foreign-key-violated',
  check: 'check-violated',
};

/** Counts stop here: a count of more is reported as "more than 10,000". */
export const EXACT_COUNT_LIMIT = 10_000;

// ---------------------------------------------------------------------------
// What to check

/** What earlier statements of the plan did to the tables later ones touch. */
interface PlanEffects {
  /** Created, dropped or emptied by the plan: its rows by then are not the ones in the target now. */
  fresh: TableRef[];
  /** Renamed or moved by the plan: the names no longer say which table holds which rows. */
  renamed: TableRef[];
  /** Rows inserted, updated or deleted by the plan (a backfill before SET NOT NULL, say). */
  written: TableRef[];
  /** DO, CALL or a bare SELECT ran: any table's rows may have changed. */
  opaqueWrites: boolean;
  /** Added, dropped, renamed or retyped by the plan. */
  freshColumns: Array<{ table: TableRef; column: string }>;
}

/**
 * The checks the pending migrations need, in the order their statements
 * run. Tables and columns that the plan creates, renames or rewrites before
 * a statement are left out: the target's rows say nothing about them.
 */
export function liveChecks(migrations: MigrationStatements[]): LiveCheck[] {
  const effects: PlanEffects = { fresh: [], renamed: [], written: [], opaqueWrites: false, freshColumns: [] };
  return migrations.flatMap((migration) =>
    migration.statements.flatMap((statement) => {
      const checks = statementChecks(statement, { file: migration.file, line: statement.line }, effects);
      recordWrites(statement.ast as Node, effects);
      return checks;
    }),
  );
}

type Site = Omit<CheckSite, 'table'>;

function statementChecks(statement: SqlStatement, site: Site, effects: PlanEffects): LiveCheck[] {
  const node = statement.ast as Node;
  if ('CreateStmt' in node) return markFresh(effects, tableOf(node.CreateStmt.relation));
  if ('CreateTableAsStmt' in node) return markFresh(effects, tableOf(node.CreateTableAsStmt.into?.rel));
  if ('SelectStmt' in node && node.SelectStmt.intoClause) return markFresh(effects, tableOf(node.SelectStmt.intoClause.rel));
  if ('DropStmt' in node && node.DropStmt.removeType === 'OBJECT_TABLE') {
    return (node.DropStmt.objects ?? []).flatMap((object) => {
      const table = tableOfNames(strings(bodyOf(object, 'List')?.items));
      return dropTable(table, 'DROP TABLE', site, effects);
    });
  }
  if ('TruncateStmt' in node) {
    return (node.TruncateStmt.relations ?? []).flatMap((relation) =>
      dropTable(tableOf(bodyOf(relation, 'RangeVar')), 'TRUNCATE', site, effects),
    );
  }
  if ('AlterTableStmt' in node && node.AlterTableStmt.objtype === 'OBJECT_TABLE') {
    return alterTableChecks(node.AlterTableStmt, statement, site, effects);
  }
  if ('IndexStmt' in node && node.IndexStmt.unique) return uniqueIndexChecks(node.IndexStmt, statement, site, effects);
  if ('RenameStmt' in node) recordRename(node.RenameStmt.renameType, node.RenameStmt, effects);
  if ('AlterObjectSchemaStmt' in node && node.AlterObjectSchemaStmt.objectType === 'OBJECT_TABLE') {
    const table = tableOf(node.AlterObjectSchemaStmt.relation);
    if (table) effects.renamed.push(table, { schema: node.AlterObjectSchemaStmt.newschema, name: table.name });
  }
  return [];
}

function markFresh(effects: PlanEffects, table: TableRef | undefined): LiveCheck[] {
  if (table) effects.fresh.push(table);
  return [];
}

function dropTable(table: TableRef | undefined, statement: DropTableCheck['statement'], site: Site, effects: PlanEffects): LiveCheck[] {
  if (!table) return [];
  const checks: LiveCheck[] = holdsTargetRows(table, effects) ? [{ kind: 'drop-table', ...site, table, statement }] : [];
  effects.fresh.push(table);
  return checks;
}

function recordRename(type: string | undefined, stmt: { relation?: RangeVar; subname?: string; newname?: string }, effects: PlanEffects) {
  const table = tableOf(stmt.relation);
  if (!table || !stmt.newname) return;
  if (type === 'OBJECT_TABLE') effects.renamed.push(table, { schema: table.schema, name: stmt.newname });
  if (type === 'OBJECT_COLUMN' && stmt.subname) {
    effects.freshColumns.push({ table, column: stmt.subname }, { table, column: stmt.newname });
  }
}

function alterTableChecks(stmt: AlterTableStmt, statement: SqlStatement, site: Site, effects: PlanEffects): LiveCheck[] {
  const table = tableOf(stmt.relation);
  if (!table) return [];
  return (stmt.cmds ?? []).flatMap((node, index) => {
    const cmd = bodyOf(node, 'AlterTableCmd');
    return cmd ? alterTableCmdChecks(cmd, table, { statement, index }, site, effects) : [];
  });
}

/** Where a subcommand is in its statement, to find its text. */
interface CmdPosition {
  statement: SqlStatement;
  index: number;
}

function alterTableCmdChecks(cmd: AlterTableCmd, table: TableRef, position: CmdPosition, site: Site, effects: PlanEffects): LiveCheck[] {
  const column = cmd.name;
  switch (cmd.subtype) {
    case 'AT_AddColumn': {
      const added = bodyOf(cmd.def, 'ColumnDef')?.colname;
      if (added) effects.freshColumns.push({ table, column: added });
      return [];
    }
    case 'AT_AlterColumnType':
      // USING may give every row a new value.
      if (column) effects.freshColumns.push({ table, column });
      return [];
    case 'AT_DropColumn': {
      if (!column) return [];
      const checks: LiveCheck[] = holdsTargetRows(table, effects) && !isFreshColumn(table, [column], effects)
        ? [{ kind: 'drop-column', ...site, table, column }]
        : [];
      effects.freshColumns.push({ table, column });
      return checks;
    }
    case 'AT_SetNotNull':
      return column && holdsTargetValues(table, [column], effects)
        ? [{ kind: 'not-null', ...site, table, column, via: 'SET NOT NULL' }]
        : [];
    case 'AT_AddConstraint': {
      const constraint = bodyOf(cmd.def, 'Constraint');
      return constraint ? constraintChecks(constraint, table, position, site, effects) : [];
    }
    default:
      return [];
  }
}

function constraintChecks(constraint: Constraint, table: TableRef, position: CmdPosition, site: Site, effects: PlanEffects): LiveCheck[] {
  const name = constraint.conname;
  switch (constraint.contype) {
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE': {
      // USING INDEX adopts an index that is already unique.
      if (constraint.indexname) return [];
      const columns = strings(constraint.keys);
      if (!holdsTargetValues(table, columns, effects)) return [];
      const primary = constraint.contype === 'CONSTR_PRIMARY';
      const unique: UniqueCheck = {
        kind: 'unique',
        ...site,
        table,
        via: primary ? 'PRIMARY KEY' : 'UNIQUE constraint',
        ...(name ? { name } : {}),
        keys: columns.map((column) => ({ column })),
        nullsNotDistinct: Boolean(constraint.nulls_not_distinct),
      };
      const notNull = primary
        ? columns.map((column): NotNullCheck => ({ kind: 'not-null', ...site, table, column, via: 'PRIMARY KEY', key: columns }))
        : [];
      return [...notNull, unique];
    }
    case 'CONSTR_FOREIGN': {
      if (constraint.skip_validation) return [];
      const columns = strings(constraint.fk_attrs);
      const references = tableOf(constraint.pktable);
      const referencedColumns = strings(constraint.pk_attrs);
      if (!references || !holdsTargetValues(table, columns, effects)) return [];
      if (!holdsTargetValues(references, referencedColumns, effects)) return [];
      return [
        {
          kind: 'foreign-key',
          ...site,
          table,
          ...(name ? { name } : {}),
          columns,
          references,
          referencedColumns,
          matchFull: constraint.fk_matchtype === 'f',
        },
      ];
    }
    case 'CONSTR_CHECK': {
      if (constraint.skip_validation || !holdsTargetValues(table, columnsIn(constraint.raw_expr), effects)) return [];
      const expression = checkExpressionText(position);
      return expression ? [{ kind: 'check', ...site, table, ...(name ? { name } : {}), expression }] : [];
    }
    default:
      return [];
  }
}

function uniqueIndexChecks(stmt: IndexStmt, statement: SqlStatement, site: Site, effects: PlanEffects): LiveCheck[] {
  const table = tableOf(stmt.relation);
  const elements = (stmt.indexParams ?? []).map((node) => bodyOf(node, 'IndexElem'));
  const columns = [...elements.flatMap((element) => (element?.name ? [element.name] : columnsIn(element?.expr))), ...columnsIn(stmt.whereClause)];
  if (!table || !holdsTargetValues(table, columns, effects)) return [];
  const text = indexTexts(statement);
  if (!text || text.elements.length !== elements.length) return [];
  const keys = elements.map((element, i): UniqueKey | undefined =>
    element?.name ? { column: element.name } : expressionOfIndexElement(text.elements[i]!),
  );
  if (keys.some((key) => !key)) return [];
  return [
    {
      kind: 'unique',
      ...site,
      table,
      via: 'UNIQUE index',
      ...(stmt.idxname ? { name: stmt.idxname } : {}),
      keys: keys as UniqueKey[],
      nullsNotDistinct: Boolean(stmt.nulls_not_distinct),
      ...(stmt.whereClause && text.where ? { where: text.where } : {}),
    },
  ];
}

/** Rows written by INSERT, UPDATE, DELETE, MERGE or COPY FROM anywhere in a statement, CTEs included. */
function recordWrites(node: Node, effects: PlanEffects) {
  if ('DoStmt' in node || 'CallStmt' in node || ('SelectStmt' in node && !node.SelectStmt.intoClause)) {
    effects.opaqueWrites = true;
  }
  if ('CopyStmt' in node && node.CopyStmt.is_from) pushTable(effects.written, tableOf(node.CopyStmt.relation));
  visit(node, (key, body) => {
    if (key === 'InsertStmt' || key === 'UpdateStmt' || key === 'DeleteStmt' || key === 'MergeStmt') {
      pushTable(effects.written, tableOf((body as { relation?: RangeVar }).relation));
    }
  });
}

function pushTable(list: TableRef[], table: TableRef | undefined) {
  if (table) list.push(table);
}

/** Its rows are the ones in the target now. */
function holdsTargetRows(table: TableRef, effects: PlanEffects): boolean {
  return !effects.fresh.some((other) => sameTable(other, table)) && !effects.renamed.some((other) => sameTable(other, table));
}

/** Its rows, and the values of these columns, are the ones in the target now. */
function holdsTargetValues(table: TableRef, columns: string[], effects: PlanEffects): boolean {
  return (
    holdsTargetRows(table, effects) &&
    !effects.opaqueWrites &&
    !effects.written.some((other) => sameTable(other, table)) &&
    !isFreshColumn(table, columns, effects)
  );
}

function isFreshColumn(table: TableRef, columns: string[], effects: PlanEffects): boolean {
  return effects.freshColumns.some((fresh) => sameTable(fresh.table, table) && columns.includes(fresh.column));
}

/** Without a schema a name may mean any schema's table: treating them as one skips a check rather than run a wrong one. */
function sameTable(one: TableRef, other: TableRef): boolean {
  return one.name === other.name && (!one.schema || !other.schema || one.schema === other.schema);
}

// ---------------------------------------------------------------------------
// Trees

function tableOf(relation: RangeVar | undefined): TableRef | undefined {
  if (!relation?.relname) return undefined;
  return relation.schemaname ? { schema: relation.schemaname, name: relation.relname } : { name: relation.relname };
}

/** ['app', 'users'] or ['users']; a catalog-qualified name keeps its last two parts. */
function tableOfNames(names: string[]): TableRef | undefined {
  const [name, schema] = [...names].reverse();
  if (!name) return undefined;
  return schema ? { schema, name } : { name };
}

/** Calls fn with every node's type and body in a tree. */
function visit(value: unknown, fn: (key: string, body: unknown) => void) {
  if (!value || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) visit(item, fn);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (/^[A-Z]/.test(key)) fn(key, child);
    visit(child, fn);
  }
}

/** The column names an expression refers to ('email' for users.email). */
function columnsIn(node: Node | undefined): string[] {
  const columns: string[] = [];
  visit(node, (key, body) => {
    if (key !== 'ColumnRef') return;
    const last = strings((body as { fields?: Node[] }).fields).at(-1);
    if (last) columns.push(last);
  });
  return columns;
}

// ---------------------------------------------------------------------------
// Expressions in the migration's own words
//
// libpg-query 17 parses but does not deparse; the checks run an expression as
// the migration wrote it, cut from the statement's text at the positions the
// parser gives. The statement is parsed alone so that the positions are its own.

/** Byte offsets into text, as the parser gives them, to character offsets. */
function characterOffset(text: string, byteOffset: number): number {
  return Buffer.from(text, 'utf8').subarray(0, byteOffset).toString('utf8').length;
}

function parseAlone(statement: SqlStatement): Node | undefined {
  try {
    return (parseSync(statement.text) as { stmts?: Array<{ stmt: Node }> }).stmts?.[0]?.stmt;
  } catch {
    return undefined;
  }
}

/** 'amount > 0' from '... ADD CONSTRAINT positive CHECK (amount > 0) NOT VALID'. */
function checkExpressionText(position: CmdPosition): string | undefined {
  const tree = parseAlone(position.statement);
  const cmd = bodyOf(bodyOf(tree, 'AlterTableStmt')?.cmds?.[position.index], 'AlterTableCmd');
  const location = bodyOf(cmd?.def, 'Constraint')?.location;
  if (location === undefined) return undefined;
  const text = position.statement.text;
  let sawCheck = false;
  for (const token of sqlTokens(text, characterOffset(text, location))) {
    if (!sawCheck) sawCheck = token.kind === 'word' && token.text.toLowerCase() === 'check';
    else return token.text === '(' ? parenthesized(text, token.start)?.inner : undefined;
  }
  return undefined;
}

/** The texts of an index's elements and of its WHERE predicate. */
function indexTexts(statement: SqlStatement): { elements: string[]; where?: string } | undefined {
  const location = bodyOf(parseAlone(statement), 'IndexStmt')?.relation?.location;
  if (location === undefined) return undefined;
  const text = statement.text;
  // The element list is the first parenthesis after the table's name (and USING method).
  const open = firstToken(sqlTokens(text, characterOffset(text, location)), (token) => token.text === '(');
  const list = open && parenthesized(text, open.start);
  if (!open || !list) return undefined;
  const elements = splitTopLevel(text, open.start + 1, list.end - 1);
  const where = firstToken(topLevelTokens(text, list.end), (token) => token.kind === 'word' && token.text.toLowerCase() === 'where');
  return { elements, ...(where ? { where: text.slice(where.end).trim() } : {}) };
}

/** 'lower(email)' from 'lower(email) text_pattern_ops DESC'; 'a + b' from '(a + b)'. */
function expressionOfIndexElement(element: string): UniqueKey | undefined {
  const open = firstToken(sqlTokens(element, 0), (token) => token.text === '(');
  const group = open && parenthesized(element, open.start);
  if (!open || !group) return undefined;
  const startsWithGroup = element.trimStart().startsWith('(');
  return { expression: startsWithGroup ? group.inner : element.slice(0, group.end).trim() };
}

interface Token {
  kind: 'word' | 'quoted' | 'literal' | 'punctuation';
  text: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;

/** The tokens of SQL from an offset, without white space and comments. */
function* sqlTokens(sql: string, from: number): Generator<Token> {
  let i = from;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (sql.startsWith('--', i)) {
      const newline = sql.indexOf('\n', i);
      i = newline === -1 ? sql.length : newline + 1;
      continue;
    }
    if (sql.startsWith('/*', i)) {
      i = blockCommentEnd(sql, i);
      continue;
    }
    const start = i;
    let kind: Token['kind'];
    if (/[eE]/.test(c) && sql[i + 1] === "'") {
      kind = 'literal';
      i = quoteEnd(sql, i + 1, "'", true);
    } else if (/[bBxXnN]/.test(c) && sql[i + 1] === "'") {
      kind = 'literal';
      i = quoteEnd(sql, i + 1, "'", false);
    } else if (/[uU]/.test(c) && sql[i + 1] === '&' && (sql[i + 2] === "'" || sql[i + 2] === '"')) {
      kind = sql[i + 2] === '"' ? 'quoted' : 'literal';
      i = quoteEnd(sql, i + 2, sql[i + 2]!, false);
    } else if (c === "'") {
      kind = 'literal';
      i = quoteEnd(sql, i, "'", false);
    } else if (c === '"') {
      kind = 'quoted';
      i = quoteEnd(sql, i, '"', false);
    } else if (c === '$' && /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i))![0];
      const close = sql.indexOf(tag, i + tag.length);
      kind = 'literal';
      i = close === -1 ? sql.length : close + tag.length;
    } else if (WORD_START.test(c)) {
      kind = 'word';
      do i++;
      while (i < sql.length && WORD_PART.test(sql[i]!));
    } else if (/[0-9]/.test(c)) {
      kind = 'literal';
      do i++;
      while (i < sql.length && /[0-9A-Za-z_.]/.test(sql[i]!));
    } else {
      kind = 'punctuation';
      i++;
    }
    yield { kind, text: sql.slice(start, i), start, end: i };
  }
}

/** After the quote that closes the one at `open`; a doubled quote is part of the text. */
function quoteEnd(sql: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    if (backslashEscapes && sql[i] === '\\') i += 2;
    else if (sql[i] === quote) {
      if (sql[i + 1] !== quote) return i + 1;
      i += 2;
    } else i++;
  }
  return sql.length;
}

/** The text between the parenthesis at `open` and the one that closes it, and the offset after that. */
function parenthesized(sql: string, open: number): { inner: string; end: number } | undefined {
  let depth = 0;
  for (const token of sqlTokens(sql, open)) {
    if (token.text === '(') depth++;
    else if (token.text === ')' && --depth === 0) return { inner: sql.slice(open + 1, token.start).trim(), end: token.end };
  }
  return undefined;
}

/** Tokens outside any parentheses, from an offset. */
function* topLevelTokens(sql: string, from: number): Generator<Token> {
  let depth = 0;
  for (const token of sqlTokens(sql, from)) {
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    else if (depth === 0) yield token;
  }
}

/** The comma-separated parts of sql[from, to), commas inside parentheses excepted. */
function splitTopLevel(sql: string, from: number, to: number): string[] {
  const inside = sql.slice(0, to);
  const parts: string[] = [];
  let start = from;
  for (const token of topLevelTokens(inside, from)) {
    if (token.text === ',') {
      parts.push(inside.slice(start, token.start).trim());
      start = token.end;
    }
  }
  parts.push(inside.slice(start).trim());
  return parts;
}

function firstToken(tokens: Iterable<Token>, test: (token: Token) => boolean): Token | undefined {
  for (const token of tokens) if (test(token)) return token;
  return undefined;
}

// ---------------------------------------------------------------------------
// What was found, in words an operator acts on

/** What a check's bounded query found. */
export interface LiveCheckResult {
  /** Offending rows (duplicated values for a unique key) the query saw, at most EXACT_COUNT_LIMIT. */
  found: number;
  /** The query stopped at its LIMIT: there are more than EXACT_COUNT_LIMIT. */
  limitReached: boolean;
  /** The share of the table's pages TABLESAMPLE SYSTEM read, when the table was sampled. */
  samplePercent?: number;
  /** The table's row count by its statistics (pg_class.reltuples), when it has them. */
  tableRows?: number;
  /** One offending row's key ('id = 42') or one duplicated value. */
  example?: string;
}

/** Why a check could not say anything. */
export type UnfinishedCheck =
  | { reason: 'timeout'; timeoutMs: number }
  | { reason: 'lock'; timeoutMs: number }
  | { reason: 'error'; message: string };

export interface LiveCheckFinding {
  rule: LiveCheckRule;
  /** An error stops the deploy; a warning says a check could not finish. */
  severity: 'error' | 'warning';
  file: string;
  line: number;
  /** As the migration names it: 'users', 'app.users'. */
  table: string;
  column?: string;
  message: string;
  /** What to do about it. */
  fix: string;
  /** Rows (or duplicated values) found; null when the check could not finish. */
  count: number | null;
  /** The count comes from a sample or from the table's statistics. */
  estimate: boolean;
  /** There are at least `count`, maybe more. */
  lowerBound: boolean;
  example?: string;
}

/** The finding for a check's result, or null when the rows are fine. */
export function liveCheckFinding(check: LiveCheck, result: LiveCheckResult): LiveCheckFinding | null {
  if (result.found === 0) return null;
  const amount = amountFound(check, result);
  const rows = ([one, many]: [string, string]) => `${amount.words} ${amount.count === 1 ? one : many}`;
  const example = result.example ? ` (e.g. ${result.example})` : '';
  const table = tableName(check.table);
  const { problem, fix } = ((): { problem: string; fix: string } => {
    switch (check.kind) {
      case 'drop-table':
        return {
          problem: `it holds ${rows(['row', 'rows'])}`,
          fix: 'copy the rows somewhere first if they are needed, or empty the table on purpose in an earlier deployment',
        };
      case 'drop-column':
        return {
          problem: `${rows(['row holds', 'rows hold'])} a value in it`,
          fix: `copy ${table}.${check.column} somewhere first if its values are needed, or set them to NULL on purpose in an earlier deployment`,
        };
      case 'not-null':
        return {
          problem: `${rows(['row holds', 'rows hold'])} NULL${check.via === 'SET NOT NULL' ? '' : ` in ${check.column}`}${example}`,
          fix: `give those rows a value first (UPDATE ${table} SET ${check.column} = ... WHERE ${check.column} IS NULL) in this or an earlier migration`,
        };
      case 'unique':
        return {
          problem: `${rows(['value occurs', 'values occur'])} more than once${example}`,
          fix: 'remove or merge the duplicate rows first, in this or an earlier migration',
        };
      case 'foreign-key':
        return {
          problem: `${rows(['row points', 'rows point'])} to no ${tableName(check.references)} row${example}`,
          fix: `add the missing ${tableName(check.references)} rows or fix the orphans first, or add the key NOT VALID and VALIDATE CONSTRAINT it after the cleanup`,
        };
      case 'check':
        return {
          problem: `${rows(['row fails', 'rows fail'])} it${example}`,
          fix: 'fix those rows first, or add the constraint NOT VALID and VALIDATE CONSTRAINT it after the cleanup',
        };
    }
  })();
  return {
    ...findingSite(check),
    severity: 'error',
    message: `${where(check)}: ${describeCheck(check)}, but ${problem}${amount.source ? `; ${amount.source}` : ''}`,
    fix,
    count: amount.count,
    estimate: amount.estimate,
    lowerBound: amount.lowerBound,
    ...(result.example ? { example: result.example } : {}),
  };
}

/** The warning for a check that could not finish: the deploy should not go ahead on a guess. */
export function unfinishedCheckFinding(check: LiveCheck, unfinished: UnfinishedCheck): LiveCheckFinding {
  const subject = describeCheck(check);
  const { problem, fix } = ((): { problem: string; fix: string } => {
    switch (unfinished.reason) {
      case 'timeout':
        return {
          problem: `could not check ${subject} within ${seconds(unfinished.timeoutMs)} (statement_timeout): the table is too large or too busy, so its rows are unchecked`,
          fix: `check ${tableName(check.table)} by hand before deploying`,
        };
      case 'lock':
        return {
          problem: `could not check ${subject}: another session held a lock on ${tableName(check.table)} for more than ${seconds(unfinished.timeoutMs)}`,
          fix: `find the session in pg_locks and pg_stat_activity, then plan again; the deploy would wait for that lock too`,
        };
      case 'error':
        return {
          problem: `could not check ${subject}: ${unfinished.message}`,
          fix: `check ${tableName(check.table)} by hand before deploying`,
        };
    }
  })();
  return {
    ...findingSite(check),
    severity: 'warning',
    message: `${where(check)}: ${problem}`,
    fix,
    count: null,
    estimate: false,
    lowerBound: false,
  };
}

function findingSite(check: LiveCheck): Pick<LiveCheckFinding, 'rule' | 'file' | 'line' | 'table' | 'column'> {
  const column = 'column' in check ? check.column : undefined;
  return {
    rule: LIVE_CHECK_RULES[check.kind],
    file: check.file,
    line: check.line,
    table: tableName(check.table),
    ...(column ? { column } : {}),
  };
}

function where(check: LiveCheck): string {
  return `${check.file} line ${check.line}`;
}

/** 'DROP TABLE legacy_orders', 'SET NOT NULL on users.email', 'UNIQUE index users_email_key on users (email)'. */
export function describeCheck(check: LiveCheck): string {
  const table = tableName(check.table);
  const named = (kind: string, name: string | undefined) => (name ? `${kind} ${name}` : kind);
  switch (check.kind) {
    case 'drop-table':
      return `${check.statement} ${table}`;
    case 'drop-column':
      return `DROP COLUMN ${table}.${check.column}`;
    case 'not-null':
      return check.via === 'SET NOT NULL' ? `SET NOT NULL on ${table}.${check.column}` : `PRIMARY KEY on ${table} (${(check.key ?? [check.column]).join(', ')})`;
    case 'unique': {
      const keys = check.keys.map((key) => ('column' in key ? key.column : key.expression)).join(', ');
      return `${named(check.via, check.name)} on ${table} (${keys})${check.where ? ` WHERE ${check.where}` : ''}`;
    }
    case 'foreign-key': {
      const referenced = check.referencedColumns.length ? ` (${check.referencedColumns.join(', ')})` : '';
      return `${named('FOREIGN KEY', check.name)} on ${table} (${check.columns.join(', ')}) REFERENCES ${tableName(check.references)}${referenced}`;
    }
    case 'check':
      return `${named('CHECK', check.name)} (${check.expression}) on ${table}`;
  }
}

/** 'users', 'app.users': public is left out, as elsewhere. */
export function tableName(table: TableRef): string {
  return table.schema && table.schema !== 'public' ? `${table.schema}.${table.name}` : table.name;
}

interface Amount {
  count: number;
  estimate: boolean;
  lowerBound: boolean;
  /** '1,204', 'more than 10,000', 'about 2,100,000'. */
  words: string;
  /** Where an estimate comes from, to end the message. */
  source: string;
}

function amountFound(check: LiveCheck, result: LiveCheckResult): Amount {
  if (result.samplePercent !== undefined) {
    const sample = `a ${percent(result.samplePercent)} sample of the table`;
    // Both rows of a duplicate must fall in the sample: what it finds is a floor, not a fraction.
    if (check.kind === 'unique') {
      return { count: result.found, estimate: true, lowerBound: true, words: `at least ${number(result.found)}`, source: `found in ${sample}, the whole table may hold more` };
    }
    const count = Math.round((result.found * 100) / result.samplePercent);
    const words = `${result.limitReached ? 'at least about' : 'about'} ${number(count)}`;
    return { count, estimate: true, lowerBound: result.limitReached, words, source: `an estimate from ${sample}` };
  }
  if (!result.limitReached) return { count: result.found, estimate: false, lowerBound: false, words: number(result.found), source: '' };
  if (check.kind === 'drop-table' && result.tableRows !== undefined && result.tableRows > EXACT_COUNT_LIMIT) {
    const count = Math.round(result.tableRows);
    return { count, estimate: true, lowerBound: false, words: `about ${number(count)}`, source: "an estimate from the table's statistics" };
  }
  return { count: EXACT_COUNT_LIMIT, estimate: false, lowerBound: true, words: `more than ${number(EXACT_COUNT_LIMIT)}`, source: '' };
}

const number = (value: number) => value.toLocaleString('en-US');

const percent = (value: number) => `${Number(value.toPrecision(2))}%`;

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
