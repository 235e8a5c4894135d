import { readDeployments, readEvents } from '../adapters/postgres.js';
import { verifyChain, type ChainVerdict } from '../domain/audit-chain.js';
import type { Deployment } from '../domain/deployment.js';
import { isDataError, type DataError } from '../domain/errors.js';
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

/** An environment `data audit` could not read (an unset ${VAR}, a server that does not answer ...), and why. */
export interface SkippedEnvironment {
  environment: string;
  error: DataError;
}

export interface OverridesReport {
  /** Newest first. */
  overrides: OverrideRow[];
  /** The environments whose overrides are listed, in config order. */
  read: string[];
  /** In config order; always empty when one environment was asked for. */
  skipped: SkippedEnvironment[];
}

/**
 * `data audit [env]`: every rule set aside (by --override or Riker mode),
 * newest first, with who did it and why. With no env, like `data status`, an
 * environment that cannot be read is named in `skipped` with its error instead
 * of failing the command; with an env, its error is the command's.
 */
export async function readOverrides(context: EngineContext, environment?: string): Promise<OverridesReport> {
  const project = await loadProject(context);
  if (environment) return { overrides: await overridesOf(context, environment), read: [environment], skipped: [] };
  // One environment after the other, as before: resolving one may ask the user to set up its connection.
  const overrides: OverrideRow[] = [];
  const read: string[] = [];
  const skipped: SkippedEnvironment[] = [];
  for (const name of project.config.environmentNames) {
    try {
      overrides.push(...(await overridesOf(context, name)));
      read.push(name);
    } catch (error) {
      if (!isDataError(error)) throw error;
      skipped.push({ environment: name, error });
    }
  }
  return { overrides: overrides.sort((a, b) => b.at.localeCompare(a.at)), read, skipped };
}

async function overridesOf(context: EngineContext, name: string): Promise<OverrideRow[]> {
  const deployments = await withDatabase(context, name, (db) => readDeployments(db, name, {}));
  const rows: OverrideRow[] = [];
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
  return rows.sort((a, b) => b.at.localeCompare(a.at));
}

/** `data audit verify <env>`: walks the event hash chain of the environment's database. */
export function verifyAuditLog(context: EngineContext, environment: string): Promise<ChainVerdict> {
  return withDatabase(context, environment, async (db) => verifyChain(await readEvents(db)));
}
