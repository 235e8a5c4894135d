import type { Database } from '../adapters/postgres.js';
import { runNotification } from '../adapters/notify.js';
import { deploymentRecord, type Deployment } from '../domain/deployment.js';
import { formatDuration } from '../domain/duration.js';
import { refusal } from '../domain/errors.js';
import type { StressWarning } from '../domain/stress.js';
import type { EngineContext } from './context.js';
import type { ExecutionResult } from './execute.js';
import type { Project } from './project.js';
import { RIKER_SENTENCE } from './safety.js';

/** Riker mode needs the sentence typed exactly (in a terminal) or passed with --i-understand. */
export async function confirmRikerMode(context: EngineContext, environment: string, iUnderstand: string | undefined): Promise<void> {
  if (iUnderstand !== undefined) {
    if (iUnderstand.trim() === RIKER_SENTENCE) return;
    throw refusal(`Riker mode on ${environment}: --i-understand must be exactly "${RIKER_SENTENCE}"`, { fix: `pass --i-understand "${RIKER_SENTENCE}"` });
  }
  if (!context.interaction.interactive) {
    throw refusal(`Riker mode on ${environment} needs the operator to take responsibility in words`, {
      fix: `run it in a terminal and type the sentence, or pass --i-understand "${RIKER_SENTENCE}"`,
    });
  }
  const typed = await context.interaction.typeToConfirm(`Riker mode bypasses every rule that can be overridden on ${environment}. Type "${RIKER_SENTENCE}"`, RIKER_SENTENCE);
  if (!typed) throw refusal(`Riker mode on ${environment} cancelled: the sentence was not typed exactly`, { fix: `type exactly "${RIKER_SENTENCE}"` });
}

/** A stress warning on a protected environment asks once more; --yes answers for scripts. */
export async function confirmStress(context: EngineContext, environment: string, warnings: StressWarning[], yes: boolean | undefined): Promise<void> {
  const asking = warnings.filter((warning) => warning.extraConfirmation);
  if (asking.length === 0 || yes) return;
  const said = asking.map((warning) => warning.message).join(' ');
  if (!context.interaction.interactive) {
    throw refusal(`deploy to ${environment} needs an extra confirmation: ${said}`, { fix: 'run it in a terminal to confirm, or pass --yes' });
  }
  if (!(await context.interaction.confirm(`${said} Deploy to ${environment} anyway?`))) {
    throw refusal(`deploy to ${environment} cancelled after the warning: ${said}`, { fix: 'deploy later, or answer yes' });
  }
}

export interface Deadline {
  /**
   * Stops the timer. When the deadline fired, or a statement ran into the
   * statement_timeout that the limit set, the failure names the rule.
   */
  finish(result: ExecutionResult, limitMs: number, statementLimited: boolean): Promise<ExecutionResult>;
}

/**
 * The total deadline of maximum_migration_duration: when it passes, another
 * connection cancels the deploy's statement, so its transaction rolls back.
 */
export function startDeadline(db: Database, totalMs: number): Deadline {
  let fired = false;
  let cancelling: Promise<void> | null = null;
  const timer = setTimeout(() => {
    fired = true;
    cancelling = db.cancelRunning().catch(() => undefined);
  }, totalMs);
  return {
    async finish(result, limitMs, statementLimited) {
      clearTimeout(timer);
      // A cancel still on its way must land now, on the idle session (which ignores it),
      // not on the bookkeeping that follows.
      await cancelling;
      if (result.ok) return result;
      const cancelled = result.error.code === '57014';
      // The operator's interrupt is not the rule's doing.
      if (!fired && result.error.interrupted) return result;
      if (!fired && !(cancelled && statementLimited)) return result;
      const what = fired ? `${formatDuration(limitMs)} per migration, ${formatDuration(totalMs)} in all` : `${formatDuration(limitMs)} per statement`;
      return {
        ...result,
        error: {
          ...result.error,
          message: `exceeded the prime directive's maximum_migration_duration (${what}) and was cancelled: ${result.error.message}`,
          hint: 'make the migration cheaper (split it, or build indexes CONCURRENTLY in a no-transaction file), or raise maximum_migration_duration in .data-prime-directive.yml',
        },
      };
    },
  };
}

/** Riker mode tells someone: the configured command gets the deployment's JSON on stdin, or the webhook gets it POSTed. */
export async function notifyRikerMode(context: EngineContext, project: Project, deployment: Deployment): Promise<void> {
  const notify = project.config.notify;
  if (!notify) {
    context.report({ type: 'step', message: 'Riker mode: no notify: in data.config.yaml, so nobody was told' });
    return;
  }
  const outcome = await runNotification(notify, { event: 'riker-mode', deployment: deploymentRecord(deployment) }, project.root);
  context.report({ type: 'step', message: `Riker mode: ${outcome}` });
}
