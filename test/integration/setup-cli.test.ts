import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserSettings } from '../../source/adapters/user-settings.js';
import { loadProject } from '../../source/engine/project.js';
import { saveProfile } from '../../source/engine/setup.js';
import { adminQuery, adminUrl, databasesForFile } from '../helpers/database.js';
import { makeProject, runCli, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

// The user's files in a temp folder: the settings file, ~/.pgpass (PGPASSFILE) and HOME.
const USER_VARIABLES = ['HOME', 'PGPASSFILE', 'DATA_SETTINGS_DIR', 'PGPASSWORD'] as const;
const previous = Object.fromEntries(USER_VARIABLES.map((name) => [name, process.env[name]]));
let home: string;
let userEnv: Record<string, string>;

const role = `data_setup_cli_${randomBytes(4).toString('hex')}`;
const password = `cli:${randomBytes(6).toString('hex')}`;
let server: { host: string; port: number };
let database: { name: string; url: string };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'data-setup-cli-home-'));
  userEnv = { HOME: home, PGPASSFILE: join(home, '.pgpass'), DATA_SETTINGS_DIR: join(home, 'settings') };
  Object.assign(process.env, userEnv);
  delete process.env.PGPASSWORD;
  const url = new URL(adminUrl());
  server = { host: url.hostname, port: Number(url.port || 5432) };
  database = await newDatabase();
  await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${password}'`);
});

// A settings file of its own per test: profiles of one test never meet another's.
let settingsCount = 0;
beforeEach(() => {
  userEnv.DATA_SETTINGS_DIR = join(home, `settings-${++settingsCount}`);
  process.env.DATA_SETTINGS_DIR = userEnv.DATA_SETTINGS_DIR;
});

afterAll(async () => {
  await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  for (const name of USER_VARIABLES) {
    if (previous[name] === undefined) delete process.env[name];
    else process.env[name] = previous[name];
  }
  await rm(home, { recursive: true, force: true });
});

/** staging: no connection in the file; dev: a url in the file, and a profile that must lose to it. */
async function projectWithProfiles(): Promise<TestProject> {
  const name = `setup-cli-${randomBytes(3).toString('hex')}`;
  const test = await makeProject({
    url: database.url,
    config: `project: ${name}\nmigrations: migrations\nenvironments:\n  staging:\n  dev:\n    url: \${DATA_TEST_URL}\n`,
  });
  const project = await loadProject({ cwd: test.dir });
  const deps = { settings: UserSettings.open(), env: process.env };
  const fields = { host: server.host, port: server.port, database: database.name, user: role, sslmode: 'disable' as const };
  await saveProfile(project, 'staging', fields, password, deps);
  // dev's profile points at a closed port: used, it would fail.
  await saveProfile(project, 'dev', { ...fields, port: 1 }, '', deps);
  return test;
}

const cli = (test: TestProject, args: string[], env: Record<string, string | undefined> = {}) =>
  runCli(args, { cwd: test.dir, env: { ...userEnv, DATA_TEST_URL: test.vars.DATA_TEST_URL, ...env } });

describe('data setup --list / --remove and the connection order, through the built CLI', () => {
  it('lists the profiles of the project with where each password is, never the password', async () => {
    const test = await projectWithProfiles();
    const text = await cli(test, ['setup', '--list']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/ENVIRONMENT\s+CONNECTION\s+SSLMODE\s+PASSWORD/);
    expect(text.stdout).toMatch(new RegExp(`staging\\s+${role}@${server.host}:${server.port}/${database.name}\\s+disable\\s+${userEnv.PGPASSFILE}`));
    expect(text.stdout).toMatch(/dev\s+\S+:1\/\S+\s+disable\s+none stored/);
    expect(text.stdout).toContain('dev: its url in data.config.yaml comes before this profile');
    const json = await cli(test, ['setup', '--list', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const listed = JSON.parse(json.stdout) as { profiles: Array<Record<string, unknown>> };
    expect(listed.profiles.find((item) => item.environment === 'staging')).toMatchObject({
      host: server.host,
      port: server.port,
      database: database.name,
      user: role,
      sslmode: 'disable',
      passwordStore: 'pgpass',
      passwordLocation: userEnv.PGPASSFILE,
      shadowed: false,
    });
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) expect(output).not.toContain(password);
  });

  it('connects in order: --url, DATABASE_URL, the url in the file, the profile (password from ~/.pgpass)', async () => {
    const test = await projectWithProfiles();
    // No url for staging: its profile, with the password from the password file.
    const profile = await cli(test, ['status', 'staging', '--json']);
    expect(profile.code, profile.stderr).toBe(0);
    expect(JSON.parse(profile.stdout).environments[0].reachable).toBe(true);
    // --url and DATABASE_URL still win over the profile.
    const flag = await cli(test, ['status', 'staging', '--url', 'postgres://127.0.0.1:1/elsewhere']);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toContain('cannot reach PostgreSQL at 127.0.0.1:1');
    const variable = await cli(test, ['status', 'staging'], { DATABASE_URL: 'postgres://127.0.0.1:2/elsewhere' });
    expect(variable.code).toBe(1);
    expect(variable.stderr).toContain('cannot reach PostgreSQL at 127.0.0.1:2');
    // dev has a url in the file: it wins over dev's profile (which points at port 1).
    const dev = await cli(test, ['status', 'dev', '--json']);
    expect(dev.code, dev.stderr).toBe(0);
    expect(JSON.parse(dev.stdout).environments[0].reachable).toBe(true);
    for (const result of [profile, flag, variable, dev]) expect(result.stdout + result.stderr).not.toContain(password);
  });

  it('--remove takes the profile and its pgpass line away, keeping the other lines; then the environment needs `data setup` again (exit 2)', async () => {
    const test = await projectWithProfiles();
    const others = ['# kept', 'elsewhere.example.com:5432:shop:app:keep-me'];
    const before = await readFile(userEnv.PGPASSFILE!, 'utf8');
    await writeFile(userEnv.PGPASSFILE!, `${others.join('\n')}\n${before}`, { mode: 0o600 });

    const removed = await cli(test, ['setup', '--remove', 'staging']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`removed the profile of staging (${role}@${server.host}:${server.port}/${database.name}); password: removed from ${userEnv.PGPASSFILE}`);
    const after = await readFile(userEnv.PGPASSFILE!, 'utf8');
    expect(after).not.toContain(role);
    expect(after.startsWith(`${others.join('\n')}\n`)).toBe(true);
    const project = await loadProject({ cwd: test.dir });
    expect(UserSettings.open().profile(project.config.project, 'staging')).toBeUndefined();

    // Not a terminal: no prompt, exit 2 and the fix.
    const status = await cli(test, ['status', 'staging']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('environment staging has no connection');
    expect(status.stderr).toContain('run `data setup staging`');
    const json = await cli(test, ['deploy', 'staging', '--json', '--yes']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error.fix).toContain('data setup staging');

    const again = await cli(test, ['setup', '--remove', 'staging']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no profile for environment staging');
  });

  it('refuses to ask questions without a terminal, and names unknown environments (exit 2)', async () => {
    const test = await projectWithProfiles();
    const prompt = await cli(test, ['setup', 'staging']);
    expect(prompt.code).toBe(2);
    expect(prompt.stderr).toContain('data setup asks its questions in a terminal');
    const unknown = await cli(test, ['setup', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no environment "nope"');
    const both = await cli(test, ['setup', 'staging', '--list']);
    expect(both.code).toBe(2);
  });
});
