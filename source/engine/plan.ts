import { readAppliedMigrations, type Database } from '../adapters/postgres.js';
import { loadSqlParser } from '../adapters/sql-parser.js';
import { operationError } from '../domain/errors.js';
import type { Migration, MigrationScript } from '../domain/migrations.js';
import { compareMigrations, type AppliedMigration, type Drift } from '../domain/plan.js';
import { SqlSyntaxError, splitStatements, type SqlStatement } from '../domain/statements.js';
import type { EngineContext } from './context.js';
import { loadMigrations, loadProject } from './project.js';
import { connect, resolveTarget } from './target.js';

export interface ParsedScript {
  script: MigrationScript;
  statements: SqlStatement[];
}

export interface PlannedMigration {
  migration: Migration;
  up: ParsedScript;
}

export interface Plan {
  environment: string;
  applied: AppliedMigration[];
  pending: PlannedMigration[];
  drift: Drift[];
}

/**
 * Parses a migration script with the PostgreSQL parser. A syntax error, or
 * transaction control inside a script that data wraps in a transaction, is
 * an error naming the file and line.
 */
/** What to do about drift, when deploy refuses it and when plan says deploy would. */
export const DRIFT_FIX = 'restore the applied files from git (see `data status`), or deploy anyway with --allow-drift';

export function parseScript(script: MigrationScript, folder: string): ParsedScript {
  let statements: SqlStatement[];
  try {
    statements = splitStatements(script.sql);
  } catch (error) {
    if (error instanceof SqlSyntaxError) {
      throw operationError(`syntax error in ${script.file} at line ${error.line}, column ${error.column}: ${error.message}`, {
        where: `${folder}/${script.file}:${error.line}`,
        fix: 'fix the SQL; nothing was run',
      });
    }
    throw error;
  }
  if (!script.noTransaction) {
    const control = statements.find((statement) => 'TransactionStmt' in statement.ast);
    if (control) {
      throw operationError(`${script.file} line ${control.line} controls the transaction (${control.text.split(/\s/)[0]}), but data runs each migration inside its own transaction`, {
        where: `${folder}/${script.file}:${control.line}`,
        fix: 'remove BEGIN/COMMIT from the file, or make its first line "-- data:no-transaction" to run it outside a transaction',
      });
    }
  }
  return { script, statements };
}

/** What a database has applied against the migrations on disk; pending ones parsed. */
export async function computePlan(db: Database, environment: string, migrations: Migration[], folder: string): Promise<Plan> {
  await loadSqlParser();
  const state = compareMigrations(migrations, await readAppliedMigrations(db));
  return {
    environment,
    applied: state.applied,
    drift: state.drift,
    pending: state.pending.map((migration) => ({ migration, up: parseScript(migration.up, folder) })),
  };
}

/** `data plan <env>`: what deploy would do, read-only. */
export async function planDeployment(context: EngineContext, environment: string): Promise<Plan> {
  const project = await loadProject(context);
  const migrations = await loadMigrations(project);
  const target = await resolveTarget(project, environment, context);
  const db = await connect(target);
  try {
    return await computePlan(db, environment, migrations, project.migrationsDir);
  } finally {
    await db.close();
  }
}

export function planJson(plan: Plan) {
  return {
    environment: plan.environment,
    applied: plan.applied.map((row) => row.version),
    pending: plan.pending.map(({ migration, up }) => ({
      version: migration.version,
      name: migration.name,
      file: migration.up.file,
      statements: up.statements.length,
      noTransaction: migration.up.noTransaction,
      reversible: Boolean(migration.down),
    })),
    drift: plan.drift,
  };
}
