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
    expect(history[1].error.committed).toBeUndefined();
  });

  it('a second deploy waiting for the lock does not deadlock with the first one\'s CREATE INDEX CONCURRENTLY', async () => {
    const { url } = await newDatabase();
    const project = await makeProject({
      url,
      config: CONFIG.replace('lock_wait: 1s', 'lock_wait: 60s'),
      migrations: {
        '1_t.sql': 'CREATE TABLE t (id int);\nSELECT pg_sleep(1.5);\n',
        '2_idx.sql': '-- data:no-transaction\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\n',
      },
    });
    const first = execa('node', [CLI, 'deploy', 'dev', '--json'], { cwd: project.dir, env: { ...project.vars, CI: 'true' }, reject: false });
    await waitFor(async () => (await query(url, `SELECT 1 FROM data_meta.deployments WHERE status = 'running'`).catch(() => [])).length > 0, 'the first deploy to start');
    const second = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    const done = await first;
    expect(done.stderr).not.toContain('deadlock');
    expect(done.exitCode).toBe(0);
    expect(second.stderr).toContain('waiting');
    expect(second.stdout + second.stderr).toContain('dev: nothing to deploy');
    expect(second.code).toBe(0);
    expect(await query(url, `SELECT indisvalid FROM pg_index WHERE indexrelid = 't_id_idx'::regclass`)).toEqual([{ indisvalid: true }]);
  });
});

describe('Ctrl-C and SIGTERM during a deploy', () => {
  it('SIGKILL during a no-transaction file: the repair records what had committed before it', async () => {
    const { url } = await newDatabase();
    const project = await makeProject({
      url,
      config: CONFIG,
      migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n', '2_slow.sql': '-- data:no-transaction\nSELECT pg_sleep(60);\n' },
    });
    const running = execa('node', [CLI, 'deploy', 'dev'], { cwd: project.dir, env: { ...project.vars, CI: 'true' }, reject: false });
    const sleeper = async () => (await query<{ pid: number }>(url, `SELECT pid FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'`))[0]?.pid;
    const pid = await waitFor(sleeper, 'the deploy to reach pg_sleep');
    running.kill('SIGKILL');
    await running;
    // What the server does once it notices the client is gone.
    await query(url, 'SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(async () => (await sleeper()) === undefined, 'the backend to go');

    const status = await runCli(['status', 'dev'], { cwd: project.dir, env: project.vars });
    expect(status.stdout).toContain('what its no-transaction files committed before stays');
    await project.write('migrations/2_slow.sql', '-- data:no-transaction\nSELECT 1;\n');
    const next = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(next.stderr).toContain('marked interrupted deployment(s) #1 as failed');
    const history = JSON.parse((await runCli(['history', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout).deployments;
    const interrupted = history.find((d: { id: number }) => d.id === 1);
    expect(interrupted.error).toMatchObject({ interrupted: true, committed: ['1'] });
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} cancels the running statement on the server (its locks go at once), records the failure and exits ${code}`, async () => {
      const { url } = await newDatabase();
      const project = await makeProject({
        url,
        config: CONFIG,
        migrations: {
          '1_a.sql': 'CREATE TABLE a (id int);\n',
          '2_slow.sql': '-- data:no-transaction\nCREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n',
        },
      });
      // A maximum_migration_duration well above the test: the operator's cancel must not be taken for the rule's.
      if (signal === 'SIGINT') await project.write('.data-prime-directive.yml', 'rules:\n  maximum_migration_duration: 5m\n');
      const running = execa('node', [CLI, 'deploy', 'dev', '--json'], { cwd: project.dir, env: { ...project.vars, CI: 'true' }, reject: false });
      const sleeping = async () => (await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'`))[0]!.n;
      await waitFor(async () => (await sleeping()) > 0, 'the deploy to reach pg_sleep');
      const sent = Date.now();
      running.kill(signal);
      const result = await running;
      expect(Date.now() - sent).toBeLessThan(20_000);
      expect(result.exitCode).toBe(code);
      expect(await sleeping()).toBe(0);
      expect(result.stderr).toContain('cancelling the running statement');
      const { deployment } = JSON.parse(String(result.stdout));
      expect(deployment.status).toBe('failed');
      expect(deployment.error).toMatchObject({ interrupted: true, migration: '2_slow', statement: 2, committed: ['1'] });
      expect(deployment.error.message).toMatch(/^cancelled by the operator/);
      expect(deployment.error.message).not.toContain('maximum_migration_duration');
      expect(result.stderr).toContain('statement 1 of 2_slow ran and stay');
      // 1_a committed before the no-transaction file; its first statement ran and stays, as the failure says.
      expect(deployment.error.message).toContain('statement 1 of this no-transaction file ran');
      expect(await query(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).toEqual([{ tablename: 'a' }, { tablename: 'slow' }]);
    });
  }
});
