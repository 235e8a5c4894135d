import { appendEvents, finishDeployment, inTransaction, recordAppliedMigrations, startDeployment } from '../adapters/postgres.js';
import type { Deployment } from '../domain/deployment.js';
import { refusal } from '../domain/errors.js';
import type { EngineContext } from './context.js';
import { committedError, executeSteps, type Step } from './execute.js';
import { computePlan, DRIFT_FIX, type Plan } from './plan.js';
import { confirmRikerMode, confirmStress, notifyRikerMode, startDeadline } from './deploy-guards.js';
import { assessSafety, blockersError, type SafetyOptions, type SafetyReport } from './safety.js';
import { formatRisk } from '../domain/risk.js';
import { confirmProtected, readDeployment, tagDeployment, throwIfCancelled, withEnvironmentSession } from './session.js';

export interface DeployOptions extends SafetyOptions {
  /** Skip the typed confirmation of a protected environment (and the extra one of a stress warning there). */
  yes?: boolean;
  /** Deploy although applied migrations drifted from the files. */
  allowDrift?: boolean;
  /** `--i-understand "<sentence>"`: Riker mode without a terminal. */
  iUnderstand?: string;
}

export interface DeployResult {
  plan: Plan;
  /** What the safety layer said; null when nothing was pending. */
  safety: SafetyReport | null;
  /** Null when nothing was pending. */
  deployment: Deployment | null;
}

/**
 * `data deploy <env>`: applies the pending migrations. The transactional
 * ones and their bookkeeping run in ONE transaction with lock_timeout and
 * statement_timeout set; a failure rolls all of it back and is then
 * recorded on its own. No-transaction migrations follow, one by one.
 */
export async function deploy(context: EngineContext, environment: string, options: DeployOptions = {}): Promise<DeployResult> {
  return withEnvironmentSession(context, environment, async (session) => {
    const { db, target, project, operator } = session;
    const plan = await computePlan(db, environment, session.migrations, project.migrationsDir);
    if (plan.drift.length > 0 && !options.allowDrift) {
      throw refusal(`drifted: ${plan.drift.map((drift) => `${drift.version}: ${drift.reason}`).join('; ')}`, {
        where: `environment ${environment}`,
        fix: DRIFT_FIX,
      });
    }
    if (plan.pending.length === 0) return { plan, safety: null, deployment: null };

    const isProtected = target.environment.protected;
    const safety = await assessSafety(context, db, project, plan, { overrides: options.overrides, riker: options.riker, protected: isProtected, operator });
    context.report({ type: 'safety.assessed', environment, risk: formatRisk(safety.risk), warnings: safety.stress.map((warning) => warning.message), overridden: safety.overridden });
    throwIfCancelled(context, environment);
    if (options.riker) await confirmRikerMode(context, environment, options.iUnderstand);
    if (safety.blockers.length > 0) throw blockersError(environment, safety.blockers);
    if (!options.riker) await confirmStress(context, environment, safety.stress, options.yes);
    await confirmProtected(session, context, `deploy of ${plan.pending.length} migration(s)`, options.yes);
    throwIfCancelled(context, environment);

    // Transactional migrations first, as one batch; no-transaction ones after it.
    const kind = options.riker ? 'riker' : 'deploy';
    const ordered = [...plan.pending.filter((p) => !p.migration.up.noTransaction), ...plan.pending.filter((p) => p.migration.up.noTransaction)];
    const steps: Step[] = ordered.map(({ migration, up }) => ({ migration, script: up, direction: 'up' }));
    const versions = ordered.map(({ migration }) => migration.version);
    const id = await startDeployment(db, {
      environment,
      kind,
      gitSha: session.git.sha,
      operator,
      startedAt: context.clock(),
      migrations: versions,
      persona: context.persona ?? null,
      risk: { probability: safety.risk.probability, level: safety.risk.level, model: safety.risk.model, factors: safety.risk.factors.map((factor) => factor.text) },
      overrides: safety.overridden,
      justification: safety.overridden.length ? [...new Set(safety.overridden.map((override) => override.justification))].join('; ') : null,
    });
    context.report({ type: 'deployment.started', id, kind, environment, migrations: versions });

    const event = (kind: string, payload: unknown) => ({ environment, kind, deploymentId: id, actor: operator, at: context.clock(), payload });
    // maximum_migration_duration: each statement within the limit, the whole deploy within limit x migrations.
    const limit = safety.maximumDurationMs;
    const timeouts = limit === null ? target.environment : { ...target.environment, statementTimeoutMs: Math.min(target.environment.statementTimeoutMs || limit, limit) };
    const deadline = limit === null ? null : startDeadline(db, limit * steps.length);
    const executed = await executeSteps(db, {
      steps,
      timeouts,
      report: context.report,
      signal: context.signal,
      settleCancel: session.settleCancel,
      record: async (timings) => {
        const appliedAt = context.clock();
        await recordAppliedMigrations(
          db,
          timings.map(({ step, ms }) => ({ version: step.migration.version, name: step.migration.name, checksum: step.migration.checksum, appliedAt, executionMs: ms, deploymentId: id })),
        );
        await appendEvents(db, timings.map(({ step, ms }) => event('migration.applied', { version: step.migration.version, name: step.migration.name, checksum: step.migration.checksum, executionMs: Math.round(ms) })));
      },
      finish: async () => {
        await finishDeployment(db, id, { status: 'succeeded', finishedAt: context.clock(), migrations: versions });
        await appendEvents(db, [event(`${kind}.succeeded`, { migrations: versions })]);
      },
    });

    await session.stopCancelling();
    const result = deadline ? await deadline.finish(executed, limit!, timeouts.statementTimeoutMs === limit) : executed;
    if (!result.ok) {
      const error = committedError(result);
      await inTransaction(db, async () => {
        await finishDeployment(db, id, { status: 'failed', finishedAt: context.clock(), migrations: versions, error });
        await appendEvents(db, [event(`${kind}.failed`, { error, applied: error.committed ?? [] })]);
      });
    }
    let deployment = await readDeployment(db, environment, id);
    if (deployment.status === 'succeeded') deployment = await tagDeployment(session, deployment, context);
    context.report({ type: 'deployment.finished', deployment });
    if (options.riker) await notifyRikerMode(context, project, deployment);
    return { plan, safety, deployment };
  });
}
