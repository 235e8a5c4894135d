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

/** `data audit verify <env>`: walks the event hash chain of the environment's database. */
export function verifyAuditLog(context: EngineContext, environment: string): Promise<ChainVerdict> {
  return withDatabase(context, environment, async (db) => verifyChain(await readEvents(db)));
}
