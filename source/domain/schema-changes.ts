import type {
  A_Const,
  A_Expr,
  AlterEnumStmt,
  AlterObjectSchemaStmt,
  AlterTableCmd,
  AlterTableStmt,
  AlterTableType,
  ColumnDef,
  Constraint,
  CreateFunctionStmt,
  CreateSchemaStmt,
  CreateStmt,
  CreateTableAsStmt,
  DropStmt,
  FuncCall,
  IndexStmt,
  Node,
  ObjectType,
  ObjectWithArgs,
  RangeVar,
  RenameStmt,
  TruncateStmt,
  TypeName,
} from 'libpg-query';
import { bodyOf, qualifiedName, strings, type NodeBody, type NodeType } from './sql-tree.js';
import type { SqlStatement } from './statements.js';

/** `+` creates, `-` removes, `~` changes. */
export type ChangeOp = '+' | '-' | '~';

/** One effect of a migration on the schema or its data, as a reviewer would list it. */
export interface SchemaChange {
  op: ChangeOp;
  /**
   * 'table' | 'column' | 'index' | 'constraint' | 'view' | 'function' | 'type' | 'schema' | 'extension' |
   * 'sequence' | 'trigger' | 'policy' | 'data' ..., or the statement type for statements not modelled ('grant').
   */
  kind: string;
  /** 'users', 'app.users', 'users.email', 'posts_title_idx', 'f(integer)'; `public.` is left out. */
  object: string;
  /** 'set not null', 'type text', 'rename to people' ... */
  detail?: string;
  /** Loses data, or breaks callers that use the old shape or name. */
  destructive: boolean;
  /** Line of the statement in its file. */
  line: number;
}

/** A change before it is placed on its statement's line. */
type Change = Omit<SchemaChange, 'line'>;

/** Each statement's changes, in file order. */
export function schemaChanges(statements: SqlStatement[]): SchemaChange[] {
  return statements.flatMap((statement) =>
    changesOf(statement.ast as Node).map((change) => ({ ...change, line: statement.line })),
  );
}

/** '+ table users', '~ users.email set not null', '- index posts_title_idx'. */
export function formatChange(change: SchemaChange): string {
  // 'users' and 'users.email' say what they are; every other kind is named.
  const showKind = change.op !== '~' || !SELF_EVIDENT_KINDS.has(change.kind);
  return [change.op, showKind ? change.kind : '', change.object, change.detail ?? ''].filter(Boolean).join(' ');
}

const SELF_EVIDENT_KINDS = new Set(['table', 'column']);

// ---------------------------------------------------------------------------
// Statements

