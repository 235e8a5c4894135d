import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The four fields libpq matches a line of the password file on. */
export interface PgpassEntry {
  host: string;
  port: number;
  database: string;
  user: string;
}

interface PgpassLine extends Record<keyof PgpassEntry, string> {
  password: string;
}

/** libpq's password file: PGPASSFILE, else ~/.pgpass (%APPDATA%\postgresql\pgpass.conf on Windows). */
export function pgpassPath(env: Record<string, string | undefined> = process.env): string {
  if (env.PGPASSFILE) return env.PGPASSFILE;
  if (process.platform === 'win32') return join(env.APPDATA ?? homedir(), 'postgresql', 'pgpass.conf');
  return join(env.HOME || homedir(), '.pgpass');
}

/** `:` and `\` are escaped with `\`, as libpq reads them. */
export const escapePgpassField = (value: string) => value.replace(/[\\:]/g, (char) => `\\${char}`);

/** One line of the file as libpq reads it: five `:`-separated fields, `\` escaping the next character; comments and short lines are null. */
export function parsePgpassLine(line: string): PgpassLine | null {
  if (line.startsWith('#')) return null;
  const fields: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '\\' && i + 1 < line.length) current += line[++i];
    else if (char === ':' && fields.length < 4) {
      fields.push(current);
      current = '';
    } else current += char;
  }
  fields.push(current);
  if (fields.length !== 5) return null;
  const [host, port, database, user, password] = fields as [string, string, string, string, string];
  return { host, port, database, user, password };
}

/** libpq's host for matching: a socket directory counts as localhost. */
const matchHost = (host: string) => (host === '' || host.startsWith('/') ? 'localhost' : host);

/** Whether a line applies to a connection: each field equal, or `*`. */
function lineMatches(line: PgpassLine, entry: PgpassEntry): boolean {
  const wanted = [matchHost(entry.host), String(entry.port), entry.database, entry.user];
  return [line.host, line.port, line.database, line.user].every((field, i) => field === '*' || field === wanted[i]);
}

/** The line written for exactly this host:port:database:user (no wildcards). */
function sameFields(line: PgpassLine, entry: PgpassEntry): boolean {
  return line.host === matchHost(entry.host) && line.port === String(entry.port) && line.database === entry.database && line.user === entry.user;
}

function formatLine(entry: PgpassEntry, password: string): string {
  return [matchHost(entry.host), String(entry.port), entry.database, entry.user, password].map(escapePgpassField).join(':');
}

async function readLines(file: string): Promise<string[]> {
  if (!existsSync(file)) return [];
  const text = await readFile(file, 'utf8');
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** libpq ignores a password file that is not a plain file, or that group or others can read. */
function usable(file: string): boolean {
  try {
    const stats = statSync(file);
    return stats.isFile() && (process.platform === 'win32' || (stats.mode & 0o077) === 0);
  } catch {
    return false;
  }
}

/** The password libpq would use for a connection: the first matching line of a usable file. */
export async function lookupPgpassPassword(entry: PgpassEntry, env: Record<string, string | undefined> = process.env): Promise<string | undefined> {
  const file = pgpassPath(env);
  if (!usable(file)) return undefined;
  for (const text of await readLines(file)) {
    const line = parsePgpassLine(text);
    if (line && line.password !== '' && lineMatches(line, entry)) return line.password;
  }
  return undefined;
}

/** Whether the file holds a line for exactly this host:port:database:user. */
export async function hasPgpassLine(entry: PgpassEntry, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  const lines = await readLines(pgpassPath(env));
  return lines.some((text) => {
    const line = parsePgpassLine(text);
    return line !== null && sameFields(line, entry);
  });
}

/** Writes through a 0600 temp file and a rename, so the file is never readable by others, not even half-written. */
async function writeLines(file: string, lines: string[]): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = join(dirname(file), `.pgpass-${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o600 });
    await chmod(temp, 0o600);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Saves the password for host:port:database:user, mode 0600. The line for
 * exactly those fields is replaced in place; every other line is kept. A new
 * line goes before the first wildcard line that would otherwise answer for it.
 */
export async function savePgpassPassword(entry: PgpassEntry, password: string, env: Record<string, string | undefined> = process.env): Promise<string> {
  if (/[\r\n]/.test(password)) throw new Error('a password for the password file cannot hold a line break');
  const file = pgpassPath(env);
  const lines = await readLines(file);
  const line = formatLine(entry, password);
  const same = lines.findIndex((text) => {
    const parsed = parsePgpassLine(text);
    return parsed !== null && sameFields(parsed, entry);
  });
  if (same >= 0) lines[same] = line;
  else {
    const shadow = lines.findIndex((text) => {
      const parsed = parsePgpassLine(text);
      return parsed !== null && lineMatches(parsed, entry);
    });
    if (shadow >= 0) lines.splice(shadow, 0, line);
    else lines.push(line);
  }
  await writeLines(file, lines);
  return file;
}

/** Removes the line for exactly host:port:database:user; true when there was one. */
export async function removePgpassPassword(entry: PgpassEntry, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  const file = pgpassPath(env);
  const lines = await readLines(file);
  const kept = lines.filter((text) => {
    const parsed = parsePgpassLine(text);
    return !(parsed !== null && sameFields(parsed, entry));
  });
  if (kept.length === lines.length) return false;
  await writeLines(file, kept);
  return true;
}
