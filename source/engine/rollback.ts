import {
  appendEvents,
  findDeploymentByTag,
  finishDeployment,
  inTransaction,
  markRolledBack,
  readAppliedMigrations,
  readDeployments,
  removeAppliedMigrations,
  startDeployment,
  type Database,
} from '../adapters/postgres.js';
import type { Deployment } from '../domain/deployment.js';
import { operationError, refusal, usageError, type DataError } from '../domain/errors.js';
import type { Migration } from '../domain/migrations.js';
import type { AppliedMigration } from '../domain/plan.js';
import type { EngineContext } from './context.js';
import { committedError, executeSteps, type Step } from './execute.js';
import { parseScript } from './plan.js';
import { loadMigrations, loadProject } from './project.js';
import { confirmProtected, readDeployment, tagDeployment, throwIfCancelled, withEnvironmentSession } from './session.js';
import { connect, resolveTarget } from './target.js';

export interface RollbackOptions {
  /** Undo the last N deployments (default 1). */
  steps?: number;
  /** Undo every deployment after this one (an id or its git tag). */
  to?: string;
  /** Undo this deployment and every one after it (the dashboard's `r` on a row). */
  through?: number;
  yes?: boolean;
}

export interface RollbackPreview {
  environment: string;
  protected: boolean;
  /** Deployments to undo, newest first. */
  deploymentIds: number[];
  /** Migrations to revert, in the order they will be reverted. */
  migrations: Array<{ version: string; name: string; deploymentId: number; downFile: string | null }>;
  /** Why it cannot run (a missing down file or migration file); null when it can. */
  blocked: DataError | null;
}

/** Deployments whose migrations are applied now, newest first. */
function undoableDeployments(applied: AppliedMigration[]): number[] {
  const ids: number[] = [];
  for (const row of [...applied].reverse()) if (!ids.includes(row.deploymentId)) ids.push(row.deploymentId);
  return ids;
}

function validateOptions(options: RollbackOptions): void {
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1)) {
    throw usageError(`--steps must be a whole number of at least 1, not ${options.steps}`);
  }
  if ([options.steps, options.to, options.through].filter((value) => value !== undefined).length > 1) {
    throw usageError('use one of --steps or --to, not both');
  }
}

async function chooseDeployments(db: Database, environment: string, ids: number[], options: RollbackOptions): Promise<number[]> {
  if (ids.length === 0) throw operationError('nothing to roll back: no applied migration was deployed by data', { where: `environment ${environment}` });
  if (options.through !== undefined) {
    if (!ids.includes(options.through)) {
      throw operationError(`deployment #${options.through} has no applied migration in ${environment} (it failed, was rolled back, or is a rollback)`, { where: `environment ${environment}` });
    }
    return ids.filter((id) => id >= options.through!);
  }
  if (options.to !== undefined) {
    const toId = /^\d+$/.test(options.to) ? Number(options.to) : await findDeploymentByTag(db, environment, options.to);
    if (toId === null || (await readDeployments(db, environment, { ids: [toId] })).length === 0) {
      throw usageError(`--to ${options.to}: ${toId === null ? 'neither a deployment id nor a tag' : 'no such deployment'} of ${environment}`, { fix: `pick one from \`data history ${environment}\`` });
    }
    const chosen = ids.filter((id) => id > toId);
    if (chosen.length === 0) throw operationError(`nothing to roll back: no applied deployment after #${toId}`, { where: `environment ${environment}` });
    return chosen;
  }
  const steps = options.steps ?? 1;
  if (steps > ids.length) {
    throw usageError(`--steps ${steps} asks for more than the ${ids.length} deployment(s) of ${environment} whose migrations are applied`, {
      fix: `use --steps ${ids.length} or less (see \`data history ${environment}\`)`,
    });
  }
  return ids.slice(0, steps);
}

/** What a rollback would undo, and whether it can: one selection for the preview and the run. */
async function selectRollback(db: Database, environment: string, isProtected: boolean, migrations: Migration[], folder: string, options: RollbackOptions) {
  const applied = await readAppliedMigrations(db);
  const deploymentIds = await chooseDeployments(db, environment, undoableDeployments(applied), options);
  const toRevert = applied.filter((row) => deploymentIds.includes(row.deploymentId)).reverse();
  const byVersion = new Map<string, Migration>(migrations.map((migration) => [migration.version, migration]));
  let blocked: DataError | null = null;
  for (const row of toRevert) {
    const migration = byVersion.get(row.version);
    if (!migration) {
      blocked ??= refusal(`cannot roll back ${row.version}_${row.name}: its migration file is not in ${folder}`, {
        where: `environment ${environment}, deployment #${row.deploymentId}`,
        fix: 'check out the commit that deployed it, then roll back',
      });
    } else if (!migration.down) {
      blocked ??= refusal(`cannot roll back ${row.version}_${row.name}: it has no down file`, {
        where: `${folder}/${migration.up.file}`,
        fix: `write ${row.version}_${row.name}.down.sql that undoes it, commit it, and roll back again`,
      });
    }
  }
  const preview: RollbackPreview = {
    environment,
    protected: isProtected,
    deploymentIds,
    migrations: toRevert.map((row) => ({ version: row.version, name: row.name, deploymentId: row.deploymentId, downFile: byVersion.get(row.version)?.down?.file ?? null })),
    blocked,
  };
  return { preview, toRevert, byVersion };
}

