import { readDeployments, readEvents } from '../adapters/postgres.js';
import { verifyChain, type ChainVerdict } from '../domain/audit-chain.js';
import type { Deployment } from '../domain/deployment.js';
import type { EngineContext } from './context.js';
import { loadProject } from './project.js';
import { connect, resolveTarget } from './target.js';

async function withDatabase<T>(context: EngineContext, environment: string, fn: (db: Awaited<ReturnType<typeof connect>>) => Promise<T>): Promise<T> {
  const project = await loadProject(context);
  const db = await connect(await resolveTarget(project, environment, context));
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** `data history <env>`: deployments, newest first. */
export function readHistory(context: EngineContext, environment: string, limit?: number): Promise<Deployment[]> {
  return withDatabase(context, environment, (db) => readDeployments(db, environment, { limit }));
}

export interface OverrideRow {
  environment: string;
  deploymentId: number;
  kind: Deployment['kind'];
  status: Deployment['status'];
  at: string;
  operator: string;
  rule: string;
  justification: string;
  riker: boolean;
}

/** `data audit [env]`: every rule set aside (by --override or Riker mode), newest first, with who did it and why. */
export async function readOverrides(context: EngineContext, environment?: string): Promise<OverrideRow[]> {
  const project = await loadProject(context);
  const names = environment ? [environment] : project.config.environmentNames;
  const rows: OverrideRow[] = [];
  for (const name of names) {
    const deployments = await withDatabase(context, name, (db) => readDeployments(db, name, {}));
    for (const deployment of deployments) {
      for (const override of deployment.overrides ?? []) {
        rows.push({
          environment: name,
          deploymentId: deployment.id,
          kind: deployment.kind,
          status: deployment.status,
          at: deployment.startedAt.toISOString(),
          operator: deployment.operator,
          rule: override.rule,
          justification: override.justification,
          riker: Boolean(override.riker),
        });
      }
    }
  }
  return rows.sort((a, b) => b.at.localeCompare(a.at));
}

/** `data audit verify <env>`: walks the event hash chain of the environment's database. */
export function verifyAuditLog(context: EngineContext, environment: string): Promise<ChainVerdict> {
  return withDatabase(context, environment, async (db) => verifyChain(await readEvents(db)));
}
