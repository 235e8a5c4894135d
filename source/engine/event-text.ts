import { durationMs, failedAt } from '../domain/deployment.js';
import { formatDuration } from '../domain/duration.js';
import type { EngineEvent } from './context.js';

/** One line of plain text for a progress event: the command line prints it, the dashboard shows it. */
export function describeEvent(event: EngineEvent): string {
  switch (event.type) {
    case 'step':
      return event.message;
    case 'lock.waiting':
      return `${event.environment} is locked by ${event.holder}; waiting`;
    case 'lock.acquired':
      return `got the lock on ${event.environment} after ${formatDuration(event.waitedMs)}`;
    case 'interrupted.repaired':
      return `marked interrupted deployment(s) ${event.ids.map((id) => `#${id}`).join(', ')} as failed (their process ended mid-run)`;
    case 'deployment.started':
      return `${event.kind} #${event.id} ${event.kind === 'rollback' ? 'of' : 'to'} ${event.environment}: ${event.migrations.length} migration(s)`;
    case 'migration.started':
      return `${event.direction === 'up' ? 'applying' : 'reverting'} ${event.version}_${event.name} (${event.statements} statement(s))`;
    case 'migration.finished':
      return `${event.direction === 'up' ? 'applied ' : 'reverted'} ${event.version}_${event.name} in ${formatDuration(event.ms)}`;
    case 'migration.failed':
      return `FAILED  ${event.version}_${event.name}${failedAt(event.error)}: ${event.error.message}`;
    case 'deployment.finished': {
      const d = event.deployment;
      const took = durationMs(d);
      return `${d.kind} #${d.id} ${d.status}${took === null ? '' : ` in ${formatDuration(took)}`}`;
    }
    case 'safety.assessed':
      return [
        `risk: ${event.risk}`,
        ...event.warnings.map((warning) => `warning: ${warning}`),
        ...event.overridden.map((override) => `${override.riker ? 'bypassed (Riker mode)' : 'overridden'}: ${override.rule} (${override.justification})`),
      ].join('\n');
    case 'tag.created':
      return `tagged ${event.tag}`;
    case 'tag.skipped':
      return `not tagged: ${event.reason}`;
  }
}
