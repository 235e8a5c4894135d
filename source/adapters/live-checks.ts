import type pg from 'pg';
import type { TableRef, UniqueKey } from '../domain/live-checks.js';
import { inTransaction, quoteIdentifier, setTimeouts, type Database } from './postgres.js';

/**
 * The bounded, read-only queries of the live checks. Each one stops at its
 * LIMIT (and reads a TABLESAMPLE of a huge table), and runs in a READ ONLY
 * transaction under a statement_timeout. Expressions come from the
 * migration itself, which is about to run them anyway.
 */

/** A table of the target as its catalog describes it. */
export interface LiveTable {
  /** "schema"."name", quoted, as the catalog spells it. */
  sqlName: string;
  /** pg_class.reltuples; null before the table's first ANALYZE or VACUUM. */
  rows: number | null;
  columns: Map<string, { notNull: boolean }>;
  primaryKey: string[];
}

/** How far a query reads: it stops after `limit` + 1 matches, over a sample of the pages when one is given. */
export interface Bounds {
  limit: number;
  samplePercent?: number;
}

/** How many matches a query saw (at most `limit` + 1), and the key of the first. */
export interface Matches {
  found: number;
  /** 'id = 42', "(org_id, email) = (7, 'a@example.com')". */
  example?: string;
}

/** Runs fn in a READ ONLY transaction with its own timeouts, which end with it. */
export async function inReadOnlyTransaction<T>(db: Database, timeouts: { statementTimeoutMs: number; lockTimeoutMs: number }, fn: () => Promise<T>): Promise<T> {
  return inTransaction(db, async () => {
    await db.query('SET TRANSACTION READ ONLY');
    await setTimeouts(db, timeouts, 'transaction');
    return fn();
  });
}

