import { findKeyring, type KeyringStatus } from '../adapters/keyring.js';
import { hasPgpassLine, pgpassPath, removePgpassPassword, savePgpassPassword, type PgpassEntry } from '../adapters/pgpass.js';
import { ConnectionError, Database, type ConnectionProblem, type SslMode } from '../adapters/postgres.js';
import type { ConnectionProfile, UserSettings } from '../adapters/user-settings.js';
import { ENVIRONMENT_DEFAULTS, resolveEnvironment } from '../domain/config.js';
import { usageError } from '../domain/errors.js';
import type { Project } from './project.js';
import { profileUrl } from './target.js';

/** What `data setup` asks for, besides the password. */
export interface ProfileFields {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
}

export type SetupField = keyof ProfileFields | 'password';

/** Where the user's settings and secrets live: the settings file, the environment (PGPASSFILE, HOME, PATH) and the keyring finder. */
export interface SetupDependencies {
  settings: UserSettings;
  env: Record<string, string | undefined>;
  findKeyring?: (env: Record<string, string | undefined>) => Promise<KeyringStatus>;
}

export interface SetupChoice {
  name: string;
  /** How the environment connects today, for the picker. */
  connection: 'profile' | 'url' | 'embedded' | 'none';
  description: string;
}

/** Where it connects, never with a password: user@host:port/database. */
export const describeProfile = (fields: Pick<ProfileFields, 'host' | 'port' | 'database' | 'user'>) =>
  `${fields.user}@${fields.host}:${fields.port}/${fields.database}`;

const entryOf = (fields: ProfileFields): PgpassEntry => ({ host: fields.host, port: fields.port, database: fields.database, user: fields.user });

/** The environment's keys before variables are expanded: setup must work while ${VAR}s are unset. */
function declared(project: Project, name: string): { url: boolean; embedded: boolean } {
  const chain: Array<{ url: boolean; embedded: boolean }> = [];
  const seen = new Set<string>();
  for (let current = project.config.environments.get(name); current && !seen.has(current.name); ) {
    seen.add(current.name);
    chain.push({ url: current.keys.url !== undefined, embedded: current.keys.embedded?.value === true });
    const parent = current.keys['+extend']?.value;
    current = parent === undefined ? undefined : project.config.environments.get(String(parent));
  }
  return { url: chain.some((env) => env.url), embedded: chain.some((env) => env.embedded) };
}

/** Every environment of the project with how it connects now; the picker of `data setup`. */
export function setupChoices(project: Project, settings: UserSettings): SetupChoice[] {
  return project.config.environmentNames.map((name) => {
    const profile = settings.profile(project.config.project, name);
    const { url, embedded } = declared(project, name);
    if (url) return { name, connection: 'url', description: 'url in data.config.yaml (comes before a profile)' };
    if (profile) return { name, connection: 'profile', description: `profile: ${describeProfile(profile)}` };
    if (embedded) return { name, connection: 'embedded', description: 'embedded server (a profile would replace it)' };
    return { name, connection: 'none', description: 'no connection yet' };
  });
}

/** The answers offered first: the saved profile, else PG* variables and libpq's defaults. */
export function setupDefaults(project: Project, environment: string, deps: Pick<SetupDependencies, 'settings' | 'env'>): ProfileFields {
  const profile = deps.settings.profile(project.config.project, environment);
  if (profile) return { host: profile.host, port: profile.port, database: profile.database, user: profile.user, sslmode: profile.sslmode };
  const port = Number(deps.env.PGPORT);
  return {
    host: deps.env.PGHOST || 'localhost',
    port: Number.isInteger(port) && port > 0 && port < 65536 ? port : 5432,
    database: deps.env.PGDATABASE || project.config.project,
    user: deps.env.PGUSER || deps.env.USER || deps.env.USERNAME || 'postgres',
    sslmode: 'prefer',
  };
}

/** A field's answer checked before the connection is tried; the message when it is not usable. */
export function validateField(field: SetupField, value: string): string | undefined {
  switch (field) {
    case 'host':
      return value.trim() === '' ? 'the host cannot be empty' : /\s/.test(value.trim()) ? 'a host name has no spaces' : undefined;
    case 'port': {
      const port = Number(value);
      return /^\d+$/.test(value.trim()) && port >= 1 && port <= 65535 ? undefined : 'the port is a whole number from 1 to 65535';
    }
    case 'database':
      return value.trim() === '' ? 'the database cannot be empty' : undefined;
    case 'user':
      return value.trim() === '' ? 'the user cannot be empty' : undefined;
    case 'password':
      return /[\r\n]/.test(value) ? 'a password cannot hold a line break' : undefined;
    case 'sslmode':
      return undefined;
  }
}

