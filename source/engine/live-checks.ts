import {
  countRows,
  countValues,
  findCheckViolations,
  findDuplicates,
  findNulls,
  findOrphans,
  inReadOnlyTransaction,
  readLiveTable,
  type Bounds,
  type LiveTable,
  type Matches,
} from '../adapters/live-checks.js';
import type { Database } from '../adapters/postgres.js';
import {
  EXACT_COUNT_LIMIT,
  liveCheckFinding,
  liveChecks,
  unfinishedCheckFinding,
  type LiveCheck,
  type LiveCheckFinding,
  type LiveCheckResult,
  type UnfinishedCheck,
} from '../domain/live-checks.js';
import type { Plan } from './plan.js';

export interface LiveCheckOptions {
  /** Each check's statement_timeout (default 5s); a check that runs longer becomes a warning. */
  statementTimeoutMs?: number;
  /** How long a check waits for a lock another session holds (default 2s). */
  lockTimeoutMs?: number;
  /** Tables with more rows than this by their statistics are sampled (default 5,000,000). */
  sampleAboveRows?: number;
  /** About how many rows a sample reads (default 100,000). */
  sampleRows?: number;
}

const DEFAULTS: Required<LiveCheckOptions> = {
  statementTimeoutMs: 5_000,
  lockTimeoutMs: 2_000,
  sampleAboveRows: 5_000_000,
  sampleRows: 100_000,
};

/**
 * Checks the pending migrations against the rows of the target, read-only
 * and before anything runs: drops of tables and columns that hold data, and
 * NOT NULL, unique, foreign key and check constraints that existing rows
 * would fail. Call it outside a transaction; each check runs in its own
 * READ ONLY one. A check that cannot finish is a warning, never a throw;
 * only a lost connection throws.
 */
export async function runLiveChecks(db: Database, plan: Pick<Plan, 'pending'>, options: LiveCheckOptions = {}): Promise<LiveCheckFinding[]> {
  const settings = { ...DEFAULTS, ...options };
  const checks = liveChecks(plan.pending.map(({ migration, up }) => ({ file: migration.up.file, statements: up.statements })));
  const findings: LiveCheckFinding[] = [];
  for (const check of checks) {
    const finding = await runCheck(db, check, settings);
    if (finding) findings.push(finding);
  }
  return findings;
}

async function runCheck(db: Database, check: LiveCheck, settings: Required<LiveCheckOptions>): Promise<LiveCheckFinding | null> {
  try {
    const result = await inReadOnlyTransaction(db, settings, () => measure(db, check, settings));
    return result ? liveCheckFinding(check, result) : null;
  } catch (error) {
    return unfinishedCheckFinding(check, unfinished(error, settings));
  }
}

/** A server error says why a check could not finish; anything else (a lost connection) is thrown on. */
function unfinished(error: unknown, settings: Required<LiveCheckOptions>): UnfinishedCheck {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) throw error;
  if (code === '57014') return { reason: 'timeout', timeoutMs: settings.statementTimeoutMs };
  if (code === '55P03') return { reason: 'lock', timeoutMs: settings.lockTimeoutMs };
  return { reason: 'error', message: (error as Error).message };
}

/** Runs a check's query; null when the target has nothing to check (no such table or column, already NOT NULL). */
async function measure(db: Database, check: LiveCheck, settings: Required<LiveCheckOptions>): Promise<LiveCheckResult | null> {
  const table = await readLiveTable(db, check.table);
  if (!table) return null;
  const bounds = boundsFor(table, settings);
  switch (check.kind) {
    case 'drop-table':
      // LIMIT alone bounds a count without a WHERE; past it the statistics say how many.
      return resultOf(await countRows(db, table, EXACT_COUNT_LIMIT), { limit: EXACT_COUNT_LIMIT }, table);
    case 'drop-column':
      if (!table.columns.has(check.column)) return null;
      return resultOf(await countValues(db, table, check.column, bounds), bounds, table);
    case 'not-null': {
      const column = table.columns.get(check.column);
      if (!column || column.notNull) return null;
      return resultOf(await findNulls(db, table, check.column, bounds), bounds, table);
    }
    case 'unique':
      if (check.keys.some((key) => 'column' in key && !table.columns.has(key.column))) return null;
      return resultOf(await findDuplicates(db, table, check.keys, { nullsNotDistinct: check.nullsNotDistinct, ...(check.where ? { where: check.where } : {}) }, bounds), bounds, table);
    case 'foreign-key': {
      const parent = await readLiveTable(db, check.references);
      if (!parent) return null;
      const referenced = check.referencedColumns.length ? check.referencedColumns : parent.primaryKey;
      const known = check.columns.every((column) => table.columns.has(column)) && referenced.every((column) => parent.columns.has(column));
      // The migration itself fails on a key that does not line up; there is nothing to count.
      if (!known || referenced.length !== check.columns.length) return null;
      return resultOf(await findOrphans(db, table, check.columns, parent, referenced, check.matchFull, bounds), bounds, table);
    }
    case 'check':
      return resultOf(await findCheckViolations(db, table, check.expression, bounds), bounds, table);
  }
}

/** A table larger than sampleAboveRows is read through a sample of about sampleRows rows. */
function boundsFor(table: LiveTable, settings: Required<LiveCheckOptions>): Bounds {
  if (table.rows === null || table.rows <= settings.sampleAboveRows) return { limit: EXACT_COUNT_LIMIT };
  return { limit: EXACT_COUNT_LIMIT, samplePercent: Math.min(100, (100 * settings.sampleRows) / table.rows) };
}

function resultOf(matches: Matches, bounds: Bounds, table: LiveTable): LiveCheckResult {
  return {
    found: Math.min(matches.found, bounds.limit),
    limitReached: matches.found > bounds.limit,
    ...(bounds.samplePercent !== undefined ? { samplePercent: bounds.samplePercent } : {}),
    ...(table.rows !== null ? { tableRows: table.rows } : {}),
    ...(matches.example ? { example: matches.example } : {}),
  };
}
