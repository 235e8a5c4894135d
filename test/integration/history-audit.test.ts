import { describe, expect, it } from 'vitest';
import { databasesForFile, query } from '../helpers/database.js';
import { makeProject, runCli } from '../helpers/project.js';

const newDatabase = databasesForFile();

async function deployedTwice() {
  const { url } = await newDatabase();
  const project = await makeProject({ url, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n', '1_a.down.sql': 'DROP TABLE a;\n' } });
  await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
  await project.write('migrations/2_b.sql', 'CREATE TABLE b (id int);\n');
  await project.write('migrations/2_b.down.sql', 'DROP TABLE b;\n');
  project.commit('b');
  await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
  return { url, project };
}

describe('status, history and the audit log', () => {
  it('status --json has the documented shape', async () => {
    const { project } = await deployedTwice();
    await project.write('migrations/3_c.sql', 'CREATE TABLE c (id int);\n');
    const result = await runCli(['status', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(0);
    const { environments } = JSON.parse(result.stdout);
    expect(environments.map((env: { name: string }) => env.name)).toEqual(['dev', 'prod']);
    expect(environments[0]).toMatchObject({ name: 'dev', reachable: true, applied: ['1', '2'], pending: ['3'], drift: [], lastDeployment: { kind: 'deploy', status: 'succeeded', migrations: ['2'] } });
    const human = await runCli(['status'], { cwd: project.dir, env: project.vars });
    expect(human.stdout).toMatch(/dev\s+yes\s+2\s+1\s+0\s+#2 deploy succeeded/);
    expect(human.stdout).toMatch(/prod \(protected\)\s+yes/);
  });

  it('reports an applied version that has no file here as drift', async () => {
    const { project } = await deployedTwice();
    await project.remove('migrations/2_b.sql');
    await project.remove('migrations/2_b.down.sql');
    const { environments } = JSON.parse((await runCli(['status', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout);
    expect(environments[0].drift).toEqual([{ version: '2', reason: 'applied (2_b) but no migration file with this version is here' }]);
  });

  it('history lists deployments newest first, with --limit', async () => {
    const { project } = await deployedTwice();
    await runCli(['rollback', 'dev'], { cwd: project.dir, env: project.vars });
    const all = JSON.parse((await runCli(['history', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout).deployments;
    expect(all.map((d: { id: number; kind: string; status: string }) => [d.id, d.kind, d.status])).toEqual([
      [3, 'rollback', 'succeeded'],
      [2, 'deploy', 'rolled_back'],
      [1, 'deploy', 'succeeded'],
    ]);
    const limited = JSON.parse((await runCli(['history', 'dev', '--json', '--limit', '1'], { cwd: project.dir, env: project.vars })).stdout).deployments;
    expect(limited).toHaveLength(1);
    const human = await runCli(['history', 'dev'], { cwd: project.dir, env: project.vars });
    expect(human.stdout).toMatch(/#3\s+rollback\s+succeeded\s+1/);
  });

  it('audit verify passes on an untouched log and finds the first edited or removed row', async () => {
    const { url, project } = await deployedTwice();
    const intact = await runCli(['audit', 'verify', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(intact.code).toBe(0);
    // Per deployment: started, one applied per migration, succeeded.
    expect(JSON.parse(intact.stdout)).toEqual({ intact: true, events: 6 });

    // The table refuses edits; only someone who disables the guard can tamper.
    await expect(query(url, `UPDATE data_meta.events SET actor = 'mallory'`)).rejects.toThrow(/append-only/);
    await query(url, 'ALTER TABLE data_meta.events DISABLE TRIGGER events_append_only');
    await query(url, `UPDATE data_meta.events SET payload = jsonb_set(payload, '{migrations}', '["9"]') WHERE id = 4`);
    const edited = await runCli(['audit', 'verify', 'dev'], { cwd: project.dir, env: project.vars });
    expect(edited.code).toBe(1);
    expect(edited.stdout).toContain('BROKEN at event 4');
    expect(edited.stdout).toContain('edited');

    const { url: otherUrl } = await newDatabase();
    const other = await makeProject({ url: otherUrl, migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    await runCli(['deploy', 'dev'], { cwd: other.dir, env: other.vars });
    await query(otherUrl, 'ALTER TABLE data_meta.events DISABLE TRIGGER events_append_only');
    await query(otherUrl, 'DELETE FROM data_meta.events WHERE id = 2');
    const removed = JSON.parse((await runCli(['audit', 'verify', 'dev', '--json'], { cwd: other.dir, env: other.vars })).stdout);
    expect(removed).toMatchObject({ intact: false, brokenAt: 3 });
    expect(removed.reason).toContain('removed or changed');
  });
});
