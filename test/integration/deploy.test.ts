import { beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../../source/adapters/postgres.js';
import { loadSqlParser } from '../../source/adapters/sql-parser.js';
import { deploy } from '../../source/engine/deploy.js';
import { executeSteps } from '../../source/engine/execute.js';
import { parseScript } from '../../source/engine/plan.js';
import { loadMigrations, loadProject } from '../../source/engine/project.js';
import { databasesForFile, query } from '../helpers/database.js';
import { contextFor, makeProject, runCli, scriptedInteraction, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

const FIVE = {
  '001_create_users.sql': 'CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);\n',
  '002_create_posts.sql': 'CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id));\nCREATE INDEX posts_user_id_idx ON posts (user_id);\n',
  '003_broken.sql': 'ALTER TABLE posts ADD COLUMN title text;\n\nUPDATE posts SET title = missing_column;\n',
  '004_create_tags.sql': 'CREATE TABLE tags (name text PRIMARY KEY);\n',
  '005_seed_tags.sql': "INSERT INTO tags VALUES ('a'), ('b');\n",
};

const publicTables = async (url: string) =>
  (await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((row) => row.tablename);

describe('deploy', () => {
  let url: string;
  beforeEach(async () => {
    url = (await newDatabase()).url;
  });

  it('applies pending migrations with their bookkeeping, records the deployment and tags the commit', async () => {
    const project = await makeProject({ url, migrations: { '001_create_users.sql': FIVE['001_create_users.sql'], '002_create_posts.sql': FIVE['002_create_posts.sql'] } });
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(0);
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment).toMatchObject({ environment: 'dev', status: 'succeeded', kind: 'deploy', migrations: ['001', '002'] });
    expect(deployment.gitTag).toMatch(/^data\/dev\/stardate-\d{4}\.\d{3}\.\d{4}$/);
    expect(typeof deployment.durationMs).toBe('number');
    expect(await publicTables(url)).toEqual(['posts', 'users']);

    const rows = await query<{ version: string; checksum: string; deployment_id: number }>(url, 'SELECT version, checksum, deployment_id::int FROM data_meta.migrations ORDER BY version');
    expect(rows.map((row) => row.version)).toEqual(['001', '002']);
    expect(rows.every((row) => row.deployment_id === deployment.id && /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);
    const [recorded] = await query<{ status: string; git_sha: string; git_tag: string; operator: string }>(url, 'SELECT status, git_sha, git_tag, operator FROM data_meta.deployments WHERE id = $1', [deployment.id]);
    expect(recorded).toMatchObject({ status: 'succeeded', git_sha: project.git('rev-parse', 'HEAD'), git_tag: deployment.gitTag, operator: 'Test Operator <operator@example.test>' });

    // The tag is annotated, on the deployed commit, and its message is the deployment record.
    expect(project.git('cat-file', '-t', deployment.gitTag)).toBe('tag');
    expect(project.git('rev-list', '-n', '1', deployment.gitTag)).toBe(project.git('rev-parse', 'HEAD'));
    const message = JSON.parse(project.git('tag', '-l', '--format=%(contents)', deployment.gitTag));
    expect(message).toMatchObject({ id: deployment.id, environment: 'dev', status: 'succeeded', gitTag: deployment.gitTag, migrations: ['001', '002'] });

    // A second deploy has nothing to do.
    const again = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ deployment: null });
    expect(again.stderr).toContain('nothing to deploy');
  });

  it('an SQL error in the third of five migrations applies none of them, records the failure and exits 1', async () => {
    const project = await makeProject({ url, migrations: FIVE });
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment.status).toBe('failed');
    expect(deployment.error).toMatchObject({ migration: '003_broken', file: '003_broken.sql', statement: 2, line: 3, code: '42703' });
    expect(deployment.error.message).toContain('missing_column');
    expect(deployment.error.sql).toBe('UPDATE posts SET title = missing_column');
    expect(result.stderr).toContain('003_broken');
    expect(result.stderr).not.toMatch(/\n\s+at /);

    expect(await publicTables(url)).toEqual([]);
    expect(await query(url, 'SELECT * FROM data_meta.migrations')).toEqual([]);
    const [failed] = await query<{ status: string; error: { migration: string } }>(url, 'SELECT status, error FROM data_meta.deployments');
    expect(failed).toMatchObject({ status: 'failed', error: { migration: '003_broken' } });
    const events = await query<{ kind: string }>(url, 'SELECT kind FROM data_meta.events ORDER BY id');
    expect(events.map((event) => event.kind)).toEqual(['deploy.started', 'deploy.failed']);
    expect(project.git('tag', '--list')).toBe('');
  });

  it('names the failing statement of a run-time error the server gives no position for', async () => {
    const project = await makeProject({
      url,
      migrations: {
        '1_create_t.sql': 'CREATE TABLE t (id int PRIMARY KEY);\n',
        '2_fill_t.sql': 'INSERT INTO t VALUES (1);\nINSERT INTO t VALUES (2);\n\nINSERT INTO t VALUES (1);\n',
      },
    });
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment.error).toMatchObject({ migration: '2_fill_t', statement: 3, line: 4, code: '23505', sql: 'INSERT INTO t VALUES (1)' });
    expect(deployment.error.detail).toContain('Key (id)=(1) already exists');
    expect(await publicTables(url)).toEqual([]);
    expect(result.stderr).toContain('2_fill_t, statement 3 (2_fill_t.sql:4)');
    expect(result.stderr).toContain('nothing was applied: the failing transaction was rolled back');
  });

  it('runs a failing migration once: no replay doubles its side effects, lock waits or timeouts', async () => {
    const project = await makeProject({ url, migrations: { '1_seq.sql': 'CREATE SEQUENCE s;\n' } });
    expect((await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars })).code).toBe(0);
    // nextval is not transactional: each run of the statement shows in the sequence.
    await project.write('migrations/2_fail.sql', "SELECT nextval('s');\nSELECT 1 / 0;\n");
    project.commit('a failing migration');
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).deployment.error).toMatchObject({ migration: '2_fail', statement: 2, line: 2, code: '22012' });
    expect(await query(url, 'SELECT last_value::int AS n FROM s')).toEqual([{ n: 1 }]);
  });

  it('runs each migration inside a transaction with lock_timeout and statement_timeout set', async () => {
    const project = await makeProject({
      url,
      config: `environments:\n  dev:\n    url: \${DATA_TEST_URL}\n    lock_timeout: 3s\n    statement_timeout: 45s\n`,
      migrations: {
        '1_settings.sql': "CREATE TABLE settings AS SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout, now() = statement_timestamp() AS same;\n",
      },
    });
    await deploy(contextFor(project), 'dev');
    const [row] = await query<{ lock_timeout: string; statement_timeout: string }>(url, 'SELECT lock_timeout, statement_timeout FROM settings');
    expect(row).toMatchObject({ lock_timeout: '3s', statement_timeout: '45s' });
  });

  it('runs no-transaction migrations after the transactional batch, statement by statement, recording each', async () => {
    const project = await makeProject({
      url,
      migrations: {
        '1_create_items.sql': 'CREATE TABLE items (id int PRIMARY KEY, name text);\n',
        '2_index_items.sql': '-- data:no-transaction\nCREATE INDEX CONCURRENTLY items_name_idx ON items (name);\nCREATE INDEX CONCURRENTLY items_lower_name_idx ON items (lower(name));\n',
        '3_create_more.sql': 'CREATE TABLE more (id int);\n',
      },
    });
    const context = contextFor(project);
    const { deployment } = await deploy(context, 'dev');
    expect(deployment?.status).toBe('succeeded');
    expect(deployment?.migrations).toEqual(['1', '3', '2']);
    const started = context.events.filter((event) => event.type === 'migration.started').map((event) => (event as { version: string }).version);
    expect(started).toEqual(['1', '3', '2']);
    const indexes = await query<{ indexname: string }>(url, `SELECT indexname FROM pg_indexes WHERE tablename = 'items' ORDER BY 1`);
    expect(indexes.map((row) => row.indexname)).toEqual(['items_lower_name_idx', 'items_name_idx', 'items_pkey']);
    const applied = await query<{ version: string }>(url, 'SELECT version FROM data_meta.migrations ORDER BY seq');
    expect(applied.map((row) => row.version)).toEqual(['1', '3', '2']);
  });

  it('a failing no-transaction migration keeps the batch before it, says which statements ran, and exits 1', async () => {
    const project = await makeProject({
      url,
      migrations: {
        '1_create_items.sql': 'CREATE TABLE items (id int PRIMARY KEY, name text);\n',
        '2_index_items.sql': '-- data:no-transaction\nCREATE INDEX CONCURRENTLY items_name_idx ON items (name);\nCREATE INDEX CONCURRENTLY items_bad_idx ON items (nope);\n',
      },
    });
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment.error).toMatchObject({ migration: '2_index_items', statement: 2, line: 3, committed: ['1'] });
    expect(deployment.error.message).toContain('statement 1 of this no-transaction file ran and was not undone');
    expect(result.stderr).toContain('committed before the failure and still applied: 1');
    expect(result.stderr).not.toContain('nothing was applied');
    const applied = await query<{ version: string }>(url, 'SELECT version FROM data_meta.migrations');
    expect(applied.map((row) => row.version)).toEqual(['1']);
  });

  it('a no-transaction file whose own BEGIN ... COMMIT fails: that block rolls back, what ran before it stays, and the failure is recorded', async () => {
    const project = await makeProject({
      url,
      migrations: {
        '1_a.sql': 'CREATE TABLE a (id int);\n',
        '2_block.sql': '-- data:no-transaction\nCREATE TABLE before_block (id int);\nBEGIN;\nCREATE TABLE inside_block (id int);\nSELECT 1/0;\nCOMMIT;\n',
      },
    });
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain('unexpected error');
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment.status).toBe('failed');
    expect(deployment.error).toMatchObject({ migration: '2_block', statement: 4, committed: ['1'] });
    expect(deployment.error.message).toBe('division by zero; statement 1 of this no-transaction file ran and was not undone');
    expect(await publicTables(url)).toEqual(['a', 'before_block']);
    const [row] = await query<{ status: string }>(url, 'SELECT status FROM data_meta.deployments');
    expect(row!.status).toBe('failed');
  });

  it('refuses transaction control inside a transactional migration before running anything', async () => {
    const project = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'BEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n' } });
    const result = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2_b.sql:1');
    expect(result.stderr).toContain('-- data:no-transaction');
    expect(await publicTables(url)).toEqual([]);
  });

  it('reports a syntax error with file and line, and runs nothing', async () => {
    const project = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n', '2_b.sql': 'CREATE TABLE b (id int);\n\nCREATE TABEL c (id int);\n' } });
    const result = await runCli(['plan', 'dev'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2_b.sql:3');
    expect(result.stderr).toContain('syntax error at or near "TABEL"');
    const deployed = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(deployed.code).toBe(1);
    expect(await publicTables(url)).toEqual([]);
  });

  it('blocks on drift with exit 3 unless --allow-drift', async () => {
    const project = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    expect((await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars })).code).toBe(0);
    await project.write('migrations/1_a.sql', 'CREATE TABLE a (id bigint);\n');
    await project.write('migrations/2_b.sql', 'CREATE TABLE b (id int);\n');
    project.commit('edit an applied migration');

    const status = JSON.parse((await runCli(['status', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout);
    expect(status.environments[0].drift).toEqual([{ version: '1', reason: expect.stringContaining('1_a.sql changed after it was applied') }]);

    // plan exits with the code deploy would, and says why.
    const planned = await runCli(['plan', 'dev'], { cwd: project.dir, env: project.vars });
    expect(planned.code).toBe(3);
    expect(planned.stdout).toContain('verdict: deploy would be REFUSED (1):');
    expect(planned.stdout).toContain('drift: 1 applied migration(s) of dev changed or vanished since they were deployed');
    expect(planned.stdout).not.toContain('deploy may run');
    expect((await runCli(['plan', 'dev', '--json'], { cwd: project.dir, env: project.vars })).code).toBe(3);
    const plannedAnyway = await runCli(['plan', 'dev', '--allow-drift'], { cwd: project.dir, env: project.vars });
    expect(plannedAnyway.code).toBe(0);
    expect(plannedAnyway.stdout).toContain('verdict: deploy may run');

    const refused = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('drifted');
    expect(refused.stderr).toContain('--allow-drift');
    expect(await publicTables(url)).toEqual(['a']);

    const allowed = await runCli(['deploy', 'dev', '--allow-drift'], { cwd: project.dir, env: project.vars });
    expect(allowed.code).toBe(0);
    expect(await publicTables(url)).toEqual(['a', 'b']);
    // Nothing pending, still drifted: deploy refuses, and plan says so.
    expect((await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars })).code).toBe(3);
    const nothingPending = await runCli(['plan', 'dev'], { cwd: project.dir, env: project.vars });
    expect(nothingPending.code).toBe(3);
    expect(nothingPending.stdout).toContain('verdict: deploy would be REFUSED: 1 applied migration(s) of dev changed or vanished');
  });

  it('a protected environment needs --yes when nobody can type, or its name typed back', async () => {
    const project = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    const refused = await runCli(['deploy', 'prod'], { cwd: project.dir, env: project.vars });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('environment prod: protected: deploy of 1 migration(s) needs confirmation');
    expect(refused.stderr).toContain('--yes');
    expect(await publicTables(url)).toEqual([]);

    const wrong = scriptedInteraction({ typed: 'prd' });
    await expect(deploy(contextFor(project, { interaction: wrong }), 'prod')).rejects.toMatchObject({ exitCode: 3 });
    expect(wrong.asked[0]).toContain('Type "prod"');
    expect(await publicTables(url)).toEqual([]);

    const right = scriptedInteraction({ typed: 'prod' });
    const { deployment } = await deploy(contextFor(project, { interaction: right }), 'prod');
    expect(deployment?.status).toBe('succeeded');
    expect(await publicTables(url)).toEqual(['a']);
  });

  it('deploys without a tag, and says why, outside a git repository or from a dirty tree', async () => {
    const plain = await makeProject({ url, git: false, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    const outside = await runCli(['deploy', 'dev', '--json'], { cwd: plain.dir, env: plain.vars });
    expect(outside.code).toBe(0);
    expect(JSON.parse(outside.stdout).deployment).toMatchObject({ status: 'succeeded', gitTag: null });
    expect(outside.stderr).toContain('not tagged');
    expect(outside.stderr).toContain('is not a git repository');

    const other = await newDatabase();
    const dirty: TestProject = await makeProject({ url: other.url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    await dirty.write('migrations/2_b.sql', 'CREATE TABLE b (id int);\n');
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: dirty.dir, env: dirty.vars });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).deployment).toMatchObject({ status: 'succeeded', gitTag: null, migrations: ['1', '2'] });
    expect(result.stderr).toContain('uncommitted changes (migrations/2_b.sql)');
    expect(dirty.git('tag', '--list')).toBe('');
  });

  it('gives a second tag in the same minute a -2 suffix', async () => {
    const project = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    const fixed = new Date('2026-11-13T15:42:10Z');
    const context = contextFor(project, { clock: () => fixed });
    const first = await deploy(context, 'dev');
    await project.write('migrations/2_b.sql', 'CREATE TABLE b (id int);\n');
    project.commit('b');
    const second = await deploy(context, 'dev');
    expect(first.deployment?.gitTag).toBe('data/dev/stardate-2026.317.1542');
    expect(second.deployment?.gitTag).toBe('data/dev/stardate-2026.317.1542-2');
  });
});

