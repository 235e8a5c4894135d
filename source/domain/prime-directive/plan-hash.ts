import { createHash } from 'node:crypto';
import { canonicalJson } from '../audit-chain.js';

export interface PlanHashInput {
  environment: string;
  /** The pending migrations the deploy would apply. */
  migrations: Array<{ version: string; checksum: string }>;
  /** What the target has applied (data_meta.migrations). */
  applied: Array<{ version: string; checksum: string }>;
}

const byVersion = (a: { version: string; checksum: string }, b: { version: string; checksum: string }) =>
  a.version < b.version ? -1 : a.version > b.version ? 1 : a.checksum < b.checksum ? -1 : a.checksum > b.checksum ? 1 : 0;

/**
 * Identifies a plan for approvals: sha256 (hex) over canonical JSON of the
 * environment, the pending migrations and the target's applied state, each
 * sorted by version, so any change to either voids earlier approvals.
 */
export function planHash(input: PlanHashInput): string {
  const entries = (list: PlanHashInput['migrations']) => [...list].sort(byVersion).map(({ version, checksum }) => ({ version, checksum }));
  const canonical = canonicalJson({ environment: input.environment, pending: entries(input.migrations), applied: entries(input.applied) });
  return createHash('sha256').update(canonical).digest('hex');
}
