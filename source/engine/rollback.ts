import {
  appendEvents,
  findDeploymentByTag,
  finishDeployment,
  inTransaction,
  markRolledBack,
  readAppliedMigrations,
  removeAppliedMigrations,
  startDeployment,
} from '../adapters/postgres.js';
import type { Deployment } from '../domain/deployment.js';
import { operationError, refusal, usageError } from '../domain/errors.js';
import type { Migration } from '../domain/migrations.js';
import type { AppliedMigration } from '../domain/plan.js';
import type { EngineContext } from './context.js';
import { executeSteps, type Step } from './execute.js';
import { parseScript } from './plan.js';
import { confirmProtected, readDeployment, tagDeployment, withEnvironmentSession } from './session.js';

export interface RollbackOptions {
  /** Undo the last N deployments (default 1). */
  steps?: number;
  /** Undo every deployment after this one (an id or its git tag). */
  to?: string;
  yes?: boolean;
}

export interface RollbackTarget {
  /** Deployments to undo, newest first. */
  deploymentIds: number[];
  /** Applied migrations to revert, in the order they will be reverted. */
  migrations: AppliedMigration[];
}

/** Deployments whose migrations are applied now, newest first. */
function undoableDeployments(applied: AppliedMigration[]): number[] {
  const ids: number[] = [];
  for (const row of [...applied].reverse()) if (!ids.includes(row.deploymentId)) ids.push(row.deploymentId);
  return ids;
}

function chooseDeployments(ids: number[], environment: string, options: RollbackOptions, toId: number | null): number[] {
  if (ids.length === 0) throw operationError(`nothing to roll back in ${environment}: no applied migration was deployed by data`, { where: `environment ${environment}` });
  if (toId !== null) {
    const chosen = ids.filter((id) => id > toId);
    if (chosen.length === 0) throw operationError(`nothing to roll back: ${environment} has no applied deployment after #${toId}`, { where: `environment ${environment}` });
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

/**
 * `data rollback <env>`: runs the down files of the deployments being
 * undone, newest migration first, in one transaction with their
 * bookkeeping, and records a rollback deployment.
 */
export async function rollback(context: EngineContext, environment: string, options: RollbackOptions = {}): Promise<Deployment> {
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1)) {
    throw usageError(`--steps must be a whole number of at least 1, not ${options.steps}`);
  }
  if (options.steps !== undefined && options.to !== undefined) throw usageError('use either --steps or --to, not both');

  return withEnvironmentSession(context, environment, async (session) => {
    const { db, project, operator, target } = session;
    let toId: number | null = null;
    if (options.to !== undefined) {
      toId = /^\d+$/.test(options.to) ? Number(options.to) : await findDeploymentByTag(db, environment, options.to);
      if (toId === null) throw usageError(`--to ${options.to} is neither a deployment id nor a tag of ${environment}`, { fix: `pick one from \`data history ${environment}\`` });
    }
    const applied = await readAppliedMigrations(db);
    const deploymentIds = chooseDeployments(undoableDeployments(applied), environment, options, toId);
    const toRevert = applied.filter((row) => deploymentIds.includes(row.deploymentId)).reverse();

    const byVersion = new Map<string, Migration>(session.migrations.map((migration) => [migration.version, migration]));
    const steps: Step[] = toRevert.map((row) => {
      const migration = byVersion.get(row.version);
      if (!migration) {
        throw refusal(`cannot roll back ${row.version}_${row.name}: its migration file is not in ${project.migrationsDir}`, {
          where: `environment ${environment}, deployment #${row.deploymentId}`,
          fix: 'check out the commit that deployed it, then roll back',
        });
      }
      if (!migration.down) {
        throw refusal(`cannot roll back ${row.version}_${row.name}: it has no down file`, {
          where: `${project.migrationsDir}/${migration.up.file}`,
          fix: `write ${row.version}_${row.name}.down.sql that undoes it, commit it, and roll back again`,
        });
      }
      return { migration, script: parseScript(migration.down, project.migrationsDir), direction: 'down' };
    });
    await confirmProtected(session, context, `rollback of deployment(s) ${deploymentIds.map((id) => `#${id}`).join(', ')} (${steps.length} migration(s))`, options.yes);

    const versions = toRevert.map((row) => row.version);
    const id = await startDeployment(db, {
      environment,
      kind: 'rollback',
      gitSha: session.git.sha,
      operator,
      startedAt: context.clock(),
      migrations: versions,
      persona: project.config.persona,
    });
    context.report({ type: 'deployment.started', id, kind: 'rollback', environment, migrations: versions });

    const event = (kind: string, payload: unknown) => ({ environment, kind, deploymentId: id, actor: operator, at: context.clock(), payload });
    const result = await executeSteps(db, {
      steps,
      timeouts: target.environment,
      report: context.report,
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
    if (!result.ok) {
      await inTransaction(db, async () => {
        await finishDeployment(db, id, { status: 'failed', finishedAt: context.clock(), migrations: versions, error: result.error, reverts: deploymentIds });
        await appendEvents(db, [event('rollback.failed', { error: result.error, reverted: result.timings.map(({ step }) => step.migration.version) })]);
      });
    }
    let deployment = await readDeployment(db, environment, id);
    if (deployment.status === 'succeeded') deployment = await tagDeployment(session, deployment, context);
    context.report({ type: 'deployment.finished', deployment });
    return deployment;
  });
}
