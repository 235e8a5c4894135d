import { performance } from 'node:perf_hooks';
import { GitRepository } from '../adapters/git.js';
import {
  appendEvents,
  committedVersions,
  ensureBookkeeping,
  findLockHolder,
  finishDeployment,
  inTransaction,
  interruptedDeployments,
  readDeployments,
  releaseEnvironmentLock,
  setDeploymentTag,
  tryEnvironmentLock,
  waitForEnvironmentLock,
  type Database,
  type LockHolder,
} from '../adapters/postgres.js';
import { loadSqlParser } from '../adapters/sql-parser.js';
import { deploymentRecord, type Deployment } from '../domain/deployment.js';
import { formatDuration } from '../domain/duration.js';
import { operationError, refusal } from '../domain/errors.js';
import type { Migration } from '../domain/migrations.js';
import { stardateTag } from '../domain/stardate.js';
import type { EngineContext } from './context.js';
import { operatorName, readGitState, type GitState } from './operator.js';
import { loadMigrations, loadProject, type Project } from './project.js';
import { connect, resolveTarget, type Target } from './target.js';

/** Everything a deploy or rollback holds while it runs. */
export interface EnvironmentSession {
  project: Project;
  migrations: Migration[];
  target: Target;
  db: Database;
  git: GitState;
  operator: string;
  /**
   * Once the steps have run: an interrupt has nothing left to cancel. Waits
   * for a cancel still on its way, so it cannot land on the bookkeeping after.
   */
  stopCancelling: () => Promise<void>;
  /** Resolves once an interrupt's cancel (at most one) has reached the server. */
  settleCancel: () => Promise<void>;
}

function describeHolder(holder: LockHolder | null, now: Date): string {
  if (!holder) return 'another session (it let go meanwhile)';
  const who = holder.deployment
    ? `${holder.deployment.kind} #${holder.deployment.id} by ${holder.deployment.operator}, started ${holder.deployment.startedAt.toISOString()} (${formatDuration(now.getTime() - holder.deployment.startedAt.getTime())} ago)`
    : `a session of ${holder.applicationName || 'an unknown program'}`;
  return `${who}, backend pid ${holder.pid}${holder.clientAddress ? ` from ${holder.clientAddress}` : ''}`;
}

async function acquireLock(db: Database, environment: string, waitMs: number, context: EngineContext): Promise<void> {
  if (await tryEnvironmentLock(db, environment)) return;
  const holder = describeHolder(await findLockHolder(db, environment), context.clock());
  context.report({ type: 'lock.waiting', environment, holder });
  const started = performance.now();
  if (await waitForEnvironmentLock(db, environment, waitMs, context.signal)) {
    context.report({ type: 'lock.acquired', environment, waitedMs: performance.now() - started });
    return;
  }
  throwIfCancelled(context, environment);
  const current = describeHolder(await findLockHolder(db, environment), context.clock());
  throw operationError(`locked by ${current}; waited ${formatDuration(waitMs)}`, {
    where: `environment ${environment}`,
    fix: 'wait for it to finish and try again, or raise lock_wait for this environment',
  });
}

/** A running row whose process died: mark it failed so history tells the truth. */
async function repairInterrupted(session: EnvironmentSession, context: EngineContext): Promise<void> {
  const { db, target } = session;
  const stale = await interruptedDeployments(db, target.environment.name);
  if (stale.length === 0) return;
  const at = context.clock();
  await inTransaction(db, async () => {
    for (const deployment of stale) {
      // What its no-transaction files committed before the process ended stays, and is said.
      const committed = await committedVersions(db, deployment);
      await finishDeployment(db, deployment.id, {
        status: 'failed',
        finishedAt: at,
        migrations: deployment.migrations,
        error: {
          message: `interrupted: the process running it ended before it finished; PostgreSQL rolled back its open transaction`,
          interrupted: true,
          ...(committed.length > 0 ? { committed } : {}),
        },
      });
    }
    await appendEvents(
      db,
      stale.map((deployment) => ({
        environment: target.environment.name,
        kind: `${deployment.kind}.interrupted`,
        deploymentId: deployment.id,
        actor: session.operator,
        at,
        payload: { startedAt: deployment.startedAt.toISOString(), operator: deployment.operator },
      })),
    );
  });
  context.report({ type: 'interrupted.repaired', environment: target.environment.name, ids: stale.map((deployment) => deployment.id) });
}

/**
 * Opens the environment for a deploy or rollback: project, connection,
 * bookkeeping, the environment's advisory lock (released at the end), and
 * repair of interrupted runs. fn runs while the lock is held.
 */
