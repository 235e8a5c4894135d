import { join } from 'node:path';
import { Database, quoteIdentifier } from '../adapters/postgres.js';
import { resolveEnvironment, type EnvironmentConfig } from '../domain/config.js';
import { usageError } from '../domain/errors.js';
import type { EngineContext } from './context.js';
import type { Project } from './project.js';
import { ensureStateDirIgnored } from './workspace.js';

export interface Target {
  environment: EnvironmentConfig;
  url: string;
}

export const embeddedStateDir = (project: Project) => join(project.stateDir, 'postgres');

/**
 * The connection of an environment for this run: --url / DATABASE_URL, else
 * its url, else the project's embedded server (started on demand).
 */
export async function resolveTarget(project: Project, name: string, context: EngineContext): Promise<Target> {
  const environment = resolveEnvironment(project.config, name, context.vars);
  if (context.urlOverride) return { environment, url: context.urlOverride };
  if (environment.url) return { environment, url: environment.url };
  if (environment.embedded) {
    await ensureStateDirIgnored(project, context);
    // Loaded only here: it brings execa, which costs a remote environment's start-up time.
    const { ensureEmbeddedServer, instanceUrl } = await import('../adapters/embedded-postgres.js');
    const instance = await ensureEmbeddedServer(embeddedStateDir(project), {
      onStep: (message) => context.report({ type: 'step', message }),
    });
    await ensureEmbeddedDatabase(instanceUrl(instance, 'postgres'), name, environment);
    return { environment, url: instanceUrl(instance, name) };
  }
  throw usageError(`environment ${name} has no connection`, {
    where: project.configFile,
    fix: `set environments.${name}.url (e.g. url: \${${name.toUpperCase().replace(/-/g, '_')}_DATABASE_URL}), use embedded: true, or pass --url / DATABASE_URL`,
  });
}

/** Each embedded environment gets a database of its own name on the project's server. */
async function ensureEmbeddedDatabase(adminUrl: string, database: string, environment: EnvironmentConfig): Promise<void> {
  const admin = await Database.connect({ url: adminUrl, environment: environment.name, connectTimeoutMs: environment.connectTimeoutMs });
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by another command
      });
    }
  } finally {
    await admin.close();
  }
}

export async function connect(target: Target): Promise<Database> {
  return Database.connect({ url: target.url, environment: target.environment.name, connectTimeoutMs: target.environment.connectTimeoutMs });
}
