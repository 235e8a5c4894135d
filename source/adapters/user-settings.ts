import { chmodSync, existsSync } from 'node:fs';
import Conf from 'conf';
import { usageError } from '../domain/errors.js';

/** Bumped when the shape changes; migrations then run in `open`. */
export const SETTINGS_VERSION = 1;

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
  private constructor(private readonly conf: Conf<SettingsShape>) {}

  static open(env: Record<string, string | undefined> = process.env): UserSettings {
    // The caller's variables first (an engine context's), then this process's.
    const dir = env.DATA_SETTINGS_DIR ?? process.env.DATA_SETTINGS_DIR;
    let conf: Conf<SettingsShape>;
    try {
      conf = new Conf<SettingsShape>({
        projectName: 'data',
        projectSuffix: '',
        ...(dir ? { cwd: dir } : {}),
        configName: 'settings',
        configFileMode: 0o600,
        schema: SCHEMA as never,
        defaults: { version: SETTINGS_VERSION, profiles: {}, achievements: { unlocked: {}, announced: [] } },
      });
    } catch (error) {
      throw usageError(`the settings file is not valid: ${(error as Error).message}`, {
        fix: 'fix or delete it; `data setup` writes a new one',
      });
    }
    // conf keeps the mode of a file it did not create: tighten it.
    if (existsSync(conf.path)) chmodSync(conf.path, 0o600);
    if ((conf.get('version') ?? 0) > SETTINGS_VERSION) {
      throw usageError(`the settings file ${conf.path} is version ${conf.get('version')}, newer than this data understands (${SETTINGS_VERSION})`, { fix: 'upgrade data' });
    }
    return new UserSettings(conf);
  }

  get path(): string {
    return this.conf.path;
  }

  get personality(): string | undefined {
    return this.conf.get('personality');
  }

  setPersonality(name: string): void {
    this.conf.set('personality', name);
  }

  profile(project: string, environment: string): ConnectionProfile | undefined {
    return this.conf.get('profiles')[profileKey(project, environment)];
  }

  profiles(): Array<{ project: string; environment: string; profile: ConnectionProfile }> {
    return Object.entries(this.conf.get('profiles')).map(([key, profile]) => {
      const [project, environment] = splitKey(key);
      return { project, environment, profile };
    });
  }

  setProfile(project: string, environment: string, profile: ConnectionProfile): void {
    this.conf.set('profiles', { ...this.conf.get('profiles'), [profileKey(project, environment)]: profile });
  }

  /** True when there was one to remove. */
  removeProfile(project: string, environment: string): boolean {
    const profiles = { ...this.conf.get('profiles') };
    const key = profileKey(project, environment);
    if (!(key in profiles)) return false;
    delete profiles[key];
    this.conf.set('profiles', profiles);
    return true;
  }

  achievements(): AchievementState {
    return this.conf.get('achievements');
  }

  setAchievements(state: AchievementState): void {
    this.conf.set('achievements', state);
  }
}

const profileKey = (project: string, environment: string) => `${project}/${environment}`;

function splitKey(key: string): [string, string] {
  const slash = key.lastIndexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
