import { createHash } from 'node:crypto';

/** The hash before the first event of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEventContent {
  environment: string;
  kind: string;
  deploymentId: number | null;
  actor: string;
  at: Date;
  payload: unknown;
}

export interface AuditEvent extends AuditEventContent {
  id: number;
  previousHash: string;
  hash: string;
}

/** JSON with object keys sorted, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256 over the previous row's hash and this row's content. */
export function eventHash(previousHash: string, content: AuditEventContent): string {
  const body = canonicalJson({
    environment: content.environment,
    kind: content.kind,
    deploymentId: content.deploymentId,
    actor: content.actor,
    at: content.at.toISOString(),
    payload: content.payload,
  });
  return createHash('sha256').update(previousHash).update('\n').update(body).digest('hex');
}

/** Links new events onto the chain after `previousHash`. */
export function chainEvents(previousHash: string, contents: AuditEventContent[]): Array<AuditEventContent & { previousHash: string; hash: string }> {
  let previous = previousHash;
  return contents.map((content) => {
    const hash = eventHash(previous, content);
    const linked = { ...content, previousHash: previous, hash };
    previous = hash;
    return linked;
  });
}

export type ChainVerdict =
  | { intact: true; events: number }
  | { intact: false; events: number; brokenAt: number; reason: string };

/** Walks the chain in id order and reports the first broken link. */
export function verifyChain(events: AuditEvent[]): ChainVerdict {
  let previous = GENESIS_HASH;
  for (const event of events) {
    if (event.previousHash !== previous) {
      return {
        intact: false,
        events: events.length,
        brokenAt: event.id,
        reason: `event ${event.id} points at previous hash ${event.previousHash.slice(0, 12)}, but the row before it hashes to ${previous.slice(0, 12)}: a row before it was removed or changed`,
      };
    }
    const expected = eventHash(previous, event);
    if (expected !== event.hash) {
      return {
        intact: false,
        events: events.length,
        brokenAt: event.id,
        reason: `event ${event.id} (${event.kind}) does not match its hash: its content was edited after it was written`,
      };
    }
    previous = event.hash;
  }
  return { intact: true, events: events.length };
}
