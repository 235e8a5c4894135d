import { execa } from 'execa';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databasesForFile, query } from '../helpers/database.js';
import { CLI, makeProject, runCli } from '../helpers/project.js';
import { waitFor } from '../helpers/wait.js';

const newDatabase = databasesForFile();

const CONFIG = `environments:
  dev:
    url: \${DATA_TEST_URL}
    lock_timeout: 60s
    lock_wait: 1s
`;

/**
 * A database whose table `gate` the test holds locked, and a project whose
 * migration reads it: a deploy started now blocks inside its transaction
 * until the gate opens.
 */
async function gatedDeploy() {
  const { url } = await newDatabase();
  await query(url, 'CREATE TABLE gate (id int)');
  const gate = new pg.Client({ connectionString: url });
  await gate.connect();
  await gate.query('BEGIN');
  await gate.query('LOCK TABLE gate IN ACCESS EXCLUSIVE MODE');
  const project = await makeProject({
    url,
    config: CONFIG,
    migrations: { '1_create_a.sql': 'CREATE TABLE a (id int);\n', '2_read_gate.sql': 'SELECT count(*) FROM gate;\n' },
  });
  const first = execa('node', [CLI, 'deploy', 'dev', '--json'], { cwd: project.dir, env: { ...project.vars, CI: 'true' }, reject: false });
  const running = await waitFor(
    async () => (await query<{ id: number; started_at: Date }>(url, `SELECT id::int, started_at FROM data_meta.deployments WHERE status = 'running'`).catch(() => []))[0],
    'the first deploy to start',
  );
  await waitFor(async () => (await query(url, `SELECT 1 FROM pg_locks WHERE relation = 'gate'::regclass AND NOT granted`)).length > 0, 'the first deploy to block on the gate');
  const open = async () => {
    await gate.query('COMMIT');
    await gate.end();
  };
  return { url, project, first, running, open };
}

describe('two operators at once', () => {
  it('a second deploy waits lock_wait, then exits 1 naming the running deployment, its operator and start time', async () => {
    const { url, project, first, running, open } = await gatedDeploy();
    const second = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('environment dev: locked by deploy #');
    expect(second.stderr).toContain(`#${running.id} by Test Operator <operator@example.test>, started ${running.started_at.toISOString()}`);
    expect(second.stderr).toContain('waited 1.00s');

    await open();
    const result = await first;
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout)).deployment.status).toBe('succeeded');
    const deployments = await query<{ status: string }>(url, 'SELECT status FROM data_meta.deployments');
    expect(deployments).toEqual([{ status: 'succeeded' }]);
  });

  it('a deploy killed with SIGKILL mid-run leaves the database as before; status reports it interrupted; the next deploy repairs it', async () => {
    const { url, project, first, running, open } = await gatedDeploy();
    first.kill('SIGKILL');
    await first;
    // The server notices the dead client once its statement can go on.
    await open();
    await waitFor(async () => (await query(url, `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted`)).length === 0, 'the killed backend to go');

    const status = await runCli(['status', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(status.code).toBe(0);
    const [environment] = JSON.parse(status.stdout).environments;
    expect(environment.applied).toEqual([]);
    expect(environment.pending).toEqual(['1', '2']);
    expect(environment.lastDeployment).toMatchObject({ id: running.id, status: 'running', interrupted: true });
    expect((await runCli(['status', 'dev'], { cwd: project.dir, env: project.vars })).stdout).toContain('was interrupted');
    expect(await query(url, `SELECT 1 FROM pg_tables WHERE tablename = 'a'`)).toEqual([]);

    const next = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`marked interrupted deployment(s) #${running.id} as failed`);
    const history = JSON.parse((await runCli(['history', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout).deployments;
    expect(history.map((d: { status: string }) => d.status)).toEqual(['succeeded', 'failed']);
    expect(history[1].error).toMatchObject({ interrupted: true });
  });
});
