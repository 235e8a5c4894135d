import { performance } from 'node:perf_hooks';
import { inTransaction, setTimeouts, type Database } from '../adapters/postgres.js';
import type { DeploymentError } from '../domain/deployment.js';
import type { Migration } from '../domain/migrations.js';
import { lineAndColumn, type SqlStatement } from '../domain/statements.js';
import type { Reporter } from './context.js';
import type { ParsedScript } from './plan.js';

/** One script to run: a migration's up (deploy) or down (rollback). */
export interface Step {
  migration: Migration;
  script: ParsedScript;
  direction: 'up' | 'down';
}

export interface StepTiming {
  step: Step;
  ms: number;
}

export type ExecutionResult =
  | { ok: true; timings: StepTiming[] }
  | { ok: false; timings: StepTiming[]; error: DeploymentError };

interface PgError {
  message: string;
  code?: string;
  detail?: string;
  hint?: string;
  position?: string;
}

class StatementFailure extends Error {
  constructor(
    readonly step: Step,
    /** The failing statement and its line. */
    readonly statement: { statement: SqlStatement; line: number },
    readonly pgError: PgError,
    /** Statements of this step that ran and stayed (no-transaction scripts only; not those its own failed BEGIN block undid). */
    readonly completedStatements: number,
    /** The operator interrupted it (ExecutionPlan.signal). */
    readonly interrupted = false,
  ) {
    super(pgError.message);
  }
}

/** How an operator's interrupt is named in a failure. */
const CANCELLED = 'cancelled by the operator (Ctrl-C, SIGTERM or quitting the dashboard)';

const HINTS: Record<string, string> = {
  '57014': 'the statement ran past statement_timeout; raise it for this environment, or make the migration cheaper',
  '55P03': 'a lock was not granted within lock_timeout; another session holds it. Retry when the table is quieter, or raise lock_timeout',
  '40P01': 'a deadlock with another session; retry',
};

function describeFailure(failure: StatementFailure): DeploymentError {
  const { step, statement, pgError } = failure;
  const ran = failure.completedStatements;
  const partial = step.script.script.noTransaction && ran > 0
    ? `; ${ran === 1 ? 'statement 1' : `statements 1-${ran}`} of this no-transaction file ran and ${ran === 1 ? 'was' : 'were'} not undone`
    : '';
  const text = statement.statement.text;
  const message = failure.interrupted ? `${CANCELLED}: ${pgError.message}` : pgError.message;
  const hint = failure.interrupted ? 'interrupted on purpose; run it again when ready' : (pgError.hint ?? (pgError.code ? HINTS[pgError.code] : undefined));
  return {
    message: `${message}${partial}`,
    migration: `${step.migration.version}_${step.migration.name}`,
    file: step.script.script.file,
    statement: statement.statement.index,
    line: statement.line,
    ...(text ? { sql: text.length > 500 ? `${text.slice(0, 500)}...` : text } : {}),
    ...(pgError.code ? { code: pgError.code } : {}),
    ...(pgError.detail ? { detail: pgError.detail } : {}),
    ...(hint ? { hint } : {}),
    ...(failure.interrupted ? { interrupted: true } : {}),
    ...(step.script.script.noTransaction && ran > 0 ? { statementsKept: ran } : {}),
  };
}

/** 1-based character position of an error -> the line in `text` (1-based). */
const positionLine = (text: string, position: number) => lineAndColumn(text, position - 1).line;

/**
 * Runs a script one statement at a time (one round trip each, as psql
 * does), so a failure always names its statement and nothing ever runs twice.
 */
async function runScript(db: Database, step: Step, report: Reporter, signal: AbortSignal | undefined): Promise<StepTiming> {
  const { migration } = step;
  const { script, statements } = step.script;
  report({ type: 'migration.started', version: migration.version, name: migration.name, file: script.file, statements: statements.length, direction: step.direction });
  const started = performance.now();
  // Statements that ran and stay: in a no-transaction file, those completed outside a BEGIN ... COMMIT of its own.
  let kept = 0;
  let completed = 0;
  const fail = async (statement: SqlStatement, line: number, error: PgError, interrupted: boolean) => {
    // A no-transaction file's own BEGIN left its block open (or failed): end it, undoing what ran inside.
    if (script.noTransaction && !db.idle) await db.query('ROLLBACK');
    return new StatementFailure(step, { statement, line }, error, kept, interrupted);
  };
  for (const statement of statements) {
    // Interrupted between two statements: the next one never starts.
    if (signal?.aborted) throw await fail(statement, statement.line, { message: 'not run', code: '57014' }, true);
    try {
      await db.query(statement.text);
    } catch (error) {
      const position = Number((error as PgError).position);
      const line = position > 0 ? statement.line + positionLine(statement.text, position) - 1 : statement.line;
      // A real error that happens to arrive after the interrupt keeps its own words.
      throw await fail(statement, line, error as PgError, Boolean(signal?.aborted) && (error as PgError).code === '57014');
    }
    completed++;
    if (db.idle) kept = completed;
  }
  const ms = performance.now() - started;
  report({ type: 'migration.finished', version: migration.version, name: migration.name, ms, direction: step.direction });
  return { step, ms };
}