const statementHandlers: { [K in NodeType]?: (body: NodeBody<K>) => Change[] } = {
  CreateStmt: createTable,
  CreateTableAsStmt: createTableAs,
  DropStmt: dropObjects,
  AlterTableStmt: alterTable,
  RenameStmt: renameObject,
  AlterObjectSchemaStmt: moveToSchema,
  IndexStmt: createIndex,
  ViewStmt: (stmt) => [created('view', relationName(stmt.view), stmt.replace)],
  RefreshMatViewStmt: (stmt) => [changed('materialized view', relationName(stmt.relation), 'refresh')],
  CreateFunctionStmt: createFunction,
  CreateEnumStmt: (stmt) => {
    const values = strings(stmt.vals).map(quoted).join(', ');
    return [withDetail(created('type', qualifiedName(strings(stmt.typeName))), `enum (${values})`)];
  },
  CompositeTypeStmt: (stmt) => [created('type', relationName(stmt.typevar))],
  CreateRangeStmt: (stmt) => [withDetail(created('type', qualifiedName(strings(stmt.typeName))), 'range')],
  CreateDomainStmt: (stmt) => [
    withDetail(created('domain', qualifiedName(strings(stmt.domainname))), formatType(stmt.typeName)),
  ],
  DefineStmt: (stmt) => [created(objectKind(stmt.kind), qualifiedName(strings(stmt.defnames)), stmt.replace)],
  AlterEnumStmt: alterEnum,
  CreateSchemaStmt: createSchema,
  CreateExtensionStmt: (stmt) => [created('extension', stmt.extname ?? '')],
  AlterExtensionStmt: (stmt) => [changed('extension', stmt.extname ?? '', 'update')],
  CreateSeqStmt: (stmt) => [created('sequence', relationName(stmt.sequence))],
  AlterSeqStmt: (stmt) => [changed('sequence', relationName(stmt.sequence), optionNames(stmt.options))],
  CreateTrigStmt: (stmt) => [created('trigger', memberName(stmt.relation, stmt.trigname), stmt.replace)],
  CreatePolicyStmt: (stmt) => [
    withDetail(created('policy', memberName(stmt.table, stmt.policy_name)), `for ${stmt.cmd_name ?? 'all'}`),
  ],
  AlterPolicyStmt: (stmt) => [changed('policy', memberName(stmt.table, stmt.policy_name))],
  GrantStmt: (stmt) => [changed(stmt.is_grant ? 'grant' : 'revoke', relationName(firstRelation(stmt.objects)))],
  CommentStmt: (stmt) => {
    const kind = objectKind(stmt.objtype);
    return [changed(kind, objectName(stmt.object, kind), 'comment')];
  },
  TruncateStmt: truncate,
  // Only a DELETE without WHERE is destructive: an UPDATE without one is most often a backfill.
  DeleteStmt: (stmt) => [
    stmt.whereClause ? dataChange(stmt.relation, 'delete') : dataChange(stmt.relation, 'delete all rows', true),
  ],
  UpdateStmt: (stmt) => [dataChange(stmt.relation, stmt.whereClause ? 'update' : 'update all rows')],
  InsertStmt: (stmt) => [dataChange(stmt.relation, 'insert')],
  MergeStmt: (stmt) => [dataChange(stmt.relation, 'merge')],
  // COPY ... TO only reads.
  CopyStmt: (stmt) => [stmt.is_from ? dataChange(stmt.relation, 'copy') : unknownStatement('CopyStmt', stmt)],
  // Transaction control and session settings shape how the file runs, not the schema.
  TransactionStmt: () => [],
  VariableSetStmt: () => [],
};

function changesOf(node: Node): Change[] {
  const [type, body] = Object.entries(node)[0] as [NodeType, unknown];
  const handler = statementHandlers[type] as ((body: unknown) => Change[]) | undefined;
  return handler ? handler(body) : [unknownStatement(type, body)];
}

/** '~ grant users': listed by node type so nothing a migration does goes unmentioned. */
function unknownStatement(type: string, body: unknown): Change {
  const kind = camelWords(type.endsWith('Stmt') ? type.slice(0, -'Stmt'.length) : type);
  return changed(kind, relationName(firstRelation(body)));
}

function created(kind: string, object: string, replace = false): Change {
  // CREATE OR REPLACE may define something new or change what exists; '~' claims no more than that.
  return replace ? changed(kind, object, 'create or replace') : { op: '+', kind, object, destructive: false };
}

function dropped(kind: string, object: string, destructive: boolean): Change {
  return { op: '-', kind, object, destructive };
}

function changed(kind: string, object: string, detail?: string, destructive = false): Change {
  return withDetail({ op: '~', kind, object, destructive }, detail);
}

function withDetail(change: Change, detail: string | undefined): Change {
  return detail ? { ...change, detail } : change;
}

function createTable(stmt: CreateStmt): Change[] {
  const parent = stmt.partbound ? relationName(bodyOf(stmt.inhRelations?.[0], 'RangeVar')) : undefined;
  return [withDetail(created('table', relationName(stmt.relation)), parent && `partition of ${parent}`)];
}

function createTableAs(stmt: CreateTableAsStmt): Change[] {
  return [created(objectKind(stmt.objtype), relationName(stmt.into?.rel))];
}

/** Kinds whose drop loses rows or counters that the schema cannot bring back. */
const HOLDS_DATA = new Set(['table', 'column', 'attribute', 'sequence']);

function dropObjects(stmt: DropStmt): Change[] {
  const kind = objectKind(stmt.removeType);
  // CASCADE also drops whatever depends on the object, columns and tables included.
  const destructive = HOLDS_DATA.has(kind) || stmt.behavior === 'DROP_CASCADE';
  return (stmt.objects ?? []).map((object) => dropped(kind, objectName(object, kind), destructive));
}

