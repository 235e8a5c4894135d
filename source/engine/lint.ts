import { existsSync } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { loadSqlParser } from '../adapters/sql-parser.js';
import { CONFIG_FILE_NAME } from '../domain/config.js';
import { usageError } from '../domain/errors.js';
import { lintFile, type LintFinding } from '../domain/lint/lint.js';
import type { LintRuleSettings } from '../domain/lint/rule-ids.js';
import type { Migration, MigrationScript } from '../domain/migrations.js';
import type { EngineContext } from './context.js';
import { loadMigrations, loadProject, type Project } from './project.js';

export interface LintReport {
  /** Every finding, file by file in the order linted, each file's by line. */
  findings: LintFinding[];
  /** How many files were linted. */
  files: number;
}

export const hasLintErrors = (findings: LintFinding[]) => findings.some((finding) => finding.severity === 'error');

/**
 * Lints migrations of a project with its `lint:` settings: their up files,
 * and their down files too with `scripts: 'up-and-down'`. Files are named
 * relative to `cwd` (default: the project's folder). For plan and deploy:
 * `lintMigrations(project, pending, { cwd: context.cwd })`.
 */
export async function lintMigrations(
  project: Project,
  migrations: Migration[],
  options: { cwd?: string; scripts?: 'up' | 'up-and-down' } = {},
): Promise<LintFinding[]> {
  await loadSqlParser();
  const cwd = options.cwd ?? project.root;
  const scripts = migrations.flatMap((migration): MigrationScript[] =>
    options.scripts === 'up-and-down' && migration.down ? [migration.up, migration.down] : [migration.up],
  );
  return scripts.flatMap((script) =>
    lintFile(relative(cwd, join(project.migrationsDir, script.file)), script.sql, {
      noTransaction: script.noTransaction,
      settings: project.config.lint.rules,
    }),
  );
}

/** `data lint`: every migration of the project, up and down files. */
export async function lintProject(context: EngineContext): Promise<LintReport> {
  const project = await loadProject(context);
  const migrations = await loadMigrations(project);
  const findings = await lintMigrations(project, migrations, { cwd: context.cwd, scripts: 'up-and-down' });
  const files = migrations.reduce((count, migration) => count + (migration.down ? 2 : 1), 0);
  return { findings, files };
}

/**
 * `data lint <paths...>`: the given .sql files, and the .sql files under
 * the given folders, named as given. They need not belong to a project:
 * outside one, every rule keeps its own severity.
 */
export async function lintPaths(context: EngineContext, paths: string[]): Promise<LintReport> {
  const files = (await Promise.all(paths.map((path) => sqlFilesAt(context.cwd, path)))).flat();
  const settings = await projectLintSettings(context);
  await loadSqlParser();
  const texts = await Promise.all(files.map((file) => readFile(resolve(context.cwd, file), 'utf8')));
  const findings = files.flatMap((file, i) => lintFile(file, texts[i]!, { settings }));
  return { findings, files: files.length };
}

/** A file as given, or the .sql files under a folder (sorted, sub-folders included). */
async function sqlFilesAt(cwd: string, path: string): Promise<string[]> {
  const absolute = resolve(cwd, path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw usageError(`${path} does not exist`, { fix: 'give the path of a .sql file or of a folder holding them' });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.sql'))
    .map((entry) => join(path, relative(absolute, join(entry.parentPath, entry.name))))
    .sort();
}

/** The `lint:` settings of the project around cwd (or --config); none outside a project. */
async function projectLintSettings(context: EngineContext): Promise<LintRuleSettings> {
  if (!context.configPath && !hasConfigAbove(context.cwd)) return {};
  return (await loadProject(context)).config.lint.rules;
}

function hasConfigAbove(cwd: string): boolean {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONFIG_FILE_NAME))) return true;
    if (dirname(dir) === dir) return false;
  }
}