/** A failure's error with the versions committed before it (see DeploymentError.committed). */
export function committedError(result: Extract<ExecutionResult, { ok: false }>): DeploymentError {
  const committed = result.timings.map(({ step }) => step.migration.version);
  return committed.length > 0 ? { ...result.error, committed } : result.error;
}

export interface ExecutionPlan {
  steps: Step[];
  timeouts: { lockTimeoutMs: number; statementTimeoutMs: number };
  report: Reporter;
  /** Writes the bookkeeping of finished steps, inside the same transaction as their SQL. */
  record: (timings: StepTiming[]) => Promise<void>;
  /** Marks the deployment finished, inside the last transaction. */
  finish: () => Promise<void>;
  /** The operator's interrupt: no statement starts once it is aborted (the running one is cancelled by the session). */
  signal?: AbortSignal;
  /** Resolves once the interrupt's cancel (sent at most once) has reached the server. */
  settleCancel?: () => Promise<void>;
}

/** A step stopped by the operator before its statements ran (or, `atEnd`, before its batch committed). */
function cancelledBefore(step: Step, signal: AbortSignal | undefined, error: PgError, atEnd = false): StatementFailure | PgError {
  if (!(signal?.aborted && error.code === '57014')) return error;
  const statements = step.script.statements;
  // A file of comments only has no statement to name.
  const statement = (atEnd ? statements.at(-1) : statements[0]) ?? { index: 0, text: '', line: 1, start: 0, end: 0, ast: {} };
  return new StatementFailure(step, { statement, line: statement.line }, atEnd ? error : { message: 'not run', code: '57014' }, 0, true);
}

/**
 * Runs the steps in order. Consecutive transactional scripts share ONE
 * transaction with their bookkeeping, so they happen whole or not at all;
 * a no-transaction script runs alone, one statement at a time, and is
 * recorded as it completes.
 */
export async function executeSteps(db: Database, plan: ExecutionPlan): Promise<ExecutionResult> {
  const segments: Step[][] = [];
  for (const step of plan.steps) {
    const last = segments.at(-1);
    if (!step.script.script.noTransaction && last && !last[0]!.script.script.noTransaction) last.push(step);
    else segments.push([step]);
  }
  if (segments.length === 0) segments.push([]);

  const done: StepTiming[] = [];
  try {
    for (const [index, segment] of segments.entries()) {
      const isLast = index === segments.length - 1;
      const timings: StepTiming[] = [];
      if (segment[0]?.script.script.noTransaction) {
        const step = segment[0];
        await setTimeouts(db, plan.timeouts, 'session').catch((error: PgError) => {
          throw cancelledBefore(step, plan.signal, error);
        });
        timings.push(await runScript(db, step, plan.report, plan.signal));
        // Its SQL has committed: its record must be written whatever happens now. An interrupt's one
        // cancel may land on the first try; the second follows once that cancel has been handled.
        const record = () =>
          inTransaction(db, async () => {
            await plan.record(timings);
            if (isLast) await plan.finish();
          });
        await record().catch(async (error: PgError) => {
          if (!(plan.signal?.aborted && error.code === '57014')) throw error;
          await plan.settleCancel?.();
          await record();
        });
      } else {
        await inTransaction(db, async () => {
          await setTimeouts(db, plan.timeouts, 'transaction');
          for (const step of segment) timings.push(await runScript(db, step, plan.report, plan.signal));
          // Interrupted after the last statement: the batch is not committed yet, so it is not at all.
          if (plan.signal?.aborted && segment.length > 0) throw cancelledBefore(segment.at(-1)!, plan.signal, { message: 'not committed', code: '57014' }, true);
          await plan.record(timings);
          if (isLast) await plan.finish();
        });
      }
      done.push(...timings);
    }
    return { ok: true, timings: done };
  } catch (error) {
    if (!(error instanceof StatementFailure)) {
      // The operator's cancel landed on the bookkeeping of a transactional batch, not on its SQL: it rolled back with it.
      if (plan.signal?.aborted && (error as PgError).code === '57014') {
        const described = { message: `${CANCELLED} while recording its work, which rolled back with it`, code: '57014', interrupted: true };
        plan.report({ type: 'step', message: described.message });
        return { ok: false, timings: done, error: described };
      }
      throw error;
    }
    const described = describeFailure(error);
    plan.report({ type: 'migration.failed', version: error.step.migration.version, name: error.step.migration.name, error: described, direction: error.step.direction });
    return { ok: false, timings: done, error: described };
  }
}
