import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { destroyEmbeddedServer, readInstance } from '../../source/adapters/embedded-postgres.js';
import { readStatus } from '../../source/engine/status.js';
import { query } from '../helpers/database.js';
import { contextFor, makeProject, runCli, scriptedInteraction } from '../helpers/project.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function tempDir(prefix: string): Promise<string> {
  // mkdtemp makes a 0700 folder: as root, one the postgres user cannot enter.
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('data init', () => {
  it('scaffolds the config, migrations/ and the .gitignore line, and never overwrites', async () => {
    const dir = await tempDir('data-init-');
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(0);
    const config = await readFile(join(dir, 'data.config.yaml'), 'utf8');
    expect(config).toContain('embedded: true');
    expect(existsSync(join(dir, 'migrations'))).toBe(true);
    expect(await readFile(join(dir, '.gitignore'), 'utf8')).toBe('.data/\n');

    const again = await runCli(['init'], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(await readFile(join(dir, 'data.config.yaml'), 'utf8')).toBe(config);
  });
});

describe('embedded local environment', () => {
  it('refuses to write .data/ in a repository that does not ignore it, with the exact fix', async () => {
    const project = await makeProject({ url: 'unused', config: 'environments:\n  local:\n    embedded: true\n' });
    await project.write('.gitignore', 'node_modules/\n');
    project.commit('no .data ignore');
    const result = await runCli(['status', 'local'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('.data/ is not ignored by git');
    expect(result.stderr).toContain(`echo '.data/' >> ${join(project.dir, '.gitignore')}`);
    expect(existsSync(join(project.dir, '.data'))).toBe(false);

    // Interactive: offered, and declining leaves everything as it was.
    const declined = scriptedInteraction({ confirm: false });
    await expect(readStatus(contextFor(project, { interaction: declined }), 'local')).rejects.toMatchObject({ exitCode: 2 });
    expect(declined.asked[0]).toContain('Add ".data/"');
    expect(await readFile(join(project.dir, '.gitignore'), 'utf8')).toBe('node_modules/\n');
  });

  it('starts on demand, is reused by later commands, deploys, and stops; as root from a folder only root can enter', async () => {
    const dir = await tempDir('data-local-');
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    cleanups.push(() => destroyEmbeddedServer(join(dir, '.data', 'postgres')));
    await writeFile(join(dir, 'migrations', '20261122093000_create_users.sql'), 'CREATE TABLE users (id int);\n');

    const deployed = await runCli(['deploy', 'local', '--json'], { cwd: dir });
    expect(deployed.code).toBe(0);
    expect(JSON.parse(deployed.stdout).deployment).toMatchObject({ status: 'succeeded', migrations: ['20261122093000'] });
    expect(deployed.stderr).toContain('starting the embedded PostgreSQL server');

    const status = JSON.parse((await runCli(['local', 'status', '--json'], { cwd: dir })).stdout);
    expect(status).toMatchObject({ initialised: true, running: true });
    const instance = (await readInstance(join(dir, '.data', 'postgres')))!;
    expect(statSync(join(dir, '.data', 'postgres', 'instance.json')).mode & 0o777).toBe(0o600);
    expect(deployed.stderr + deployed.stdout).not.toContain(instance.password);

    // Reused: the second command does not start a server.
    const again = await runCli(['status', 'local', '--json'], { cwd: dir });
    expect(again.stderr).not.toContain('starting');
    expect(JSON.parse(again.stdout).environments[0].applied).toEqual(['20261122093000']);
    const url = `postgres://postgres:${encodeURIComponent(instance.password)}@127.0.0.1:${instance.port}/local`;
    expect(await query(url, 'SELECT count(*)::int AS n FROM users')).toEqual([{ n: 0 }]);

    const stopped = await runCli(['local', 'stop'], { cwd: dir });
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain('stopped');
    expect(JSON.parse((await runCli(['local', 'status', '--json'], { cwd: dir })).stdout)).toMatchObject({ running: false, initialised: true });
  });

  it('two embedded environments, two processes at once, on a fresh project: one cluster, started once, both reachable', async () => {
    const dir = await tempDir('data-local-race-');
    expect((await runCli(['init'], { cwd: dir })).code).toBe(0);
    cleanups.push(() => destroyEmbeddedServer(join(dir, '.data', 'postgres')));
    await writeFile(join(dir, 'data.config.yaml'), 'project: race\nmigrations: migrations\nenvironments:\n  local:\n    embedded: true\n  other:\n    embedded: true\n');

    const [first, second] = await Promise.all([runCli(['status', '--json'], { cwd: dir }), runCli(['status', '--json'], { cwd: dir })]);
    for (const result of [first, second]) {
      expect(result.stderr).not.toContain('initdb failed');
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).environments.map((env: { name: string; reachable: boolean }) => [env.name, env.reachable])).toEqual([
        ['local', true],
        ['other', true],
      ]);
    }
    // One process initialised and started it, once; the other waited and found it running.
    const said = first.stderr + second.stderr;
    expect(said.match(/initialising the embedded PostgreSQL cluster/g)).toHaveLength(1);
    expect(said.match(/starting the embedded PostgreSQL server/g)).toHaveLength(1);
    expect(existsSync(join(dir, '.data', 'postgres', 'start.lock'))).toBe(false);
  });
});

describe('data demo --no-ui', () => {
  it('builds a git project deployed in steps: several deployments, one failed, one rollback', async () => {
    const dir = join(await tempDir('data-demo-'), 'demo');
    cleanups.push(() => destroyEmbeddedServer(join(dir, '.data', 'postgres')));
    const result = await runCli(['demo', '--no-ui', '--dir', dir], { cwd: tmpdir() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('history of local');

    const history = JSON.parse((await runCli(['history', 'local', '--json'], { cwd: dir })).stdout).deployments as Array<{ kind: string; status: string; gitTag: string | null }>;
    expect(history.length).toBeGreaterThanOrEqual(5);
    expect(history.filter((d) => d.status === 'failed')).toHaveLength(1);
    expect(history.filter((d) => d.kind === 'rollback' && d.status === 'succeeded')).toHaveLength(1);
    const commits = execFileSync('git', ['log', '--oneline'], { cwd: dir, encoding: 'utf8' }).trim().split('\n');
    expect(commits.length).toBeGreaterThanOrEqual(5);
    const migrations = readdirSync(join(dir, 'migrations')).filter((name) => !name.endsWith('.down.sql'));
    expect(migrations.length).toBeGreaterThanOrEqual(10);

    const status = JSON.parse((await runCli(['status', '--json'], { cwd: dir })).stdout).environments as Array<{ name: string; pending: string[] }>;
    expect(status.map((env) => env.name)).toEqual(['local', 'staging', 'prod']);
    expect(status[0]!.pending.length).toBeGreaterThan(0);

    // Running it again reuses the project.
    const again = await runCli(['demo', '--no-ui', '--dir', dir], { cwd: tmpdir() });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('reusing the demo project');
  });
});
