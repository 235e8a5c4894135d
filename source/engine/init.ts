import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CONFIG_FILE_NAME, initialConfig } from '../domain/config.js';
import { usageError } from '../domain/errors.js';
import { addIgnoreLine, DATA_DIR_IGNORE_LINE } from './workspace.js';

export interface InitResult {
  root: string;
  created: string[];
}

/** `data init`: data.config.yaml, migrations/, and the .gitignore line for .data/. Never overwrites. */
export async function initProject(dir: string): Promise<InitResult> {
  const root = resolve(dir);
  const configFile = join(root, CONFIG_FILE_NAME);
  if (existsSync(configFile)) {
    throw usageError(`${CONFIG_FILE_NAME} already exists in ${root}; data init never overwrites it`, {
      fix: 'edit it, or remove it first to start over',
    });
  }
  const project = basename(root).replace(/[^A-Za-z0-9_-]/g, '_') || 'project';
  const created: string[] = [];
  await writeFile(configFile, initialConfig(project), { flag: 'wx' });
  created.push(CONFIG_FILE_NAME);
  const migrations = join(root, 'migrations');
  if (!existsSync(migrations)) {
    await mkdir(migrations, { recursive: true });
    await writeFile(join(migrations, '.gitkeep'), '');
    created.push('migrations/');
  }
  await addIgnoreLine(root, DATA_DIR_IGNORE_LINE);
  created.push(`.gitignore (${DATA_DIR_IGNORE_LINE})`);
  return { root, created };
}
