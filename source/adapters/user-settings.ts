import { chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import envPaths from 'env-paths';
import { usageError } from '../domain/errors.js';

/** Bumped when the shape changes; migrations then run in `open`. */
export const SETTINGS_VERSION = 1;

/** The file is `<folder>/settings.json`. */
const CONFIG_NAME = 'settings';

/** Non-secret connection settings of one environment, saved by `data setup`. The password never comes here. */
export interface ConnectionProfile {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';
  /** Where the password lives: ~/.pgpass, the OS keyring, or nowhere (trust, peer, certificates). */
  passwordStore: 'pgpass' | 'keyring' | 'none';
}

export interface AchievementState {
  /** Achievement id -> when it was unlocked (ISO). */
  unlocked: Record<string, string>;
  /** Ids already announced, so each is announced once. */
  announced: string[];
}

export interface SettingsShape {
  version: number;
  /** `data config --personality <name>`. */
  personality?: string;
  /** `<project>/<environment>` -> its profile. */
  profiles: Record<string, ConnectionProfile>;
  achievements: AchievementState;
}

const SCHEMA = {
  version: { type: 'integer', minimum: 1 },
  personality: { type: 'string' },
  profiles: {
    type: 'object',
    additionalProperties: {
      type: 'object',
      required: ['host', 'port', 'database', 'user', 'sslmode', 'passwordStore'],
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        database: { type: 'string', minLength: 1 },
        user: { type: 'string', minLength: 1 },
        sslmode: { enum: ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] },
        passwordStore: { enum: ['pgpass', 'keyring', 'none'] },
      },
    },
  },
  achievements: {
    type: 'object',
    required: ['unlocked', 'announced'],
    properties: {
      unlocked: { type: 'object', additionalProperties: { type: 'string' } },
      announced: { type: 'array', items: { type: 'string' } },
    },
  },
} as const;

/**
 * The user's settings file (conf: JSON in the user's config folder, mode
 * 0600, validated with a schema, with its own version). DATA_SETTINGS_DIR
 * moves it (tests, shared machines). Nothing secret is ever written here.
 */
export class UserSettings {
  /**
   * One instance per settings folder and process: conf compiles its schema
   * (ajv, ~35 ms) per instance, and the dashboard resolves each environment's
   * connection on every refresh. conf reads and validates the file on every
   * get, so a shared instance still sees what other processes wrote.
   */
  private static readonly opened = new Map<string, UserSettings>();

  private constructor(private readonly conf: Conf<SettingsShape>) {}

  static open(env: Record<string, string | undefined> = process.env): UserSettings {
    // The caller's variables first (an engine context's), then this process's.
    const dir = env.DATA_SETTINGS_DIR ?? process.env.DATA_SETTINGS_DIR;
    // conf's own default folder (env-paths), made explicit so that an error can name the file.
    const folder = dir ?? envPaths('data', { suffix: '' }).config;
    const opened = UserSettings.opened.get(folder);
    if (opened) return opened;
    const path = join(folder, `${CONFIG_NAME}.json`);
    let conf: Conf<SettingsShape>;
    try {
      conf = new Conf<SettingsShape>({
        projectName: 'data',
        cwd: folder,
        configName: CONFIG_NAME,
        configFileMode: 0o600,
        schema: SCHEMA as never,
        defaults: { version: SETTINGS_VERSION, profiles: {}, achievements: { unlocked: {}, announced: [] } },
      });
    } catch (error) {
      throw invalidFile(error, path);
    }
    // conf keeps the mode of a file it did not create: tighten it.
    if (existsSync(conf.path)) chmodSync(conf.path, 0o600);
    if ((conf.get('version') ?? 0) > SETTINGS_VERSION) {
      throw usageError(`the settings file ${conf.path} is version ${conf.get('version')}, newer than this data understands (${SETTINGS_VERSION})`, { fix: 'upgrade data' });
    }
    const settings = new UserSettings(conf);
    UserSettings.opened.set(folder, settings);
    return settings;
  }

  /** conf validates the file on every read: one that went bad since `open` gets the same message. */
  private get<K extends keyof SettingsShape>(key: K): SettingsShape[K] {
    try {
      return this.conf.get(key);
    } catch (error) {
      throw invalidFile(error, this.conf.path);
    }
  }

  get path(): string {
    return this.conf.path;
  }

  get personality(): string | undefined {
    return this.get('personality');
  }

  setPersonality(name: string): void {
    this.conf.set('personality', name);
  }

  profile(project: string, environment: string): ConnectionProfile | undefined {
    return this.get('profiles')[profileKey(project, environment)];
  }

  profiles(): Array<{ project: string; environment: string; profile: ConnectionProfile }> {
    return Object.entries(this.get('profiles')).map(([key, profile]) => {
      const [project, environment] = splitKey(key);
      return { project, environment, profile };
    });
  }

  setProfile(project: string, environment: string, profile: ConnectionProfile): void {
    this.conf.set('profiles', { ...this.get('profiles'), [profileKey(project, environment)]: profile });
  }

  /** True when there was one to remove. */
  removeProfile(project: string, environment: string): boolean {
    const profiles = { ...this.get('profiles') };
    const key = profileKey(project, environment);
    if (!(key in profiles)) return false;
    delete profiles[key];
    this.conf.set('profiles', profiles);
    return true;
  }

  achievements(): AchievementState {
    return this.get('achievements');
  }

  setAchievements(state: AchievementState): void {
    this.conf.set('achievements', state);
  }
}

const invalidFile = (error: unknown, path: string) =>
  usageError(`the settings file is not valid: ${(error as Error).message}`, { where: path, fix: 'fix or delete it; `data setup` writes a new one' });

const profileKey = (project: string, environment: string) => `${project}/${environment}`;

function splitKey(key: string): [string, string] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
