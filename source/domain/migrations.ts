import { createHash } from 'node:crypto';
import { usageError } from './errors.js';

export const NO_TRANSACTION_MARKER = '-- data:no-transaction';

export interface MigrationFile {
  /** File name inside the migrations folder. */
  name: string;
  content: string;
}

export interface MigrationScript {
  file: string;
  sql: string;
  /** First line is `-- data:no-transaction`: run outside a transaction, one statement at a time. */
  noTransaction: boolean;
}

export interface Migration {
  version: string;
  name: string;
  up: MigrationScript;
  down?: MigrationScript;
  /** sha256 of the up file, hex. */
  checksum: string;
}

const FILE_PATTERN = /^(\d+)_([A-Za-z0-9][A-Za-z0-9_.-]*?)(\.down)?\.sql$/;

export const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

export function isNoTransaction(sql: string): boolean {
  const firstLine = sql.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return firstLine.trim() === NO_TRANSACTION_MARKER;
}

/** Versions sort numerically, which also orders equal-length timestamps. */
export function compareVersions(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  if (x !== y) return x < y ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Turns the files of a migrations folder into migrations, in version order.
 * Files not ending in .sql are ignored; a .sql file with another name, two
 * files with one version, or a down file without its up file is an error
 * naming the files.
 */
export function discoverMigrations(folder: string, files: MigrationFile[]): Migration[] {
  const ups = new Map<string, { file: MigrationFile; version: string; name: string }>();
  const downs = new Map<string, { file: MigrationFile; version: string; name: string }>();
  const byVersion = new Map<string, string>();
  const badNames: string[] = [];

  for (const file of [...files].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!file.name.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(file.name);
    if (!match) {
      badNames.push(file.name);
      continue;
    }
    const [, version, name, down] = match as unknown as [string, string, string, string | undefined];
    const entry = { file, version, name };
    if (down) {
      downs.set(`${version}_${name}`, entry);
      continue;
    }
    const key = BigInt(version).toString();
    const other = byVersion.get(key);
    if (other) {
      throw usageError(`two migrations share version ${version}: ${other} and ${file.name}`, {
        where: folder,
        fix: 'give one of them a new version (a later timestamp) and rename its down file to match',
      });
    }
    byVersion.set(key, file.name);
    ups.set(`${version}_${name}`, entry);
  }

  if (badNames.length > 0) {
    throw usageError(`migration file names must look like <version>_<name>.sql or <version>_<name>.down.sql: ${badNames.join(', ')}`, {
      where: folder,
      fix: 'rename them, e.g. 20261122093000_create_users.sql (the version is the digits before the first "_")',
    });
  }
  for (const [key, down] of downs) {
    if (!ups.has(key)) {
      throw usageError(`down file ${down.file.name} has no up file ${key}.sql`, {
        where: folder,
        fix: `add ${key}.sql, or rename the down file to match its up file`,
      });
    }
  }

  return [...ups.entries()]
    .map(([key, up]) => {
      const down = downs.get(key);
      return {
        version: up.version,
        name: up.name,
        checksum: sha256(up.file.content),
        up: { file: up.file.name, sql: up.file.content, noTransaction: isNoTransaction(up.file.content) },
        down: down && { file: down.file.name, sql: down.file.content, noTransaction: isNoTransaction(down.file.content) },
      };
    })
    .sort((a, b) => compareVersions(a.version, b.version));
}