function truncate(stmt: TruncateStmt): Change[] {
  return (stmt.relations ?? []).map((relation) => dropped('data', relationName(bodyOf(relation, 'RangeVar')), true));
}

function dataChange(relation: RangeVar | undefined, detail: string, destructive = false): Change {
  return changed('data', relationName(relation), detail, destructive);
}

function createIndex(stmt: IndexStmt): Change[] {
  const on = [
    stmt.unique ? 'unique on' : 'on',
    relationName(stmt.relation),
    stmt.accessMethod && stmt.accessMethod !== 'btree' ? `using ${stmt.accessMethod}` : '',
    `(${(stmt.indexParams ?? []).map(indexElement).join(', ')})`,
    stmt.whereClause ? `where ${formatExpression(stmt.whereClause)}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  if (!stmt.idxname) return [created('index', on)];
  // An index lives in its table's schema.
  return [withDetail(created('index', qualifiedName([stmt.relation?.schemaname, stmt.idxname])), on)];
}

function indexElement(node: Node): string {
  const element = bodyOf(node, 'IndexElem');
  return element?.name ?? formatExpression(element?.expr);
}

function createFunction(stmt: CreateFunctionStmt): Change[] {
  // OUT and TABLE parameters are results; PostgreSQL identifies a function by its inputs.
  const inputs = (stmt.parameters ?? [])
    .map((node) => bodyOf(node, 'FunctionParameter'))
    .filter((parameter) => parameter?.mode !== 'FUNC_PARAM_OUT' && parameter?.mode !== 'FUNC_PARAM_TABLE')
    .map((parameter) => formatType(parameter?.argType));
  const signature = `${qualifiedName(strings(stmt.funcname))}(${inputs.join(', ')})`;
  const change = created(stmt.is_procedure ? 'procedure' : 'function', signature, stmt.replace);
  return [change.op === '+' && stmt.returnType ? withDetail(change, `returns ${formatType(stmt.returnType)}`) : change];
}

function alterEnum(stmt: AlterEnumStmt): Change[] {
  const type = qualifiedName(strings(stmt.typeName));
  const value = quoted(stmt.newVal ?? '');
  // Callers still use the old label.
  if (stmt.oldVal) return [changed('type', type, `rename value ${quoted(stmt.oldVal)} to ${value}`, true)];
  return [changed('type', type, `add value ${value}`)];
}

function createSchema(stmt: CreateSchemaStmt): Change[] {
  const name = stmt.schemaname ?? stmt.authrole?.rolename ?? '';
  const elements = (stmt.schemaElts ?? []).map((element) => inSchema(element, name));
  return [created('schema', name), ...elements.flatMap(changesOf)];
}

/** CREATE SCHEMA s CREATE TABLE t ... creates s.t. */
function inSchema(element: Node, schema: string): Node {
  const copy = structuredClone(element);
  const relation = firstRelation(copy);
  if (relation) relation.schemaname ??= schema;
  return copy;
}

/** Kinds that application code and other objects name: renaming or moving them breaks callers. */
const CALLED_BY_NAME = new Set([
  'table',
  'column',
  'attribute',
  'view',
  'materialized view',
  'foreign table',
  'function',
  'procedure',
  'schema',
  'type',
  'domain',
  'sequence',
]);

function renameObject(stmt: RenameStmt): Change[] {
  const kind = objectKind(stmt.renameType);
  const owner = stmt.relation ? relationName(stmt.relation) : stmt.object ? objectName(stmt.object) : '';
  const object = [owner, stmt.subname].filter(Boolean).join('.');
  return [changed(kind, object, `rename to ${stmt.newname ?? ''}`, CALLED_BY_NAME.has(kind))];
}

function moveToSchema(stmt: AlterObjectSchemaStmt): Change[] {
  const kind = objectKind(stmt.objectType);
  const object = stmt.relation ? relationName(stmt.relation) : objectName(stmt.object);
  return [changed(kind, object, `set schema ${stmt.newschema ?? ''}`, CALLED_BY_NAME.has(kind))];
}

// ---------------------------------------------------------------------------
// ALTER TABLE, one change per subcommand

/** The relation an ALTER TABLE works on. */
interface AlteredRelation {
  name: string;
  kind: string;
  /** ALTER TYPE ... ADD ATTRIBUTE is an ALTER TABLE on a composite type. */
  memberKind: 'column' | 'attribute';
}

function alterTable(stmt: AlterTableStmt): Change[] {
  const relation: AlteredRelation = {
    name: relationName(stmt.relation),
    kind: objectKind(stmt.objtype),
    memberKind: stmt.objtype === 'OBJECT_TYPE' ? 'attribute' : 'column',
  };
  return (stmt.cmds ?? []).flatMap((node) => {
    const command = bodyOf(node, 'AlterTableCmd');
    return command ? [alterTableCommand(command, relation)] : [];
  });
}

type CommandHandler = (command: AlterTableCmd, relation: AlteredRelation) => Change;

const alterTableHandlers: Partial<Record<AlterTableType, CommandHandler>> = {
  AT_AddColumn: (command, relation) => {
    const column = bodyOf(command.def, 'ColumnDef');
    return withDetail(created(relation.memberKind, `${relation.name}.${column?.colname ?? ''}`), columnDetail(column));
  },
  AT_DropColumn: (command, relation) => dropped(relation.memberKind, member(relation, command), true),
  // A rewrite can truncate or reinterpret values, and callers see a new type.
  AT_AlterColumnType: (command, relation) =>
    columnChange(relation, command, `type ${formatType(bodyOf(command.def, 'ColumnDef')?.typeName)}`, true),
  AT_SetNotNull: (command, relation) => columnChange(relation, command, 'set not null'),
  AT_DropNotNull: (command, relation) => columnChange(relation, command, 'drop not null'),
  AT_ColumnDefault: (command, relation) =>
    columnChange(relation, command, command.def ? `set default ${formatExpression(command.def)}` : 'drop default'),
  AT_AddConstraint: (command, relation) => addConstraint(relation.name, bodyOf(command.def, 'Constraint') ?? {}),
  // Rows the constraint kept out can now arrive, and a rollback that restores it may fail.
  AT_DropConstraint: (command, relation) => dropped('constraint', member(relation, command), true),
  AT_ChangeOwner: (command, relation) =>
    changed(relation.kind, relation.name, `owner to ${command.newowner?.rolename ?? ''}`),
};

/** Subcommands whose `name` is a column. */
const COLUMN_COMMANDS = new Set<AlterTableType>([
  'AT_SetStatistics',
  'AT_SetOptions',
  'AT_ResetOptions',
  'AT_SetStorage',
  'AT_SetCompression',
  'AT_SetExpression',
  'AT_DropExpression',
  'AT_AddIdentity',
  'AT_SetIdentity',
  'AT_DropIdentity',
  'AT_AlterColumnGenericOptions',
]);

/** Subcommands whose words differ from their SQL. */
const COMMAND_WORDS: Partial<Record<AlterTableType, string>> = {
  AT_SetUnLogged: 'set unlogged',
  AT_SetTableSpace: 'set tablespace',
  AT_SetRelOptions: 'set options',
  AT_ResetRelOptions: 'reset options',
  AT_EnableRowSecurity: 'enable row level security',
  AT_DisableRowSecurity: 'disable row level security',
  AT_ForceRowSecurity: 'force row level security',
  AT_NoForceRowSecurity: 'no force row level security',
};

function alterTableCommand(command: AlterTableCmd, relation: AlteredRelation): Change {
  // The parser leaves out enum fields at their zero value, which is AT_AddColumn.
  const subtype = command.subtype ?? 'AT_AddColumn';
  const handler = alterTableHandlers[subtype];
  if (handler) return handler(command, relation);
  const words = COMMAND_WORDS[subtype] ?? camelWords(subtype.slice('AT_'.length));
  if (COLUMN_COMMANDS.has(subtype)) return columnChange(relation, command, words);
  const target = command.name ?? relationName(bodyOf(command.def, 'PartitionCmd')?.name);
  return changed(relation.kind, relation.name, [words, target].filter(Boolean).join(' '));
}

/** 'users.email' for a subcommand on a column or constraint. */
function member(relation: AlteredRelation, command: AlterTableCmd): string {
  return `${relation.name}.${command.name ?? ''}`;
}

function columnChange(relation: AlteredRelation, command: AlterTableCmd, detail: string, destructive = false): Change {
  return changed(relation.memberKind, member(relation, command), detail, destructive);
}

/** 'integer not null default 0 references orgs'. */
function columnDetail(column: ColumnDef | undefined): string {
  const constraints = (column?.constraints ?? []).map((node) => columnConstraint(bodyOf(node, 'Constraint') ?? {}));
  return [formatType(column?.typeName), ...constraints].filter(Boolean).join(' ');
}

function columnConstraint(constraint: Constraint): string {
  switch (constraint.contype) {
    case 'CONSTR_NOTNULL':
      return 'not null';
    case 'CONSTR_DEFAULT':
      return `default ${formatExpression(constraint.raw_expr)}`;
    case 'CONSTR_IDENTITY':
      return 'generated as identity';
    case 'CONSTR_GENERATED':
      return `generated always as (${formatExpression(constraint.raw_expr)})`;
    case 'CONSTR_PRIMARY':
      return 'primary key';
    case 'CONSTR_UNIQUE':
      return 'unique';
    case 'CONSTR_FOREIGN':
      return `references ${relationName(constraint.pktable)}`;
    case 'CONSTR_CHECK':
      return `check (${formatExpression(constraint.raw_expr)})`;
    default:
      return '';
  }
}

/** Named: 'users.users_org_fk' with its description as detail; unnamed: 'users foreign key (org_id) ...'. */
function addConstraint(table: string, constraint: Constraint): Change {
  const description = describeConstraint(constraint);
  if (!constraint.conname) return created('constraint', `${table} ${description}`);
  return withDetail(created('constraint', `${table}.${constraint.conname}`), description);
}

function describeConstraint(constraint: Constraint): string {
  const columns = (nodes: Node[] | undefined) => `(${strings(nodes).join(', ')})`;
  const notValid = constraint.skip_validation ? ' not valid' : '';
  switch (constraint.contype) {
    case 'CONSTR_FOREIGN': {
      const referenced = constraint.pk_attrs?.length ? ` ${columns(constraint.pk_attrs)}` : '';
      return `foreign key ${columns(constraint.fk_attrs)} references ${relationName(constraint.pktable)}${referenced}${notValid}`;
    }
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE': {
      const keyword = constraint.contype === 'CONSTR_PRIMARY' ? 'primary key' : 'unique';
      return `${keyword} ${constraint.indexname ? `using index ${constraint.indexname}` : columns(constraint.keys)}`;
    }
    case 'CONSTR_CHECK':
      return `check (${formatExpression(constraint.raw_expr)})${notValid}`;
    case 'CONSTR_EXCLUSION':
      return `exclude using ${constraint.access_method ?? 'btree'}`;
    default:
      return (constraint.contype ?? 'CONSTR_').slice('CONSTR_'.length).toLowerCase().split('_').join(' ');
  }
}

// ---------------------------------------------------------------------------
// Names, types and expressions, written the way a migration author would

function relationName(relation: RangeVar | undefined): string {
  return qualifiedName([relation?.schemaname, relation?.relname]);
}

/** A trigger or policy is named within its table: 'users.audit'. */
function memberName(relation: RangeVar | undefined, name: string | undefined): string {
  return [relationName(relation), name].filter(Boolean).join('.');
}

/** Kinds whose names in DROP and COMMENT lead with their table: DROP TRIGGER audit ON users. */
const TABLE_MEMBERS = new Set(['trigger', 'policy', 'rule', 'constraint', 'column']);

/** The name of an object as DROP, RENAME and COMMENT list it. */
function objectName(node: Node | undefined, kind = ''): string {
  const list = bodyOf(node, 'List');
  if (list) return qualifiedName(strings(list.items), TABLE_MEMBERS.has(kind) ? 2 : 1);
  const withArgs = bodyOf(node, 'ObjectWithArgs');
  if (withArgs) return routineName(withArgs);
  const type = bodyOf(node, 'TypeName');
  if (type) return formatType(type);
  return bodyOf(node, 'String')?.sval ?? '';
}

/** 'f(integer, text)', or 'f' when the statement gives no arguments. */
function routineName(routine: ObjectWithArgs): string {
  const name = qualifiedName(strings(routine.objname));
  if (routine.args_unspecified) return name;
  const args = (routine.objargs ?? []).map((node) => formatType(bodyOf(node, 'TypeName')));
  return `${name}(${args.join(', ')})`;
}

/** The parser's names for built-in types, as people write them. */
const BUILT_IN_TYPES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
  varbit: 'bit varying',
};

/** 'bigint', 'varchar(20)', 'timestamp[]', 'setof text': a type as a migration writes it. */
export function formatType(type: TypeName | undefined): string {
  if (!type) return '';
  const parts = strings(type.names);
  const builtIn = parts.length === 2 && parts[0] === 'pg_catalog';
  const base = builtIn ? (BUILT_IN_TYPES[parts[1]] ?? parts[1]) : qualifiedName(parts);
  // interval's modifier is a bit mask of fields, not a length.
  const typmods = base === 'interval' ? [] : (type.typmods ?? []);
  const modifiers = typmods.length ? `(${typmods.map(formatExpression).join(', ')})` : '';
  return `${type.setof ? 'setof ' : ''}${base}${modifiers}${'[]'.repeat(type.arrayBounds?.length ?? 0)}`;
}

/** Short expressions (defaults, index keys, checks) in full; anything longer as '...'. */
function formatExpression(node: Node | undefined): string {
  if (!node) return '';
  const constant = bodyOf(node, 'A_Const');
  if (constant) return formatConstant(constant);
  const column = bodyOf(node, 'ColumnRef');
  if (column) return (column.fields ?? []).map((field) => ('A_Star' in field ? '*' : strings([field])[0])).join('.');
  const call = bodyOf(node, 'FuncCall');
  if (call) return formatCall(call);
  const cast = bodyOf(node, 'TypeCast');
  if (cast) return `${formatExpression(cast.arg)}::${formatType(cast.typeName)}`;
  const sqlFunction = bodyOf(node, 'SQLValueFunction');
  if (sqlFunction?.op) return sqlFunction.op.slice('SVFOP_'.length).toLowerCase();
  const operation = bodyOf(node, 'A_Expr');
  if (operation?.kind === 'AEXPR_OP') return formatOperation(operation);
  const test = bodyOf(node, 'NullTest');
  if (test) return `${formatExpression(test.arg)} ${test.nulltesttype === 'IS_NULL' ? 'is null' : 'is not null'}`;
  return '...';
}

function formatConstant(constant: A_Const): string {
  // The parser leaves out zero and false: `ival: {}` is 0.
  if (constant.isnull) return 'null';
  if (constant.sval) return quoted(constant.sval.sval ?? '');
  if (constant.ival) return String(constant.ival.ival ?? 0);
  if (constant.fval) return constant.fval.fval ?? '0';
  if (constant.boolval) return String(constant.boolval.boolval ?? false);
  if (constant.bsval) return constant.bsval.bsval ?? '';
  return '...';
}

function formatCall(call: FuncCall): string {
  const args = call.agg_star ? ['*'] : (call.args ?? []).map(formatExpression);
  return `${qualifiedName(strings(call.funcname))}(${args.join(', ')})`;
}

function formatOperation(operation: A_Expr): string {
  const operator = strings(operation.name).join('.');
  return [formatExpression(operation.lexpr), operator, formatExpression(operation.rexpr)].filter(Boolean).join(' ');
}

function quoted(value: string): string {
  return `'${value.split("'").join("''")}'`;
}

/** 'restart, owned by' from a statement's options. */
function optionNames(options: Node[] | undefined): string {
  return (options ?? []).map((node) => (bodyOf(node, 'DefElem')?.defname ?? '').split('_').join(' ')).join(', ');
}

/** Names the parser uses for kinds of object that differ from their SQL. */
const OBJECT_KIND_NAMES: Partial<Record<ObjectType, string>> = {
  OBJECT_MATVIEW: 'materialized view',
  OBJECT_TABCONSTRAINT: 'constraint',
  OBJECT_DOMCONSTRAINT: 'domain constraint',
  OBJECT_FDW: 'foreign data wrapper',
  OBJECT_STATISTIC_EXT: 'statistics',
};

/** 'OBJECT_FOREIGN_TABLE' -> 'foreign table'. */
function objectKind(type: ObjectType | undefined): string {
  if (!type) return 'object';
  return OBJECT_KIND_NAMES[type] ?? type.slice('OBJECT_'.length).toLowerCase().split('_').join(' ');
}

/** 'AlterDomain' -> 'alter domain', 'AlterTSDictionary' -> 'alter ts dictionary'. */
function camelWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
}