export async function withEnvironmentSession<T>(context: EngineContext, environment: string, fn: (session: EnvironmentSession) => Promise<T>): Promise<T> {
  await loadSqlParser();
  const project = await loadProject(context);
  const migrations = await loadMigrations(project);
  const target = await resolveTarget(project, environment, context);
  const repository = await GitRepository.open(project.root);
  const git = await readGitState(repository, project.root);
  const operator = await operatorName(repository);
  throwIfCancelled(context, environment);
  const db = await connect(target);
  // The operator's interrupt cancels whatever statement runs now; the steps start no other.
  let cancelling: Promise<void> | null = null;
  const cancel = () => {
    cancelling = db.cancelRunning().catch((error: Error) => {
      context.report({ type: 'step', message: `could not cancel the running statement (${error.message}); it runs on until it ends or reaches statement_timeout` });
    });
  };
  const settleCancel = async () => {
    await cancelling;
  };
  const stopCancelling = () => {
    context.signal?.removeEventListener('abort', cancel);
    return settleCancel();
  };
  context.signal?.addEventListener('abort', cancel, { once: true });
  try {
    await db.rememberBackendPid();
    await ensureBookkeeping(db);
    await acquireLock(db, environment, target.environment.lockWaitMs, context);
    const session: EnvironmentSession = { project, migrations, target, db, git, operator, stopCancelling, settleCancel };
    try {
      await repairInterrupted(session, context);
      throwIfCancelled(context, environment);
      return await fn(session);
    } finally {
      await settleCancel();
      await releaseEnvironmentLock(db, environment).catch(() => undefined);
    }
  } catch (error) {
    // Before the steps, the interrupt's cancel lands on a read (the plan, the checks, the lock): nothing ran.
    if (context.signal?.aborted && (error as { code?: string }).code === '57014') throwIfCancelled(context, environment);
    throw error;
  } finally {
    await stopCancelling();
    await db.close();
  }
}

/** Before a deploy or rollback writes anything: an interrupt ends it here, with nothing done. */
export function throwIfCancelled(context: EngineContext, environment: string): void {
  if (!context.signal?.aborted) return;
  throw operationError('cancelled by the operator before anything ran; nothing changed', {
    where: `environment ${environment}`,
    fix: 'run it again when ready',
  });
}

/** Protected environments need the name typed back, or --yes. */
export async function confirmProtected(session: EnvironmentSession, context: EngineContext, action: string, yes: boolean | undefined): Promise<void> {
  const name = session.target.environment.name;
  if (!session.target.environment.protected || yes) return;
  if (!context.interaction.interactive) {
    throw refusal(`protected: ${action} needs confirmation`, {
      where: `environment ${name}`,
      fix: 'run it in a terminal to type the name back, or pass --yes',
    });
  }
  const typed = await context.interaction.typeToConfirm(`${action} on protected environment ${name}. Type "${name}" to go on`, name);
  if (!typed) throw refusal(`${action} on ${name} cancelled: the name was not typed back`, { fix: `type exactly "${name}", or pass --yes` });
}

/** Tags the deployed commit with the stardate tag whose message is the deployment's record. */
export async function tagDeployment(session: EnvironmentSession, deployment: Deployment, context: EngineContext): Promise<Deployment> {
  const { repository, sha, untaggedReason } = session.git;
  if (!repository || !sha || untaggedReason) {
    context.report({ type: 'tag.skipped', reason: untaggedReason ?? 'not a git repository' });
    return deployment;
  }
  try {
    const taken = await repository.tagNames(`data/${deployment.environment}/stardate-*`);
    const tag = stardateTag(deployment.environment, deployment.finishedAt ?? context.clock(), (name) => taken.has(name));
    const tagged = { ...deployment, gitTag: tag };
    await repository.createAnnotatedTag(tag, JSON.stringify(deploymentRecord(tagged), null, 2), sha, session.operator);
    await setDeploymentTag(session.db, deployment.id, tag);
    context.report({ type: 'tag.created', tag });
    return tagged;
  } catch (error) {
    context.report({ type: 'tag.skipped', reason: `git could not create the tag: ${(error as Error).message.split('\n')[0]}` });
    return deployment;
  }
}

export async function readDeployment(db: Database, environment: string, id: number): Promise<Deployment> {
  const [deployment] = await readDeployments(db, environment, { ids: [id] });
  if (!deployment) throw new Error(`deployment ${id} vanished while it ran`);
  return deployment;
}
