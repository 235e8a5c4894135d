import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, parseConfig, type ProjectConfig } from '../domain/config.js';
import { usageError } from '../domain/errors.js';
import { discoverMigrations, type Migration } from '../domain/migrations.js';
import type { EngineContext } from './context.js';

export interface Project {
  /** Folder holding data.config.yaml. */
  root: string;
  configFile: string;
  config: ProjectConfig;
  migrationsDir: string;
  /** Local working state: worktrees, the embedded cluster, ... (git-ignored). */
  stateDir: string;
}

/** data.config.yaml in cwd or the nearest parent, or the --config path. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw usageError(`config file ${explicit} does not exist`, { fix: 'check the --config path' });
    return file;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_FILE_NAME);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) break;
  }
  throw usageError(`no ${CONFIG_FILE_NAME} in ${resolve(cwd)} or any folder above it`, {
    fix: 'run `data init` to create one, cd into your project, or pass --config PATH',
  });
}

export async function loadProject(context: Pick<EngineContext, 'cwd' | 'configPath'>): Promise<Project> {
  const configFile = findConfigFile(context.cwd, context.configPath);
  const root = dirname(configFile);
  const text = await readFile(configFile, 'utf8');
  const config = parseConfig(text, configFile, basename(root));
  return { root, configFile, config, migrationsDir: resolve(root, config.migrations), stateDir: join(root, '.data') };
}

export async function loadMigrations(project: Project): Promise<Migration[]> {
  let names: string[];
  try {
    names = await readdir(project.migrationsDir);
  } catch {
    throw usageError(`the migrations folder ${project.migrationsDir} does not exist`, {
      where: `${project.configFile} (migrations: ${project.config.migrations})`,
      fix: `create it (mkdir -p ${project.migrationsDir}) or fix "migrations:" in ${CONFIG_FILE_NAME}`,
    });
  }
  const files = await Promise.all(
    names.filter((name) => name.endsWith('.sql')).map(async (name) => ({ name, content: await readFile(join(project.migrationsDir, name), 'utf8') })),
  );
  return discoverMigrations(project.migrationsDir, files);
}
