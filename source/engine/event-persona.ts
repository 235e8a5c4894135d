import { durationMs } from '../domain/deployment.js';
import { formatDuration } from '../domain/duration.js';
import { personaMessage, type PersonaCatalogue } from '../domain/personas.js';
import type { EngineEvent } from './context.js';

/**
 * A persona's line for a progress event, said after its factual line
 * (describeEvent); null for events a persona has nothing to add to. The seed
 * is the event's identity, so one deployment always reads the same.
 */
export function personaLine(persona: PersonaCatalogue, event: EngineEvent): string | null {
  switch (event.type) {
    case 'deployment.started': {
      const seed = `${event.kind}#${event.id}@${event.environment}`;
      const vars = { env: event.environment, count: event.migrations.length, id: event.id };
      return personaMessage(persona, event.kind === 'rollback' ? 'rollback.start' : 'deploy.start', vars, seed);
    }
    case 'deployment.finished': {
      const d = event.deployment;
      if (d.status !== 'succeeded' && d.status !== 'failed') return null;
      const seed = `${d.kind}#${d.id}@${d.environment}`;
      const vars = { env: d.environment, count: d.migrations.length, id: d.id, duration: formatDuration(durationMs(d) ?? 0) };
      const action = d.kind === 'rollback' ? 'rollback' : 'deploy';
      if (d.status === 'succeeded') return personaMessage(persona, `${action}.success`, vars, seed);
      const failure = personaMessage(persona, `${action}.failure`, vars, seed);
      // The undo itself failed: the environment needs people now.
      return action === 'rollback' ? `${personaMessage(persona, 'red_alert', vars, seed)} ${failure}` : failure;
    }
    case 'lock.waiting':
      return personaMessage(persona, 'lock.waiting', { env: event.environment }, event.holder);
    default:
      return null;
  }
}

/** `Kirk: Warp speed!`: who speaks, then the line. */
export const spoken = (persona: PersonaCatalogue, line: string): string => `${persona.speaker}: ${line}`;