/** An ordinary or partitioned table the target has under that name now, or null. */
export async function readLiveTable(db: Database, table: TableRef): Promise<LiveTable | null> {
  const name = [table.schema, table.name].filter((part): part is string => Boolean(part)).map(quoteIdentifier).join('.');
  const found = await db.query<{ oid: number; nspname: string; relname: string; reltuples: number }>(
    `SELECT c.oid::int8 AS oid, n.nspname, c.relname, c.reltuples::float8 AS reltuples
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p')`,
    [name],
  );
  const row = found.rows[0];
  if (!row) return null;
  const attributes = await db.query<{ attname: string; attnotnull: boolean; key_position: number | null }>(
    `SELECT a.attname, a.attnotnull, array_position(pk.indkey::int2[], a.attnum) AS key_position
       FROM pg_attribute a
       LEFT JOIN pg_index pk ON pk.indrelid = a.attrelid AND pk.indisprimary
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [row.oid],
  );
  return {
    sqlName: `${quoteIdentifier(row.nspname)}.${quoteIdentifier(row.relname)}`,
    rows: row.reltuples >= 0 ? row.reltuples : null,
    columns: new Map(attributes.rows.map((attribute) => [attribute.attname, { notNull: attribute.attnotnull }])),
    primaryKey: attributes.rows
      .filter((attribute) => attribute.key_position !== null)
      .sort((a, b) => a.key_position! - b.key_position!)
      .map((attribute) => attribute.attname),
  };
}

/** Rows of the table: SELECT 1 FROM t LIMIT n stops as soon as it has them. */
export function countRows(db: Database, table: LiveTable, limit: number): Promise<Matches> {
  return firstMatch(db, `SELECT 1 FROM ${table.sqlName} LIMIT $1`, [], [limit + 1]);
}

/** Rows where the column holds a value. */
export function countValues(db: Database, table: LiveTable, column: string, bounds: Bounds): Promise<Matches> {
  const { sample, values } = sampled(bounds);
  return firstMatch(db, `SELECT 1 FROM ${table.sqlName}${sample} WHERE ${quoteIdentifier(column)} IS NOT NULL LIMIT $1`, [], values);
}

/** Rows where the column is NULL, with the primary key of the first. */
export function findNulls(db: Database, table: LiveTable, column: string, bounds: Bounds): Promise<Matches> {
  const { sample, values } = sampled(bounds);
  const key = keyColumns(table.primaryKey);
  return firstMatch(db, `SELECT ${key.select} FROM ${table.sqlName}${sample} WHERE ${quoteIdentifier(column)} IS NULL LIMIT $1`, key.labels, values);
}

/** Rows for which the expression is false (NULL passes a CHECK), with the primary key of the first. */
export function findCheckViolations(db: Database, table: LiveTable, expression: string, bounds: Bounds): Promise<Matches> {
  const { sample, values } = sampled(bounds);
  const key = keyColumns(table.primaryKey);
  // No alias: the expression may name its table ('orders.amount > 0').
  return firstMatch(db, `SELECT ${key.select} FROM ${table.sqlName}${sample} WHERE NOT (${expression}) LIMIT $1`, key.labels, values);
}

/** Key values held by more than one row (NULLs never collide unless NULLS NOT DISTINCT), with the first. */
export function findDuplicates(
  db: Database,
  table: LiveTable,
  keys: UniqueKey[],
  options: { nullsNotDistinct: boolean; where?: string },
  bounds: Bounds,
): Promise<Matches> {
  const { sample, values } = sampled(bounds);
  const expressions = keys.map((key) => ('column' in key ? quoteIdentifier(key.column) : `(${key.expression})`));
  const conditions = [
    ...(options.where ? [`(${options.where})`] : []),
    ...(options.nullsNotDistinct ? [] : expressions.map((expression) => `${expression} IS NOT NULL`)),
  ];
  const inner = `SELECT ${expressions.map((expression, i) => `${expression} AS k${i}`).join(', ')}
                   FROM ${table.sqlName}${sample}
                  WHERE ${conditions.length ? conditions.join(' AND ') : 'TRUE'}
                  GROUP BY ${expressions.map((_, i) => i + 1).join(', ')}
                 HAVING count(*) > 1
                  LIMIT $1`;
  const labels = keys.map((key) => ('column' in key ? key.column : key.expression));
  return firstMatch(db, inner, labels, values);
}

/** Child rows whose key matches no parent row (MATCH SIMPLE: a key with a NULL matches; MATCH FULL: only an all-NULL one). */
export function findOrphans(
  db: Database,
  child: LiveTable,
  columns: string[],
  parent: LiveTable,
  parentColumns: string[],
  matchFull: boolean,
  bounds: Bounds,
): Promise<Matches> {
  const { sample, values } = sampled(bounds);
  const own = columns.map((column) => `child.${quoteIdentifier(column)}`);
  const pairs = parentColumns.map((column, i) => `parent.${quoteIdentifier(column)} = ${own[i]}`);
  const unmatched = [
    ...own.map((column) => `${column} IS NOT NULL`),
    `NOT EXISTS (SELECT 1 FROM ${parent.sqlName} AS parent WHERE ${pairs.join(' AND ')})`,
  ].join(' AND ');
  const partlyNull = matchFull && own.length > 1 ? ` OR num_nulls(${own.join(', ')}) BETWEEN 1 AND ${own.length - 1}` : '';
  const inner = `SELECT ${own.map((column, i) => `${column} AS k${i}`).join(', ')}
                   FROM ${child.sqlName} AS child${sample}
                  WHERE (${unmatched})${partlyNull}
                  LIMIT $1`;
  return firstMatch(db, inner, columns, values);
}

// ---------------------------------------------------------------- helpers

/** $1 is the limit; $2 the sample's percentage of pages. */
function sampled(bounds: Bounds): { sample: string; values: unknown[] } {
  if (bounds.samplePercent === undefined) return { sample: '', values: [bounds.limit + 1] };
  return { sample: ' TABLESAMPLE SYSTEM ($2)', values: [bounds.limit + 1, bounds.samplePercent] };
}

/** The primary key columns as k0, k1 ... for an example, or 1 when there is none. */
function keyColumns(primaryKey: string[]): { select: string; labels: string[] } {
  if (primaryKey.length === 0) return { select: '1', labels: [] };
  return { select: primaryKey.map((column, i) => `${quoteIdentifier(column)} AS k${i}`).join(', '), labels: primaryKey };
}

/** Values as the server writes them, so that an example shows what psql would. */
const AS_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/** Counts the rows of `inner` (which selects k0, k1 ... and ends in LIMIT $1) and shows the first one's keys. */
async function firstMatch(db: Database, inner: string, labels: string[], values: unknown[]): Promise<Matches> {
  const keys = labels.map((_, i) => `, k${i}`).join('');
  const result = await db.client.query<unknown[]>({
    text: `SELECT count(*) OVER () AS found${keys} FROM (${inner}) matches LIMIT 1`,
    values,
    rowMode: 'array',
    types: AS_TEXT,
  });
  const row = result.rows[0] as Array<string | null> | undefined;
  if (!row) return { found: 0 };
  if (labels.length === 0) return { found: Number(row[0]) };
  const types = result.fields.slice(1).map((field) => field.dataTypeID);
  return { found: Number(row[0]), example: formatKey(labels, row.slice(1), types) };
}

/** Types whose values read as they are; everything else is quoted like a literal. */
const UNQUOTED_TYPES = new Set([16, 20, 21, 23, 26, 700, 701, 1700]); // bool, int8, int2, int4, oid, float4, float8, numeric

const MAX_EXAMPLE_VALUE = 60;

function formatKey(labels: string[], values: Array<string | null>, types: number[]): string {
  const literals = values.map((value, i) => {
    if (value === null) return 'NULL';
    const shown = value.length > MAX_EXAMPLE_VALUE ? `${value.slice(0, MAX_EXAMPLE_VALUE)}...` : value;
    return UNQUOTED_TYPES.has(types[i]!) ? shown : `'${shown.replace(/'/g, "''")}'`;
  });
  if (labels.length === 1) return `${labels[0]} = ${literals[0]}`;
  return `(${labels.join(', ')}) = (${literals.join(', ')})`;
}