describe('executeSteps, with an interrupt injected into the bookkeeping', () => {
  it('a no-transaction file that committed is recorded even when the cancel lands on its record: the record is tried again', async () => {
    const { url } = await newDatabase();
    const project = await makeProject({ url, migrations: { '1_nt.sql': '-- data:no-transaction\nCREATE TABLE kept (id int);\n' } });
    const [migration] = await loadMigrations(await loadProject(contextFor(project)));
    await loadSqlParser();
    const db = await Database.connect({ url, environment: 'dev' });
    try {
      const controller = new AbortController();
      let tries = 0;
      let settled = 0;
      const result = await executeSteps(db, {
        steps: [{ migration: migration!, script: parseScript(migration!.up, 'migrations'), direction: 'up' }],
        timeouts: { lockTimeoutMs: 0, statementTimeoutMs: 0 },
        report: () => {},
        signal: controller.signal,
        settleCancel: async () => {
          settled++;
        },
        // Failure injection: the operator's cancel arrives while the first record runs.
        record: async () => {
          tries++;
          if (tries === 1) {
            controller.abort();
            throw Object.assign(new Error('canceling statement due to user request'), { code: '57014' });
          }
          await db.query('CREATE TABLE recorded (id int)');
        },
        finish: async () => {},
      });
      expect(result.ok).toBe(true);
      expect(result.timings.map(({ step }) => step.migration.version)).toEqual(['1']);
      expect(tries).toBe(2);
      expect(settled).toBe(1);
      expect(await publicTables(url)).toEqual(['kept', 'recorded']);
    } finally {
      await db.close();
    }
  });
});
