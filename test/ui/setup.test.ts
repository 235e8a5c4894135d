import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePgpassPassword } from '../../source/adapters/pgpass.js';
import { Database } from '../../source/adapters/postgres.js';
import { UserSettings } from '../../source/adapters/user-settings.js';
import { loadProject, type Project } from '../../source/engine/project.js';
import { checkConnection, saveProfile, setupChoices, setupDefaults } from '../../source/engine/setup.js';
import { connect, resolveTarget } from '../../source/engine/target.js';
import { runSetupPrompt } from '../../source/ui/setup/run-setup-prompt.js';
import { SetupFlow, type SetupFlowProps, type SetupOutcome } from '../../source/ui/setup/setup-flow.js';
import { adminQuery, adminUrl, databasesForFile } from '../helpers/database.js';
import { KEYS } from '../helpers/dashboard.js';
import { contextFor, makeProject, runCli, type TestProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait.js';

const newDatabase = databasesForFile();
const tick = () => new Promise((resolve) => setImmediate(resolve));

// The user's files of this test file: settings, pgpass and HOME in a temp folder, never the real ones.
const USER_VARIABLES = ['HOME', 'PGPASSFILE', 'DATA_SETTINGS_DIR', 'PGPASSWORD'] as const;
const previous = Object.fromEntries(USER_VARIABLES.map((name) => [name, process.env[name]]));
let home: string;
let userEnv: Record<string, string>;

// A login role of its own, with ":" and "\" in its password to check the escaping.
const role = `data_setup_${randomBytes(4).toString('hex')}`;
const password = `pw:${randomBytes(6).toString('hex')}\\x`;
let server: { host: string; port: number };
let database: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'data-setup-home-'));
  userEnv = { HOME: home, PGPASSFILE: join(home, '.pgpass'), DATA_SETTINGS_DIR: join(home, 'settings') };
  Object.assign(process.env, userEnv);
  delete process.env.PGPASSWORD;
  const url = new URL(adminUrl());
  server = { host: url.hostname, port: Number(url.port || 5432) };
  database = (await newDatabase()).name;
  await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`);
});

afterAll(async () => {
  await adminQuery(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  for (const name of USER_VARIABLES) {
    if (previous[name] === undefined) delete process.env[name];
    else process.env[name] = previous[name];
  }
  await rm(home, { recursive: true, force: true });
});

const configFor = (projectName: string) => `project: ${projectName}
migrations: migrations
environments:
  local:
    embedded: true
  staging:
