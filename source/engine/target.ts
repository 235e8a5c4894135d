import { join } from 'node:path';
import { Database, quoteIdentifier, type ConnectionTarget, type SslMode } from '../adapters/postgres.js';
import type { ConnectionProfile } from '../adapters/user-settings.js';
import { CONNECTION_URL_FIX, connectionUrlProblem, resolveEnvironment, type EnvironmentConfig } from '../domain/config.js';
import { usageError } from '../domain/errors.js';
import type { EngineContext } from './context.js';
import type { Project } from './project.js';
import { ensureStateDirIgnored } from './workspace.js';

export interface Target {
  environment: EnvironmentConfig;
  url: string;
  /** Which rung of the resolution order gave the connection. */
  source: 'override' | 'config' | 'profile' | 'embedded';
  /** A profile's sslmode, applied with libpq's meaning. */
  sslmode?: SslMode;
  /** A profile whose password is in the OS keyring. */
  storedPassword?: () => Promise<string | undefined>;
  /** What to change when the connection fails. */
  settingsHint?: string;
}

export const embeddedStateDir = (project: Project) => join(project.stateDir, 'postgres');

/** A profile's connection as a URL: never with a password (that comes from PGPASSWORD, the keyring or the password file). */
export function profileUrl(profile: Pick<ConnectionProfile, 'host' | 'port' | 'database' | 'user' | 'sslmode'>): string {
  const host = profile.host.startsWith('/') ? encodeURIComponent(profile.host) : profile.host.includes(':') ? `[${profile.host}]` : profile.host;
  return `postgres://${encodeURIComponent(profile.user)}@${host}:${profile.port}/${encodeURIComponent(profile.database)}?sslmode=${profile.sslmode}`;
}

async function profileTarget(project: Project, environment: EnvironmentConfig): Promise<Target | undefined> {
  // Loaded only here: conf and its validator cost start-up time for environments with a url.
  const { UserSettings } = await import('../adapters/user-settings.js');
  const profile = UserSettings.open().profile(project.config.project, environment.name);
  if (!profile) return undefined;
  const target: Target = {
    environment,
    url: profileUrl(profile),
    source: 'profile',
    sslmode: profile.sslmode,
    settingsHint: `run \`data setup ${environment.name}\` to change your profile of it`,
  };
  if (profile.passwordStore === 'keyring') {
    const entry = { host: profile.host, port: profile.port, database: profile.database, user: profile.user };
    target.storedPassword = async () => {
      const { findKeyring } = await import('../adapters/keyring.js');
      const status = await findKeyring();
      return status.available ? status.keyring.lookup(entry) : undefined;
    };
  }
  return target;
}

/**
 * The connection of an environment for this run, first that applies:
 * --url, DATABASE_URL, the environment's url, the user's profile from
 * `data setup` (password from PGPASSWORD, the OS keyring or the password
 * file), the project's embedded server (started on demand). With none, a
 * terminal runs `data setup` for it; anywhere else it is a usage error.
 */
export async function resolveTarget(project: Project, name: string, context: EngineContext): Promise<Target> {
  const environment = resolveEnvironment(project.config, name, context.vars);
  if (context.urlOverride) {
    const problem = connectionUrlProblem(context.urlOverride);
    if (problem) throw usageError(`the connection URL given with --url or DATABASE_URL ${problem}`, { fix: CONNECTION_URL_FIX });
    return { environment, url: context.urlOverride, source: 'override' };
  }
  if (environment.url) return { environment, url: environment.url, source: 'config' };
  const profile = await profileTarget(project, environment);
  if (profile) return profile;
  if (environment.embedded) {
    await ensureStateDirIgnored(project, context);
    // Loaded only here: an environment with a URL or a profile never needs it.
    const { ensureEmbeddedServer, instanceUrl } = await import('../adapters/embedded-postgres.js');
    const instance = await ensureEmbeddedServer(embeddedStateDir(project), {
      onStep: (message) => context.report({ type: 'step', message }),
    });
    await ensureEmbeddedDatabase(instanceUrl(instance, 'postgres'), name, environment);
    return { environment, url: instanceUrl(instance, name), source: 'embedded' };
  }
  if (context.interaction.interactive && context.interaction.setUpConnection) {
    if (await context.interaction.setUpConnection(project, name)) {
      const saved = await profileTarget(project, environment);
      if (saved) return saved;
    }
    throw usageError(`environment ${name} has no connection: setup was cancelled, nothing was saved`, {
      where: project.configFile,
      fix: `run \`data setup ${name}\` when you have its host, database, user and password`,
    });
  }
  throw usageError(`environment ${name} has no connection (\`data setup ${name}\` gives it one)`, {
    where: project.configFile,
    fix: `run \`data setup ${name}\` in a terminal (your own connection profile), or set environments.${name}.url (e.g. url: \${${name.toUpperCase().replace(/-/g, '_')}_DATABASE_URL}), use embedded: true, or pass --url / DATABASE_URL`,
  });
}

/** Each embedded environment gets a database of its own name on the project's server. */
async function ensureEmbeddedDatabase(adminUrl: string, database: string, environment: EnvironmentConfig): Promise<void> {
  const admin = await Database.connect({ url: adminUrl, environment: environment.name, connectTimeoutMs: environment.connectTimeoutMs });
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`).catch((error: { code?: string }) => {
        // Created meanwhile by another command: 42P04 once it committed, 23505 while both were creating it.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await admin.close();
  }
}

/** What the postgres adapter needs to open a connection to a target. */
export function connectionOf(target: Target): ConnectionTarget {
  return {
    url: target.url,
    environment: target.environment.name,
    connectTimeoutMs: target.environment.connectTimeoutMs,
    sslmode: target.sslmode,
    storedPassword: target.storedPassword,
    settingsHint: target.settingsHint,
  };
}

export async function connect(target: Target): Promise<Database> {
  return Database.connect(connectionOf(target));
}