/** The first table a statement we do not model mentions, to say what it touches. */
function firstRelation(value: unknown): RangeVar | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if (typeof (value as RangeVar).relname === 'string') return value as RangeVar;
  for (const child of Object.values(value)) {
    const found = firstRelation(child);
    if (found) return found;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Net effect of a sequence of changes

/**
 * What a sequence of changes amounts to: creating then dropping something
 * cancels out, later changes to something created in the window fold into its
 * '+', a repeated change keeps only its last value, and a drop makes earlier
 * changes to the dropped object moot.
 */
export function cumulativeChanges(changes: SchemaChange[]): SchemaChange[] {
  return changes.reduce<SchemaChange[]>(applyChange, []);
}

function applyChange(net: SchemaChange[], change: SchemaChange): SchemaChange[] {
  if (isPartOfNewOwner(net, change)) return net;
  const sameObject = net.filter((other) => isSameObject(other, change));
  const creation = sameObject.find((other) => other.op === '+');
  if (creation) return foldIntoCreation(net, creation, change);
  const drop = sameObject.find((other) => other.op === '-');
  if (drop && change.op !== '~') return change.op === '+' ? replace(net, drop, recreation(drop, change)) : net;
  // Earlier changes to what is dropped no longer matter.
  if (change.op === '-') {
    return [...net.filter((other) => !isSameObject(other, change) && !isDroppedWith(other, change)), change];
  }
  if (change.op === '~') return applyModification(net, change);
  return [...net, change];
}

/** Columns and constraints added to a table created in the window are part of its '+'. */
function isPartOfNewOwner(net: SchemaChange[], change: SchemaChange): boolean {
  if (!FOLDED_MEMBER_KINDS.has(change.kind)) return false;
  const owner = ownerOf(change);
  return net.some((other) => other.op === '+' && OWNER_KINDS.has(other.kind) && other.object === owner);
}

const FOLDED_MEMBER_KINDS = new Set(['column', 'attribute', 'constraint']);
const OWNER_KINDS = new Set(['table', 'foreign table', 'view', 'materialized view', 'type']);

function foldIntoCreation(net: SchemaChange[], creation: SchemaChange, change: SchemaChange): SchemaChange[] {
  if (change.op === '-') return net.filter((other) => other !== creation && !isDroppedWith(other, creation));
  if (change.op === '+') return replace(net, creation, change);
  const target = renameTarget(change);
  if (target) return replace(renameOwner(net, creation, target), creation, { ...creation, object: target });
  // A new column's type is the one it ends up with.
  if (change.detail?.startsWith('type ')) return replace(net, creation, withType(creation, change.detail));
  return net;
}

function withType(creation: SchemaChange, typeDetail: string): SchemaChange {
  return { ...creation, detail: typeDetail.slice('type '.length) };
}

/** Dropping and creating again replaces the object; data in it is gone all the same. */
function recreation(drop: SchemaChange, creation: SchemaChange): SchemaChange {
  const detail = ['recreated', creation.detail].filter(Boolean).join(' ');
  return { ...creation, op: '~', detail, destructive: drop.destructive };
}

function applyModification(net: SchemaChange[], change: SchemaChange): SchemaChange[] {
  const target = renameTarget(change);
  if (target) return applyRename(renameOwner(net, change, target), change, target);
  const earlier = net.find(
    (other) => other.op === '~' && isSameObject(other, change) && aspectOf(other) === aspectOf(change),
  );
  return earlier ? [...net.filter((other) => other !== earlier), change] : [...net, change];
}

/** Renames in a row become one rename; renaming back cancels out. */
function applyRename(net: SchemaChange[], change: SchemaChange, target: string): SchemaChange[] {
  const previous = net.find((other) => other.kind === change.kind && renameTarget(other) === change.object);
  if (!previous) return [...net, change];
  if (previous.object === target) return net.filter((other) => other !== previous);
  const destructive = previous.destructive || change.destructive;
  return replace(net, previous, { ...change, object: previous.object, destructive });
}

/** Changes to a renamed table's columns, constraints, indexes and data now use its new name. */
function renameOwner(net: SchemaChange[], owner: SchemaChange, to: string): SchemaChange[] {
  const from = owner.object;
  return net.map((change) => {
    if (!OWNER_KINDS.has(owner.kind) || !isOwnedBy(change, from)) return change;
    if (change.kind === 'data') return { ...change, object: to };
    if (change.kind === 'index') {
      const moved = (text: string) => text.replace(`on ${from} `, `on ${to} `);
      return change.detail ? { ...change, detail: moved(change.detail) } : { ...change, object: moved(change.object) };
    }
    return { ...change, object: to + change.object.slice(from.length) };
  });
}

function replace(net: SchemaChange[], old: SchemaChange, by: SchemaChange): SchemaChange[] {
  return net.map((change) => (change === old ? by : change));
}

// The helpers below read back the object and detail texts that schemaChanges writes.

/** Overloads are rare in migrations: 'DROP FUNCTION f' matches 'CREATE FUNCTION f(integer)'. */
const ROUTINE_KINDS = new Set(['function', 'procedure', 'aggregate', 'routine']);

function isSameObject(one: SchemaChange, other: SchemaChange): boolean {
  return one.kind === other.kind && baseName(one) === baseName(other);
}

/** The object without a routine's argument types. */
function baseName(change: SchemaChange): string {
  return ROUTINE_KINDS.has(change.kind) ? routineBaseName(change.object) : change.object;
}

function routineBaseName(object: string): string {
  const parenthesis = object.indexOf('(');
  return parenthesis === -1 ? object : object.slice(0, parenthesis);
}

/** Setting and dropping the same property ('set not null', 'drop not null') is one aspect; the last one wins. */
function aspectOf(change: SchemaChange): string {
  const words = (change.detail ?? '').split(' ');
  const property = ['set', 'drop', 'enable', 'disable'].includes(words[0]) ? words.slice(1) : words;
  return ['default', 'type', 'schema'].includes(property[0]) ? property[0] : property.join(' ');
}

/** 'users.mail' for '~ users.email rename to mail'; 'app.users' for '~ users set schema app'. */
function renameTarget(change: SchemaChange): string | undefined {
  if (change.op !== '~' || !change.detail) return undefined;
  const base = baseName(change);
  const signature = change.object.slice(base.length);
  const dot = base.lastIndexOf('.');
  if (change.detail.startsWith('rename to ')) {
    return `${base.slice(0, dot + 1)}${change.detail.slice('rename to '.length)}${signature}`;
  }
  if (change.detail.startsWith('set schema ')) {
    const schema = change.detail.slice('set schema '.length);
    return `${qualifiedName([schema, base.slice(dot + 1)])}${signature}`;
  }
  return undefined;
}

/** The table a column, constraint, trigger, policy, index or data change belongs to. */
function ownerOf(change: SchemaChange): string | undefined {
  switch (change.kind) {
    case 'data':
      return change.object;
    case 'index':
      return indexTable(change.detail ?? change.object);
    case 'constraint': {
      // Unnamed constraints read 'users foreign key (...)', named ones 'users.users_org_fk'.
      const space = change.object.indexOf(' ');
      if (space !== -1) return change.object.slice(0, space);
      return beforeLastDot(change.object);
    }
    case 'column':
    case 'attribute':
    case 'trigger':
    case 'policy':
      return beforeLastDot(change.object);
    default:
      return undefined;
  }
}

function isOwnedBy(change: SchemaChange, owner: string): boolean {
  return ownerOf(change) === owner;
}

/** A dropped table takes its columns, constraints, indexes, triggers and data with it. */
function isDroppedWith(change: SchemaChange, owner: SchemaChange): boolean {
  return OWNER_KINDS.has(owner.kind) && isOwnedBy(change, owner.object);
}

/** 'users' from 'unique on users (email)'. */
function indexTable(description: string): string | undefined {
  const words = description.split(' ');
  const on = words.indexOf('on');
  return on === -1 ? undefined : words[on + 1];
}

function beforeLastDot(object: string): string | undefined {
  const dot = object.lastIndexOf('.');
  return dot === -1 ? undefined : object.slice(0, dot);
}
