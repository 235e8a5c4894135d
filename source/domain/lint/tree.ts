import type { AlterTableCmd, AlterTableType, ColumnDef, Constraint, Node, RangeVar, TypeName } from 'libpg-query';
import { bodyOf, qualifiedName, strings, type NodeBody, type NodeType } from '../sql-tree.js';
import type { SqlStatement } from '../statements.js';
import type { FileUnderLint, RuleHit } from './rule.js';

// Reading the parser's trees: the helpers the rules share (the generic ones
// live in ../sql-tree.ts, with the live checks' and the schema changes').

export { bodyOf, qualifiedName, strings, type NodeBody, type NodeType } from '../sql-tree.js';
export { formatType } from '../schema-changes.js';

/** The statement's body when it is of that type: statementOf(statement, 'IndexStmt'). */
export function statementOf<K extends NodeType>(statement: SqlStatement, type: K): NodeBody<K> | undefined {
  return bodyOf(statement.ast, type);
}

/** Every node of a type anywhere under `tree`, in tree order. */
export function nodesOf<K extends NodeType>(tree: unknown, type: K): NodeBody<K>[] {
  const found: NodeBody<K>[] = [];
  const visit = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    const body = bodyOf(value, type);
    if (body) found.push(body);
    Object.values(value).forEach(visit);
  };
  visit(tree);
  return found;
}

export function tableName(relation: RangeVar | undefined): string {
  return qualifiedName([relation?.schemaname, relation?.relname]);
}

/** The name of an object in a DROP statement's list. */
export function droppedName(object: Node): string {
  const list = bodyOf(object, 'List');
  return list ? qualifiedName(strings(list.items)) : (bodyOf(object, 'String')?.sval ?? '');
}

/** True when an earlier statement of the file created the table. */
export function isCreatedByFile(file: FileUnderLint, table: string, statement: SqlStatement): boolean {
  const creator = file.createdTables.get(table);
  return creator !== undefined && creator < statement.index;
}

/** The parser's `location` of a node, when it has one (-1 means none). */
export function locationOf(node: { location?: number } | undefined): number | undefined {
  return node?.location !== undefined && node.location >= 0 ? node.location : undefined;
}

// ---------------------------------------------------------------------------
// Types

/** The type's name without `pg_catalog.`, lower case as the parser gives it: 'timestamp', 'varchar', 'serial'. */
export function baseTypeName(type: TypeName | undefined): string {
  const parts = strings(type?.names);
  return parts.length === 2 && parts[0] === 'pg_catalog' ? parts[1]! : qualifiedName(parts);
}

/**
 * Every column definition of a statement with its column's name: CREATE
 * TABLE columns, ADD COLUMN, ALTER COLUMN ... TYPE (whose definition holds
 * only the new type), and composite type attributes.
 */
export function columnDefinitions(statement: SqlStatement): Array<{ column: string; definition: ColumnDef; location?: number }> {
  const found = (owner: string, definition: ColumnDef | undefined, name = definition?.colname) =>
    definition ? [{ column: `${owner}.${name ?? ''}`, definition, location: locationOf(definition.typeName) ?? locationOf(definition) }] : [];
  const create = statementOf(statement, 'CreateStmt');
  if (create) return (create.tableElts ?? []).flatMap((node) => found(tableName(create.relation), bodyOf(node, 'ColumnDef')));
  const type = statementOf(statement, 'CompositeTypeStmt');
  if (type) return (type.coldeflist ?? []).flatMap((node) => found(tableName(type.typevar), bodyOf(node, 'ColumnDef')));
  const alter = statementOf(statement, 'AlterTableStmt');
  return (alter?.cmds ?? []).flatMap((node) => {
    const command = bodyOf(node, 'AlterTableCmd');
    const definition = bodyOf(command?.def, 'ColumnDef');
    if (command?.subtype === 'AT_AddColumn') return found(tableName(alter!.relation), definition);
    if (command?.subtype === 'AT_AlterColumnType') return found(tableName(alter!.relation), definition, command.name);
    return [];
  });
}

export function constraintsOf(definition: ColumnDef): Constraint[] {
  return (definition.constraints ?? []).flatMap((node) => bodyOf(node, 'Constraint') ?? []);
}

// ---------------------------------------------------------------------------
// ALTER TABLE

export interface TableCommand {
  statement: SqlStatement;
  table: string;
  command: AlterTableCmd;
}

/**
 * The ALTER TABLE subcommands of the file of one kind, on tables that exist
 * before it runs (not on the ones it creates, which are still empty).
 */
export function commandsOnExistingTables(file: FileUnderLint, subtype: AlterTableType): TableCommand[] {
  return file.statements.flatMap((statement) => {
    const alter = statementOf(statement, 'AlterTableStmt');
    if (!alter || alter.objtype !== 'OBJECT_TABLE') return [];
    const table = tableName(alter.relation);
    if (isCreatedByFile(file, table, statement)) return [];
    return (alter.cmds ?? []).flatMap((node) => {
      const command = bodyOf(node, 'AlterTableCmd');
      return command?.subtype === subtype ? [{ statement, table, command }] : [];
    });
  });
}

/** A hit on a subcommand, at the line of its definition when the parser gives one. */
export function commandHit({ statement, command }: TableCommand, subject: string): RuleHit {
  const def = command.def;
  const location = locationOf(bodyOf(def, 'ColumnDef')) ?? locationOf(bodyOf(def, 'Constraint'));
  return { statement, location, subject };
}

/** ADD COLUMN subcommands on tables the file did not create, with their column definitions. */
export function addedColumns(file: FileUnderLint): Array<TableCommand & { column: string; definition: ColumnDef }> {
  return commandsOnExistingTables(file, 'AT_AddColumn').flatMap((added) => {
    const definition = bodyOf(added.command.def, 'ColumnDef');
    return definition ? [{ ...added, column: `${added.table}.${definition.colname ?? ''}`, definition }] : [];
  });
}

// ---------------------------------------------------------------------------
// Types that generate values

/** serial, bigserial ...: an integer with a sequence default. */
const SERIAL_TYPES = new Set(['serial', 'serial2', 'serial4', 'serial8', 'smallserial', 'bigserial']);

/** True for a written `serial`-like type (the parser leaves them unqualified). */
export function isSerial(type: TypeName | undefined): boolean {
  return strings(type?.names).length === 1 && SERIAL_TYPES.has(baseTypeName(type));
}