/** Read-only: what `rollback` would undo with these options, or why it cannot. */
export async function previewRollback(context: EngineContext, environment: string, options: RollbackOptions = {}): Promise<RollbackPreview> {
  validateOptions(options);
  const project = await loadProject(context);
  const migrations = await loadMigrations(project);
  const target = await resolveTarget(project, environment, context);
  const db = await connect(target);
  try {
    return (await selectRollback(db, environment, target.environment.protected, migrations, project.migrationsDir, options)).preview;
  } finally {
    await db.close();
  }
}

/**
 * `data rollback <env>`: runs the down files of the deployments being
 * undone, newest migration first, in one transaction with their
 * bookkeeping, and records a rollback deployment.
 */
export async function rollback(context: EngineContext, environment: string, options: RollbackOptions = {}): Promise<Deployment> {
  validateOptions(options);
  return withEnvironmentSession(context, environment, async (session) => {
    const { db, project, operator, target } = session;
    const { preview, toRevert, byVersion } = await selectRollback(db, environment, target.environment.protected, session.migrations, project.migrationsDir, options);
    if (preview.blocked) throw preview.blocked;
    const { deploymentIds } = preview;
    const steps: Step[] = toRevert.map((row) => {
      const migration = byVersion.get(row.version)!;
      return { migration, script: parseScript(migration.down!, project.migrationsDir), direction: 'down' };
    });
    throwIfCancelled(context, environment);
    await confirmProtected(session, context, `rollback of deployment(s) ${deploymentIds.map((id) => `#${id}`).join(', ')} (${steps.length} migration(s))`, options.yes);
    throwIfCancelled(context, environment);

    const versions = toRevert.map((row) => row.version);
    const id = await startDeployment(db, {
      environment,
      kind: 'rollback',
      gitSha: session.git.sha,
      operator,
      startedAt: context.clock(),
      migrations: versions,
      persona: context.persona ?? null,
    });
    context.report({ type: 'deployment.started', id, kind: 'rollback', environment, migrations: versions });

    const event = (kind: string, payload: unknown) => ({ environment, kind, deploymentId: id, actor: operator, at: context.clock(), payload });
    const result = await executeSteps(db, {
      steps,
      timeouts: target.environment,
      report: context.report,
      signal: context.signal,
      settleCancel: session.settleCancel,
      record: async (timings) => {
        await removeAppliedMigrations(db, timings.map(({ step }) => step.migration.version));
        await appendEvents(db, timings.map(({ step, ms }) => event('migration.reverted', { version: step.migration.version, name: step.migration.name, executionMs: Math.round(ms) })));
      },
      finish: async () => {
        await markRolledBack(db, deploymentIds);
        await finishDeployment(db, id, { status: 'succeeded', finishedAt: context.clock(), migrations: versions, reverts: deploymentIds });
        await appendEvents(db, [event('rollback.succeeded', { migrations: versions, reverts: deploymentIds })]);
      },
    });
    await session.stopCancelling();
    if (!result.ok) {
      const error = committedError(result);
      await inTransaction(db, async () => {
        // No-transaction down files that committed may have undone whole deployments: those are rolled back.
        const stillApplied = new Set((await readAppliedMigrations(db)).map((row) => row.deploymentId));
        const undone = deploymentIds.filter((deploymentId) => !stillApplied.has(deploymentId));
        if (undone.length > 0) await markRolledBack(db, undone);
        await finishDeployment(db, id, { status: 'failed', finishedAt: context.clock(), migrations: versions, error, reverts: deploymentIds });
        await appendEvents(db, [event('rollback.failed', { error, reverted: error.committed ?? [] })]);
      });
    }
    let deployment = await readDeployment(db, environment, id);
    if (deployment.status === 'succeeded') deployment = await tagDeployment(session, deployment, context);
    context.report({ type: 'deployment.finished', deployment });
    return deployment;
  });
}