`;

async function setupProject(): Promise<{ test: TestProject; project: Project }> {
  const test = await makeProject({ url: 'postgres://unused', config: configFor(`setup-${randomBytes(3).toString('hex')}`) });
  return { test, project: await loadProject({ cwd: test.dir }) };
}

/** The flow wired to the real engine, as `data setup` wires it. */
function flowProps(project: Project, onDone: (outcome: SetupOutcome) => void): SetupFlowProps {
  const deps = { settings: UserSettings.open(), env: process.env };
  return {
    choices: setupChoices(project, deps.settings),
    defaultsFor: (name) => setupDefaults(project, name, deps),
    check: (name, fields, typed) => checkConnection(name, fields, typed, 5000),
    save: (name, fields, typed) => saveProfile(project, name, fields, typed, deps),
    onDone,
  };
}

/** Every file under a folder, as bytes. */
async function filesUnder(dir: string): Promise<Array<{ path: string; content: Buffer }>> {
  const found: Array<{ path: string; content: Buffer }> = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    found.push({ path, content: await readFile(path) });
  }
  return found;
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('data setup prompts', () => {
  it('picks the environment, asks every field, fails on a wrong password, lets it be edited, then saves; the password is nowhere but the pgpass file', async () => {
    const { test, project } = await setupProject();
    // Lines of the user's own that must survive, and an old line for this very login that must be replaced in place.
    const before = ['# my servers', `other.example.com:5432:*:someone:keep-me`, `${server.host}:${server.port}:${database}:${role}:old-password`, '*:*:*:postgres:also-kept'];
    await writeFile(userEnv.PGPASSFILE!, `${before.join('\n')}\n`, { mode: 0o600 });

    let outcome: SetupOutcome | undefined;
    const ui = render(createElement(SetupFlow, flowProps(project, (result) => (outcome = result))));
    const frame = () => ui.lastFrame() ?? '';
    const waitForFrame = (...texts: Array<string | RegExp>) =>
      waitFor(async () => texts.every((text) => (typeof text === 'string' ? frame().includes(text) : text.test(frame()))), `a frame showing ${texts.join(', ')}`).catch((error: Error) => {
        throw new Error(`${error.message}; the last frame was:\n${frame()}`);
      });
    // A key at a time, a little apart as a person types: Ink subscribes a new prompt's input handler just after drawing it.
    const pause = () => new Promise((resolve) => setTimeout(resolve, 25));
    const press = async (...keys: string[]) => {
      for (const key of keys) {
        await pause();
        ui.stdin.write(key);
        await tick();
        await pause();
      }
    };

    try {
      // The picker lists both environments and highlights the one without a connection.
      await waitForFrame('Which environment?', /❯ staging\s+no connection yet/, /local\s+embedded server/);
      await press(KEYS.enter);
      await waitForFrame('data setup · environment staging', 'Host (localhost):');
      await press(server.host, KEYS.enter);
      await waitForFrame('Port (5432):');
      // A port that is not a number is refused at once, before any connection.
      await press('abc', KEYS.enter);
      await waitForFrame('the port is a whole number from 1 to 65535');
      await press(KEYS.backspace, KEYS.backspace, KEYS.backspace, String(server.port), KEYS.enter);
      await waitForFrame('Database');
      await press(database, KEYS.enter);
      await waitForFrame('User');
      await press(role, KEYS.enter);
      await waitForFrame('Password:');
      await press('wrong-password', KEYS.enter);
      await waitForFrame('sslmode', /❯ prefer/);
      // prefer: SSL when offered; the test server has none, so it falls back to a plain connection as libpq does.
      await press(KEYS.enter);
      await waitForFrame(`authentication failed for user "${role}"`, 'fix: the server refused the password', /❯ Edit password/);
      expect(outcome).toBeUndefined();

      await press(KEYS.enter);
      await waitForFrame('Password:');
      await press(password, KEYS.enter);
      await waitForFrame(/❯ Test the connection again/);
      await press(KEYS.enter);
      await waitForFrame('Connected. Saved the profile of staging');
      await waitFor(async () => outcome, 'the outcome');
    } finally {
      ui.unmount();
    }

    expect(outcome).toMatchObject({ status: 'saved', environment: 'staging' });
    const profile = { host: server.host, port: server.port, database, user: role, sslmode: 'prefer', passwordStore: 'pgpass' };
    expect(UserSettings.open().profile(project.config.project, 'staging')).toEqual(profile);
    // No keyring on this machine's test run (no secret-tool or no D-Bus): the note says so, and the password went to the file.
    const last = frame();
    expect(last).toContain(`password  ${userEnv.PGPASSFILE}`);
    expect(last).toMatch(/note: no (supported )?OS keyring/);

    // The password file: the old line replaced in place, every other line kept, mode 0600, ":" and "\" escaped.
    const pgpass = await readFile(userEnv.PGPASSFILE!, 'utf8');
    const escaped = password.replace(/[\\:]/g, (char) => `\\${char}`);
    expect(pgpass.split('\n')).toEqual([before[0], before[1], `${server.host}:${server.port}:${database}:${role}:${escaped}`, before[3], '']);
    expect(await mode(userEnv.PGPASSFILE!)).toBe(0o600);
    const settingsFile = UserSettings.open().path;
    expect(settingsFile.startsWith(home)).toBe(true);
    expect(await mode(settingsFile)).toBe(0o600);

    // The profile connects with the password read from the file, through the engine's resolution.
    const target = await resolveTarget(project, 'staging', contextFor(test));
    expect(target.source).toBe('profile');
    expect(target.url).not.toContain(password);
    const db = await connect(target);
    try {
      expect((await db.query<{ user: string }>('SELECT current_user AS user')).rows[0]!.user).toBe(role);
    } finally {
      await db.close();
    }

    // And through the built CLI: status, list; everything they print is searched too.
    const cli = [
      await runCli(['status', 'staging', '--json'], { cwd: test.dir, env: userEnv }),
      await runCli(['setup', '--list'], { cwd: test.dir, env: userEnv }),
      await runCli(['setup', '--list', '--json'], { cwd: test.dir, env: userEnv }),
    ];
    expect(cli[0]!.code, cli[0]!.stderr).toBe(0);
    expect(JSON.parse(cli[0]!.stdout).environments[0].reachable).toBe(true);
    expect(cli[1]!.stdout).toMatch(new RegExp(`staging\\s+${role}@${server.host}:${server.port}/${database}\\s+prefer\\s+${userEnv.PGPASSFILE}`));

    // Nowhere but the password file: not the settings file, the project folder (logs under .data included), any frame, anything printed.
    const places: Array<{ where: string; text: string | Buffer }> = [
      { where: 'the settings file', text: await readFile(settingsFile) },
      ...(await filesUnder(test.dir)).map((file) => ({ where: file.path, text: file.content })),
      ...(await filesUnder(home)).filter((file) => file.path !== userEnv.PGPASSFILE).map((file) => ({ where: file.path, text: file.content })),
      ...ui.frames.map((text, i) => ({ where: `frame ${i}`, text })),
      ...cli.flatMap((result, i) => [{ where: `cli ${i} stdout`, text: result.stdout }, { where: `cli ${i} stderr`, text: result.stderr }]),
    ];
    expect(places.length).toBeGreaterThan(10);
    for (const place of places) {
      const text = typeof place.text === 'string' ? place.text : place.text.toString('latin1');
      expect(text.includes(password) || text.includes(escaped), `the password is in ${place.where}`).toBe(false);
    }
    expect(pgpass).toContain(escaped);
    // The masked field drew stars, never the characters typed.
    expect(ui.frames.some((text) => text.includes(`Password: ${'*'.repeat(password.length)}`))).toBe(true);
  });

  it('keys that arrive in one chunk (a paste, key repeat, a slow link): Backspace erases, Ctrl-U clears, and what is saved is what the field shows', async () => {
    const { project } = await setupProject();
    let outcome: SetupOutcome | undefined;
    const ui = render(createElement(SetupFlow, { ...flowProps(project, (result) => (outcome = result)), environment: 'staging' }));
    const frame = () => ui.lastFrame() ?? '';
    const waitForFrame = (...texts: Array<string | RegExp>) =>
      waitFor(async () => texts.every((text) => (typeof text === 'string' ? frame().includes(text) : text.test(frame()))), `a frame showing ${texts.join(', ')}`).catch((error: Error) => {
        throw new Error(`${error.message}; the last frame was:\n${frame()}`);
      });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 25));
    /** One read from the terminal, however many keys it holds. */
    const chunk = async (data: string) => {
      await pause();
      ui.stdin.write(data);
      await tick();
      await pause();
    };
    // The line of the prompt being answered, without the cursor's trailing cell.
    const line = (label: string) => frame().split('\n').find((row) => row.startsWith(label))?.trimEnd();
    try {
      await waitForFrame('Host (localhost):');
      await chunk(`${server.host}xx\x7f\x7f`);
      expect(line('Host')).toBe(`Host (localhost): ${server.host}`);
      await chunk(KEYS.enter);
      await waitForFrame('Port (5432):');
      await chunk(`99\x15${server.port}`);
      expect(line('Port')).toBe(`Port (5432): ${server.port}`);
      await chunk(KEYS.enter);
      await waitForFrame('Database');
      // A pasted answer with its Enter.
      await chunk(`${database}\r`);
      await waitForFrame('User');
      await chunk(`${role}\b\b\b${role.slice(-3)}`);
      expect(line('User')).toMatch(new RegExp(`^User( \\(\\w+\\))?: ${role}$`));
      await chunk(KEYS.enter);
      await waitForFrame('Password:');
      await chunk('xyz');
      expect(line('Password')).toBe('Password: ***');
      await chunk('\x7f\x7f\x7f');
      expect(line('Password')).toBe('Password:');
      await chunk(`${password}zz\x7f\x7f`);
      expect(line('Password')).toBe(`Password: ${'*'.repeat(password.length)}`);
      await chunk(KEYS.enter);
      await waitForFrame('sslmode', /❯ prefer/);
      await chunk(KEYS.enter);
      await waitForFrame('Connected. Saved the profile of staging');
      await waitFor(async () => outcome, 'the outcome');
    } finally {
      ui.unmount();
    }
    // The test passed with the password typed (so no DEL was kept in it), and the answers saved are the ones shown.
    expect(outcome).toMatchObject({ status: 'saved', environment: 'staging' });
    expect(UserSettings.open().profile(project.config.project, 'staging')).toEqual({ host: server.host, port: server.port, database, user: role, sslmode: 'prefer', passwordStore: 'pgpass' });
    const escaped = password.replace(/[\\:]/g, (char) => `\\${char}`);
    expect((await readFile(userEnv.PGPASSFILE!, 'utf8')).split('\n')).toContain(`${server.host}:${server.port}:${database}:${role}:${escaped}`);
    // No frame drew a control character, a star too many, or the password.
    for (const text of ui.frames) {
      expect(text).not.toMatch(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/);
      expect(text).not.toContain(password);
      expect(text).not.toContain(`Password: ${'*'.repeat(password.length + 1)}`);
    }
  });

  it('says which answer to fix: a missing database, a closed port', async () => {
    const fields = { host: server.host, port: server.port, database: `missing_${randomBytes(3).toString('hex')}`, user: role, sslmode: 'disable' as const };
    const missing = await checkConnection('staging', fields, password);
    expect(missing).toMatchObject({ ok: false, problem: 'database', field: 'database' });
    expect(missing.ok === false && missing.fix).toContain(`there is no database "${fields.database}"`);
    const closed = await checkConnection('staging', { ...fields, database, port: 1 }, password);
    expect(closed).toMatchObject({ ok: false, problem: 'refused', field: 'port' });
    const works = await checkConnection('staging', { ...fields, database }, password);
    expect(works).toMatchObject({ ok: true });
    for (const result of [missing, closed]) expect(JSON.stringify(result)).not.toContain(password);
  });

  it('runs as a promise over a terminal; Esc cancels and saves nothing', async () => {
    const { project } = await setupProject();
    const stdout = Object.assign(new EventEmitter(), { isTTY: true, columns: 100, rows: 30, written: '', write(chunk: string) {
      this.written += chunk;
      return true;
    } });
    const stdin = Object.assign(new EventEmitter(), {
      isTTY: true,
      pending: null as string | null,
      write(data: string) {
        this.pending = data;
        this.emit('readable');
      },
      read() {
        const data = this.pending;
        this.pending = null;
        return data;
      },
      setEncoding() {},
      setRawMode() {},
      resume() {},
      pause() {},
      ref() {},
      unref() {},
    });
    const { onDone: _ignored, ...props } = flowProps(project, () => undefined);
    const running = runSetupPrompt({ ...props, environment: 'staging' }, { stdin: stdin as never, stdout: stdout as never });
    await waitFor(async () => stdout.written.includes('Host'), 'the host prompt');
    stdin.write(KEYS.escape);
    await expect(running).resolves.toEqual({ status: 'cancelled', environment: 'staging' });
    expect(stdout.written).toContain('Cancelled: nothing was saved.');
    expect(UserSettings.open().profile(project.config.project, 'staging')).toBeUndefined();
  });

  it('keeps the password out of the connection a profile resolves to, and --url still wins', async () => {
    const { test, project } = await setupProject();
    UserSettings.open().setProfile(project.config.project, 'staging', { host: server.host, port: server.port, database, user: role, sslmode: 'disable', passwordStore: 'pgpass' });
    await savePgpassPassword({ host: server.host, port: server.port, database, user: role }, password);
    const profile = await resolveTarget(project, 'staging', contextFor(test));
    expect(profile).toMatchObject({ source: 'profile', url: `postgres://${role}@${server.host}:${server.port}/${database}?sslmode=disable` });
    const override = await resolveTarget(project, 'staging', contextFor(test, { urlOverride: 'postgres://elsewhere:1/x' }));
    expect(override).toMatchObject({ source: 'override', url: 'postgres://elsewhere:1/x' });
    await expect(Database.connect({ url: profile.url, environment: 'staging', connectTimeoutMs: 5000, sslmode: 'disable' }).then((db) => db.close())).resolves.toBeUndefined();
  });
});
