import { beforeEach, describe, expect, it } from 'vitest';
import { deploy } from '../../source/engine/deploy.js';
import { rollback } from '../../source/engine/rollback.js';
import { databasesForFile, query } from '../helpers/database.js';
import { contextFor, makeProject, runCli, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

const tables = async (url: string) =>
  (await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((row) => row.tablename);

/** Three deployments: a+b, c, d (each table with a down file unless told). */
async function threeDeployments(url: string, options: { withoutDown?: string } = {}): Promise<{ project: TestProject; ids: number[] }> {
  const project = await makeProject({ url });
  const context = contextFor(project);
  const ids: number[] = [];
  const batches = [['1_a', '2_b'], ['3_c'], ['4_d']];
  for (const batch of batches) {
    for (const name of batch) {
      const table = name.split('_')[1]!;
      await project.write(`migrations/${name}.sql`, `CREATE TABLE ${table} (id int);\nINSERT INTO ${table} VALUES (1);\n`);
      if (options.withoutDown !== name) await project.write(`migrations/${name}.down.sql`, `DROP TABLE ${table};\n`);
    }
    project.commit(`add ${batch.join(', ')}`);
    const { deployment } = await deploy(context, 'dev');
    ids.push(deployment!.id);
  }
  return { project, ids };
}

describe('rollback', () => {
  let url: string;
  beforeEach(async () => {
    url = (await newDatabase()).url;
  });

  it('undoes the last deployment with its down files and records a rollback deployment', async () => {
    const { project, ids } = await threeDeployments(url);
    expect(await tables(url)).toEqual(['a', 'b', 'c', 'd']);
    const result = await runCli(['rollback', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(0);
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment).toMatchObject({ kind: 'rollback', status: 'succeeded', migrations: ['4'], reverts: [ids[2]] });
    expect(deployment.gitTag).toMatch(/^data\/dev\/stardate-/);
    expect(await tables(url)).toEqual(['a', 'b', 'c']);
    const applied = await query<{ version: string }>(url, 'SELECT version FROM data_meta.migrations ORDER BY seq');
    expect(applied.map((row) => row.version)).toEqual(['1', '2', '3']);
    const statuses = await query<{ id: number; status: string }>(url, 'SELECT id::int, status FROM data_meta.deployments ORDER BY id');
    expect(statuses.map((row) => row.status)).toEqual(['succeeded', 'succeeded', 'rolled_back', 'succeeded']);

    // The next rollback undoes the deployment before, and status shows 4 pending again.
    await runCli(['rollback', 'dev'], { cwd: project.dir, env: project.vars });
    expect(await tables(url)).toEqual(['a', 'b']);
    const status = JSON.parse((await runCli(['status', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout);
    expect(status.environments[0]).toMatchObject({ applied: ['1', '2'], pending: ['3', '4'], lastDeployment: { kind: 'rollback', status: 'succeeded' } });
  });

  it('--steps N undoes the last N deployments, newest migration first, in one transaction', async () => {
    const { project, ids } = await threeDeployments(url);
    const context = contextFor(project);
    const deployment = await rollback(context, 'dev', { steps: 3 });
    expect(deployment.migrations).toEqual(['4', '3', '2', '1']);
    expect(deployment.reverts).toEqual([ids[2], ids[1], ids[0]]);
    const order = context.events.filter((event) => event.type === 'migration.started').map((event) => (event as { version: string }).version);
    expect(order).toEqual(['4', '3', '2', '1']);
    expect(await tables(url)).toEqual([]);
  });

  it('--to <id> and --to <tag> undo every deployment after that one', async () => {
    const { project, ids } = await threeDeployments(url);
    const byId = await runCli(['rollback', 'dev', '--to', String(ids[1]), '--json'], { cwd: project.dir, env: project.vars });
    expect(byId.code).toBe(0);
    expect(await tables(url)).toEqual(['a', 'b', 'c']);

    const [first] = await query<{ git_tag: string }>(url, 'SELECT git_tag FROM data_meta.deployments WHERE id = $1', [ids[0]]);
    const byTag = await runCli(['rollback', 'dev', '--to', first!.git_tag], { cwd: project.dir, env: project.vars });
    expect(byTag.code).toBe(0);
    expect(await tables(url)).toEqual(['a', 'b']);

    const unknown = await runCli(['rollback', 'dev', '--to', 'data/dev/stardate-1999.001.0000'], { cwd: project.dir, env: project.vars });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('neither a deployment id nor a tag');
    const missing = await runCli(['rollback', 'dev', '--to', '99'], { cwd: project.dir, env: project.vars });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--to 99: no such deployment of dev');
    expect(await tables(url)).toEqual(['a', 'b']);
  });

  it('refuses with exit 3, naming the migration, when a down file is missing, and changes nothing', async () => {
    const { project } = await threeDeployments(url, { withoutDown: '3_c' });
    const result = await runCli(['rollback', 'dev', '--steps', '2'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('cannot roll back 3_c: it has no down file');
    expect(result.stderr).toContain('3_c.down.sql');
    expect(await tables(url)).toEqual(['a', 'b', 'c', 'd']);
    const kinds = await query<{ kind: string }>(url, 'SELECT kind FROM data_meta.deployments');
    expect(kinds.every((row) => row.kind === 'deploy')).toBe(true);
  });

  it('a failing down file reverts nothing and records the failed rollback', async () => {
    const { project } = await threeDeployments(url);
    await project.write('migrations/3_c.down.sql', 'DROP TABLE c;\nDROP TABLE no_such_table;\n');
    project.commit('break a down file');
    const result = await runCli(['rollback', 'dev', '--steps', '2', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment).toMatchObject({ kind: 'rollback', status: 'failed', error: { migration: '3_c', file: '3_c.down.sql', statement: 2 } });
    expect(deployment.error.committed).toBeUndefined();
    expect(result.stderr).toContain('nothing was reverted: the failing transaction was rolled back');
    expect(await tables(url)).toEqual(['a', 'b', 'c', 'd']);
    const applied = await query<{ version: string }>(url, 'SELECT version FROM data_meta.migrations ORDER BY seq');
    expect(applied.map((row) => row.version)).toEqual(['1', '2', '3', '4']);
  });

  it('reverts no-transaction down files outside a transaction', async () => {
    const project = await makeProject({
      url,
      migrations: {
        '1_items.sql': 'CREATE TABLE items (id int, name text);\n',
        '1_items.down.sql': 'DROP TABLE items;\n',
        '2_index.sql': '-- data:no-transaction\nCREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n',
        '2_index.down.sql': '-- data:no-transaction\nDROP INDEX CONCURRENTLY items_name_idx;\n',
      },
    });
    const context = contextFor(project);
    await deploy(context, 'dev');
    const deployment = await rollback(context, 'dev');
    expect(deployment.status).toBe('succeeded');
    expect(deployment.migrations).toEqual(['2', '1']);
    expect(await tables(url)).toEqual([]);
  });

  it('undoes in the reverse of the order applied; a failure after a no-transaction down file says that one stays reverted', async () => {
    const project = await makeProject({
      url,
      migrations: {
        '1_items.sql': 'CREATE TABLE items (id int, name text);\n',
        '1_items.down.sql': 'DROP TABLE items;\nDROP TABLE no_such_table;\n',
        '2_index.sql': '-- data:no-transaction\nCREATE INDEX CONCURRENTLY items_name_idx ON items (name);\n',
        '2_index.down.sql': '-- data:no-transaction\nDROP INDEX CONCURRENTLY items_name_idx;\n',
        '3_more.sql': 'CREATE TABLE more (id int);\n',
        '3_more.down.sql': 'DROP TABLE more;\n',
      },
    });
    // The deploy applies 1 and 3 in one transaction, then 2 on its own: the rollback undoes 2 first.
    expect((await deploy(contextFor(project), 'dev')).deployment?.migrations).toEqual(['1', '3', '2']);
    const result = await runCli(['rollback', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    const { deployment } = JSON.parse(result.stdout);
    expect(deployment).toMatchObject({ status: 'failed', migrations: ['2', '3', '1'], error: { migration: '1_items', statement: 2, committed: ['2'] } });
    expect(result.stderr).toContain('committed before the failure and still reverted: 2; the rest stays applied');
    expect(result.stderr).not.toContain('nothing was reverted');
    expect(await tables(url)).toEqual(['items', 'more']);
    expect(await query(url, `SELECT indexname FROM pg_indexes WHERE tablename = 'items'`)).toEqual([]);
    const applied = await query<{ version: string }>(url, 'SELECT version FROM data_meta.migrations ORDER BY seq');
    expect(applied.map((row) => row.version)).toEqual(['1', '3']);
  });

  it('a rollback that fails after undoing whole deployments marks those rolled_back, the rest stays succeeded', async () => {
    const project = await makeProject({
      url,
      migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a_typo;\n' },
    });
    const context = contextFor(project);
    await deploy(context, 'dev');
    await project.write('migrations/2_idx.sql', '-- data:no-transaction\nCREATE INDEX CONCURRENTLY a_idx ON a (id);\n');
    await project.write('migrations/2_idx.down.sql', '-- data:no-transaction\nDROP INDEX CONCURRENTLY a_idx;\n');
    await deploy(context, 'dev');
    await project.write('migrations/3_c.sql', 'CREATE TABLE c (id int);\n');
    await project.write('migrations/3_c.down.sql', 'DROP TABLE c;\n');
    await deploy(context, 'dev');

    const result = await runCli(['rollback', 'dev', '--steps', '3', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).deployment.error.committed).toEqual(['3', '2']);
    const history = JSON.parse((await runCli(['history', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout).deployments;
    expect(history.map((d: { id: number; kind: string; status: string }) => `#${d.id} ${d.kind} ${d.status}`)).toEqual([
      '#4 rollback failed',
      '#3 deploy rolled_back',
      '#2 deploy rolled_back',
      '#1 deploy succeeded',
    ]);
    expect(await tables(url)).toEqual(['a']);
  });

  it('says there is nothing to roll back, and rejects bad --steps', async () => {
    const project = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    const nothing = await runCli(['rollback', 'dev'], { cwd: project.dir, env: project.vars });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('nothing to roll back');
    const bad = await runCli(['rollback', 'dev', '--steps', '0'], { cwd: project.dir, env: project.vars });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--steps must be a whole number');
    await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    const tooMany = await runCli(['rollback', 'dev', '--steps', '5'], { cwd: project.dir, env: project.vars });
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('more than the 1 deployment(s)');
  });
});
