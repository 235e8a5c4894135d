import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  escapePgpassField,
  hasPgpassLine,
  lookupPgpassPassword,
  parsePgpassLine,
  pgpassPath,
  removePgpassPassword,
  savePgpassPassword,
} from '../../source/adapters/pgpass.js';

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

let env: Record<string, string>;
let file: string;
beforeEach(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'data-pgpass-'));
  made.push(dir);
  file = join(dir, 'pgpass');
  env = { PGPASSFILE: file, HOME: dir };
});

const entry = { host: 'db.example.com', port: 5432, database: 'shop', user: 'app' };
const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('pgpass', () => {
  it('lives at PGPASSFILE, else ~/.pgpass', () => {
    expect(pgpassPath({ PGPASSFILE: '/x/pw', HOME: '/home/a' })).toBe('/x/pw');
    expect(pgpassPath({ HOME: '/home/a' })).toBe('/home/a/.pgpass');
  });

  it('escapes ":" and "\\" as libpq reads them, and reads them back', () => {
    expect(escapePgpassField('a:b\\c')).toBe('a\\:b\\\\c');
    const line = ['h', '5432', 'd:b', 'u', 'p:w\\:x'].map(escapePgpassField).join(':');
    expect(parsePgpassLine(line)).toEqual({ host: 'h', port: '5432', database: 'd:b', user: 'u', password: 'p:w\\:x' });
    // A password may hold unescaped ":" after the fourth field, as libpq allows.
    expect(parsePgpassLine('h:1:d:u:a:b')?.password).toBe('a:b');
    expect(parsePgpassLine('# h:1:d:u:p')).toBeNull();
    expect(parsePgpassLine('h:1:d')).toBeNull();
  });

  it('creates the file with mode 0600, folders included', async () => {
    file = join(env.HOME!, 'nested', 'pgpass');
    env.PGPASSFILE = file;
    await savePgpassPassword(entry, 'pa:ss\\word', env);
    expect(await mode(file)).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe('db.example.com:5432:shop:app:pa\\:ss\\\\word\n');
    expect(await lookupPgpassPassword(entry, env)).toBe('pa:ss\\word');
  });

  it('replaces only the line for the same host:port:database:user, keeping the others and their order', async () => {
    const before = ['# my passwords', 'other.example.com:5432:shop:app:keep1', 'db.example.com:5432:shop:app:old', 'db.example.com:5433:shop:app:keep2', '*:*:*:admin:keep3'];
    await writeFile(file, `${before.join('\n')}\n`, { mode: 0o644 });
    await savePgpassPassword(entry, 'new', env);
    const after = (await readFile(file, 'utf8')).split('\n');
    expect(after).toEqual([before[0], before[1], 'db.example.com:5432:shop:app:new', before[3], before[4], '']);
    // Written afresh at 0600, even over a file that was too open.
    expect(await mode(file)).toBe(0o600);
  });

  it('puts a new line before a wildcard line that would answer for it first', async () => {
    await savePgpassPassword({ ...entry, user: 'other' }, 'x', env);
    await writeFile(file, `${await readFile(file, 'utf8')}*:*:*:*:wildcard\n`, { mode: 0o600 });
    await savePgpassPassword(entry, 'mine', env);
    expect(await lookupPgpassPassword(entry, env)).toBe('mine');
    expect((await readFile(file, 'utf8')).trim().split('\n')).toEqual(['db.example.com:5432:shop:other:x', 'db.example.com:5432:shop:app:mine', '*:*:*:*:wildcard']);
  });

  it('looks a password up as libpq does: wildcards, first match, a socket host as localhost', async () => {
    await writeFile(file, 'localhost:5432:*:app:local\n*:*:shop:*:any\n', { mode: 0o600 });
    expect(await lookupPgpassPassword({ host: '/var/run/postgresql', port: 5432, database: 'x', user: 'app' }, env)).toBe('local');
    expect(await lookupPgpassPassword(entry, env)).toBe('any');
    expect(await lookupPgpassPassword({ ...entry, database: 'other' }, env)).toBeUndefined();
  });

  it('ignores a file that others can read, as libpq does', async () => {
    await savePgpassPassword(entry, 'secret', env);
    await chmod(file, 0o644);
    expect(await lookupPgpassPassword(entry, env)).toBeUndefined();
  });

  it('removes only the line for the same fields', async () => {
    await savePgpassPassword(entry, 'a', env);
    await savePgpassPassword({ ...entry, database: 'other' }, 'b', env);
    expect(await removePgpassPassword(entry, env)).toBe(true);
    expect(await removePgpassPassword(entry, env)).toBe(false);
    expect(await hasPgpassLine(entry, env)).toBe(false);
    expect(await readFile(file, 'utf8')).toBe('db.example.com:5432:other:app:b\n');
    expect(await mode(file)).toBe(0o600);
  });

  it('refuses a password with a line break', async () => {
    await expect(savePgpassPassword(entry, 'a\nb', env)).rejects.toThrow(/line break/);
  });
});
