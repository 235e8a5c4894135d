import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserSettings } from '../../source/adapters/user-settings.js';
import { DataError } from '../../source/domain/errors.js';
import { runCli } from '../helpers/project.js';

let home: string;
let count = 0;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'data-user-settings-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

/** A settings folder of its own, holding `content` as settings.json. */
async function settingsDir(content?: string): Promise<string> {
  const dir = join(home, `settings-${++count}`);
  if (content !== undefined) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'settings.json'), content);
  }
  return dir;
}

const EMPTY = { version: 1, profiles: {}, achievements: { unlocked: {}, announced: [] } };
const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at .*\(/);

describe('the settings file, when it is broken', () => {
  it('names the file, what is wrong and how to fix it; exit 2 and no stack', async () => {
    const broken = await settingsDir('{"version":1,"profiles":{}');
    const syntax = await runCli(['config'], { cwd: home, env: { DATA_SETTINGS_DIR: broken } });
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toContain(`${join(broken, 'settings.json')}: the settings file is not valid`);
    expect(syntax.stderr).toContain('fix: fix or delete it; `data setup` writes a new one');
    noStack(syntax.stderr);

    const schema = await settingsDir(JSON.stringify({ ...EMPTY, profiles: { 'shop/staging': { host: 'db', port: 'five' } } }));
    const violation = await runCli(['config', '--json'], { cwd: home, env: { DATA_SETTINGS_DIR: schema } });
    expect(violation.code).toBe(2);
    const error = JSON.parse(violation.stdout).error;
    expect(error.where).toBe(join(schema, 'settings.json'));
    expect(error.message).toMatch(/profiles\/shop~1staging.*port/);

    const newer = await settingsDir(JSON.stringify({ ...EMPTY, version: 7 }));
    const future = await runCli(['config'], { cwd: home, env: { DATA_SETTINGS_DIR: newer } });
    expect(future.code).toBe(2);
    expect(future.stderr).toContain(`the settings file ${join(newer, 'settings.json')} is version 7, newer than this data understands (1)`);
    expect(future.stderr).toContain('fix: upgrade data');
  });
});

describe('UserSettings.open', () => {
  it('one instance per folder in a process, which still reads what others write, and names a file that went bad', async () => {
    const dir = await settingsDir();
    const env = { DATA_SETTINGS_DIR: dir };
    const settings = UserSettings.open(env);
    expect(UserSettings.open(env)).toBe(settings);
    expect(UserSettings.open({ DATA_SETTINGS_DIR: await settingsDir() })).not.toBe(settings);

    // Another process saves a personality: the open instance reads it.
    const file = join(dir, 'settings.json');
    await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), personality: 'kirk' }));
    expect(settings.personality).toBe('kirk');

    await writeFile(file, '{"version":1,');
    const read = (() => {
      try {
        settings.profiles();
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(read).toBeInstanceOf(DataError);
    expect((read as DataError).message).toContain('the settings file is not valid');
    expect((read as DataError).where).toBe(file);
    expect((read as DataError).exitCode).toBe(2);
  });
});