export type ConnectionCheck =
  | { ok: true; serverVersion: string }
  | { ok: false; problem: ConnectionProblem; message: string; fix: string; field: SetupField };

/** Which answer to edit first for each kind of failure. */
const FIELD_TO_EDIT: Record<ConnectionProblem, SetupField> = {
  host: 'host',
  refused: 'port',
  timeout: 'host',
  password: 'password',
  rejected: 'user',
  database: 'database',
  ssl: 'sslmode',
  other: 'host',
};

function setupFix(problem: ConnectionProblem, fields: ProfileFields, sslmode: SslMode): string {
  const where = `${fields.host}:${fields.port}`;
  switch (problem) {
    case 'host':
      return `no host "${fields.host}" is known here: edit the host`;
    case 'refused':
      return `nothing answers on ${where}: edit the port (or the host), or start the server`;
    case 'timeout':
      return `${where} did not answer: edit the host or port, or check the firewall or VPN`;
    case 'password':
      return `the server refused the password of "${fields.user}": edit the password (or the user)`;
    case 'rejected':
      return `the server's pg_hba.conf has no entry for "${fields.user}" on "${fields.database}" from here: edit the user or database, or ask its administrator`;
    case 'database':
      return `there is no database "${fields.database}" on ${where}: edit the database, or create it (createdb -h ${fields.host} -p ${fields.port} -U ${fields.user} ${fields.database})`;
    case 'ssl':
      return sslmode === 'disable' || sslmode === 'allow'
        ? 'the server wants SSL: edit sslmode (require, or verify-full)'
        : `SSL did not work with sslmode ${sslmode}: edit sslmode (disable or prefer for a server without SSL, require to skip the certificate check)`;
    case 'other':
      return 'edit the host, port or sslmode, and try again';
  }
}

/**
 * Tries the connection with these answers and this password (empty: the
 * password PGPASSWORD or the password file would give). A failure says
 * which answer to edit, and never holds the password.
 */
export async function checkConnection(environment: string, fields: ProfileFields, password: string, connectTimeoutMs = ENVIRONMENT_DEFAULTS.connectTimeoutMs): Promise<ConnectionCheck> {
  let db: Database;
  try {
    db = await Database.connect({
      url: profileUrl(fields),
      environment,
      connectTimeoutMs,
      sslmode: fields.sslmode,
      ...(password === '' ? {} : { password: () => password }),
      settingsHint: 'edit the answers and try again',
    });
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    return { ok: false, problem: error.problem, message: error.message, fix: setupFix(error.problem, fields, fields.sslmode), field: FIELD_TO_EDIT[error.problem] };
  }
  try {
    const result = await db.query<{ version: string }>(`SELECT current_setting('server_version') AS version`);
    return { ok: true, serverVersion: result.rows[0]?.version ?? '?' };
  } finally {
    await db.close();
  }
}

export interface SavedProfile {
  profile: ConnectionProfile;
  settingsFile: string;
  /** Where the password went, for the summary: a path or the keyring; null when there is none. */
  passwordLocation: string | null;
  /** Anything the user should know: no keyring here, a url that comes first. */
  notes: string[];
}

/**
 * Saves a tested profile: the password first (the OS keyring when one
 * works here, else the password file, mode 0600), then the non-secret
 * settings in the user's settings file. An empty password stores nothing.
 */
