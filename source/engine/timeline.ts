import { readDeployments } from '../adapters/postgres.js';
import { loadSqlParser } from '../adapters/sql-parser.js';
import type { Deployment } from '../domain/deployment.js';
import type { Migration, MigrationScript } from '../domain/migrations.js';
import { schemaChanges, type SchemaChange } from '../domain/schema-changes.js';
import { splitStatements } from '../domain/statements.js';
import type { EngineContext } from './context.js';
import { loadMigrations, loadProject } from './project.js';
import { connect, resolveTarget } from './target.js';

export interface TimelineEntry {
  deployment: Deployment;
  /** What its migrations changed in the schema, in the order they ran. */
  changes: SchemaChange[];
  /** Migrations whose file is not in this checkout, or does not parse: their changes are unknown. */
  unknown: string[];
}

function changesOf(script: MigrationScript | undefined): SchemaChange[] | null {
  if (!script) return null;
  try {
    return schemaChanges(splitStatements(script.sql));
  } catch {
    return null;
  }
}

/**
 * The schema changes of one deployment, read with the PostgreSQL parser
 * from the files in this checkout: up files for a deploy, down files, newest
 * first, for a rollback. A failed deployment changed only what it committed
 * before the failure (no-transaction files commit on their own).
 */
export function timelineEntry(deployment: Deployment, migrations: Map<string, Migration>, cache = new Map<string, SchemaChange[] | null>()): TimelineEntry {
  const entry: TimelineEntry = { deployment, changes: [], unknown: [] };
  if (deployment.status === 'running') return entry;
  for (const version of deployment.status === 'failed' ? deployment.error?.committed ?? [] : deployment.migrations) {
    const migration = migrations.get(version);
    const script = deployment.kind === 'rollback' ? migration?.down : migration?.up;
    const key = `${deployment.kind}:${version}`;
    if (!cache.has(key)) cache.set(key, changesOf(script));
    const changes = cache.get(key);
    if (changes) entry.changes.push(...changes);
    else entry.unknown.push(migration ? `${version}_${migration.name}` : version);
  }
  return entry;
}

/** The environment's deployments, oldest first, each with the schema changes it made. */
export async function readTimeline(context: EngineContext, environment: string): Promise<TimelineEntry[]> {
  await loadSqlParser();
  const project = await loadProject(context);
  const migrations = new Map((await loadMigrations(project)).map((migration) => [migration.version, migration]));
  const db = await connect(await resolveTarget(project, environment, context));
  let deployments: Deployment[];
  try {
    deployments = await readDeployments(db, environment, {});
  } finally {
    await db.close();
  }
  const cache = new Map<string, SchemaChange[] | null>();
  return deployments.reverse().map((deployment) => timelineEntry(deployment, migrations, cache));
}