export async function saveProfile(project: Project, environment: string, fields: ProfileFields, password: string, deps: SetupDependencies): Promise<SavedProfile> {
  const entry = entryOf(fields);
  const notes: string[] = [];
  let passwordStore: ConnectionProfile['passwordStore'] = 'none';
  let passwordLocation: string | null = null;
  if (password !== '') {
    const keyring = await (deps.findKeyring ?? findKeyring)(deps.env);
    if (keyring.available) {
      try {
        await keyring.keyring.store(entry, password);
        passwordStore = 'keyring';
        passwordLocation = keyring.keyring.name;
      } catch (error) {
        notes.push(`${(error as Error).message}; the password went to the password file instead`);
      }
    } else {
      notes.push(`${keyring.reason}, so the password went to the password file (mode 0600)`);
    }
    if (passwordStore === 'none') {
      passwordLocation = await savePgpassPassword(entry, password, deps.env);
      passwordStore = 'pgpass';
    }
  } else if (await hasPgpassLine(entry, deps.env)) {
    passwordStore = 'pgpass';
    passwordLocation = pgpassPath(deps.env);
  }
  const profile: ConnectionProfile = { ...fields, passwordStore };
  deps.settings.setProfile(project.config.project, environment, profile);
  if (declared(project, environment).url) {
    notes.push(`environments.${environment}.url in ${project.configFile} comes before this profile: remove it there for the profile to be used`);
  }
  return { profile, settingsFile: deps.settings.path, passwordLocation, notes };
}

export interface ProfileListing extends ConnectionProfile {
  environment: string;
  /** user@host:port/database */
  connection: string;
  /** Where the password is, in words; never the password. */
  passwordLocation: string;
  /** True when the environment's url in data.config.yaml comes first. */
  shadowed: boolean;
}

/** The profiles of this project (`data setup --list`). */
export async function listProfiles(project: Project, deps: Pick<SetupDependencies, 'settings' | 'env'>): Promise<ProfileListing[]> {
  const profiles = deps.settings.profiles().filter((item) => item.project === project.config.project);
  return Promise.all(
    profiles.map(async ({ environment, profile }) => {
      const entry = entryOf(profile);
      let passwordLocation: string;
      if (profile.passwordStore === 'keyring') passwordLocation = 'OS keyring';
      else if (profile.passwordStore === 'pgpass') passwordLocation = (await hasPgpassLine(entry, deps.env)) ? pgpassPath(deps.env) : `missing from ${pgpassPath(deps.env)}`;
      else passwordLocation = 'none stored';
      return {
        environment,
        ...profile,
        connection: describeProfile(profile),
        passwordLocation,
        shadowed: project.config.environments.has(environment) && declared(project, environment).url,
      };
    }),
  );
}

export interface RemovedProfile {
  environment: string;
  connection: string;
  /** What happened to the password: removed from where, or kept and why. */
  password: string;
}

/** `data setup --remove <env>`: the profile, and its password unless another profile uses the same login. */
export async function removeProfile(project: Project, environment: string, deps: SetupDependencies): Promise<RemovedProfile> {
  const profile = deps.settings.profile(project.config.project, environment);
  if (!profile) {
    throw usageError(`no profile for environment ${environment} of project ${project.config.project}`, { fix: 'see `data setup --list` for the profiles there are' });
  }
  const entry = entryOf(profile);
  const sharedWith = deps.settings
    .profiles()
    .filter((item) => !(item.project === project.config.project && item.environment === environment))
    .find((item) => item.profile.passwordStore === profile.passwordStore && describeProfile(item.profile) === describeProfile(profile));
  let password = 'none was stored';
  if (sharedWith) {
    password = `kept: profile ${sharedWith.project}/${sharedWith.environment} uses the same login`;
  } else if (profile.passwordStore === 'pgpass') {
    password = (await removePgpassPassword(entry, deps.env)) ? `removed from ${pgpassPath(deps.env)}` : `no line for it in ${pgpassPath(deps.env)}`;
  } else if (profile.passwordStore === 'keyring') {
    const keyring = await (deps.findKeyring ?? findKeyring)(deps.env);
    password = keyring.available
      ? (await keyring.keyring.remove(entry)) ? `removed from ${keyring.keyring.name}` : `not found in ${keyring.keyring.name}`
      : `left in the OS keyring (${keyring.reason})`;
  }
  deps.settings.removeProfile(project.config.project, environment);
  return { environment, connection: describeProfile(profile), password };
}

/** The environment's own connect_timeout, when its variables allow reading it; else the default. */
export function connectTimeoutOf(project: Project, environment: string, vars: Record<string, string | undefined>): number {
  try {
    return resolveEnvironment(project.config, environment, vars).connectTimeoutMs;
  } catch {
    return ENVIRONMENT_DEFAULTS.connectTimeoutMs;
  }
}
