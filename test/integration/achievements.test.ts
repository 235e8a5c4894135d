import { statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databasesForFile } from '../helpers/database.js';
import { makeProject, runCli, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

// dev and prod share the test database; `down` never answers and must not get in the way.
const CONFIG = `project: shop
migrations: migrations
environments:
  dev:
    url: \${DATA_TEST_URL}
  prod:
    url: \${DATA_TEST_URL}
    protected: true
  down:
    url: postgres://nobody@127.0.0.1:1/nothing
    connect_timeout: 2s
`;

const MAKE_IT_SO = '★ achievement unlocked: Make it so! — first deployment';

describe('achievements through the CLI', () => {
  let project: TestProject;
  let settingsDir: string;
  let env: Record<string, string>;
  const cli = (...args: string[]) => runCli(args, { cwd: project.dir, env });

  const addMigration = async (name: string) => {
    const table = name.split('_')[1]!;
    await project.write(`migrations/${name}.sql`, `CREATE TABLE ${table} (id int);\n`);
    await project.write(`migrations/${name}.down.sql`, `DROP TABLE ${table};\n`);
    project.commit(`add ${name}`);
  };

  beforeEach(async () => {
    project = await makeProject({ url: (await newDatabase()).url, config: CONFIG });
    settingsDir = await mkdtemp(join(tmpdir(), 'data-achievements-'));
    env = { ...project.vars, DATA_SETTINGS_DIR: settingsDir };
  });
  afterEach(async () => {
    await rm(settingsDir, { recursive: true, force: true });
  });

  it('announces a first deploy once, a rollback, and shows both unlocked with the rest in progress', async () => {
    await addMigration('1_a');
    const first = await cli('deploy', 'dev');
    expect(first.code).toBe(0);
    expect(first.stderr.split('\n').filter((line) => line === MAKE_IT_SO)).toHaveLength(1);
    expect(first.stdout).not.toContain('★');

    await addMigration('2_b');
    const second = await cli('deploy', 'dev', '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).deployment.status).toBe('succeeded');
    expect(second.stdout).not.toContain('achievement');
    expect(second.stderr).not.toContain('Make it so!');

    const rollback = await cli('rollback', 'dev', '--json');
    expect(rollback.code).toBe(0);
    expect(JSON.parse(rollback.stdout).deployment.kind).toBe('rollback');
    expect(rollback.stderr).toContain('★ achievement unlocked: Time Travel Initiate — first rollback');
    expect(rollback.stderr).not.toContain('Make it so!');

    const listed = await cli('achievements', '--json');
    expect(listed.code).toBe(0);
    const achievements = JSON.parse(listed.stdout).achievements as Array<{ id: string; title: string; quote: string; unlocked: boolean; unlockedAt: string | null; current: number; target: number }>;
    const byId = Object.fromEntries(achievements.map((achievement) => [achievement.id, achievement]));
    expect(achievements.length).toBeGreaterThanOrEqual(12);
    expect(byId['first-deployment']).toMatchObject({ title: 'First Deployment', quote: 'Make it so!', unlocked: true, current: 1, target: 1 });
    expect(byId['first-rollback']).toMatchObject({ title: 'First Rollback', quote: 'Time Travel Initiate', unlocked: true });
    expect(Date.parse(byId['first-deployment']!.unlockedAt!)).not.toBeNaN();
    expect(byId['ten-deployments']).toMatchObject({ unlocked: false, unlockedAt: null, current: 2, target: 10 });
    expect(byId['migrations-1000']).toMatchObject({ unlocked: false, current: 2, target: 1000 });
    expect(byId['clean-deploys-100']).toMatchObject({ unlocked: false, current: 2, target: 100 });
    expect(byId['friday-13th']).toMatchObject({ unlocked: false, current: 0, target: 1 });
    // The unreachable environment is a note on stderr, not a failure.
    expect(listed.stderr).toContain('down skipped');

    // The settings file: only the owner can read it; it holds the unlocks and what was announced.
    const file = join(settingsDir, 'settings.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(file, 'utf8')).achievements;
    expect(Object.keys(saved.unlocked)).toEqual(expect.arrayContaining(['first-deployment', 'first-rollback']));
    expect(saved.announced).toEqual(expect.arrayContaining(['first-deployment', 'first-rollback']));

    // A third deploy announces neither again.
    const third = await cli('deploy', 'dev');
    expect(third.code).toBe(0);
    expect(third.stderr).not.toContain('Make it so!');
    expect(third.stderr).not.toContain('Time Travel Initiate');
  });

  it('draws the table with stars and progress, also when stdout is not a terminal', async () => {
    await addMigration('1_a');
    expect((await cli('deploy', 'dev')).code).toBe(0);
    const result = await cli('achievements');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Achievements of Test Operator <operator@example.test>: 1 of');
    const lines = result.stdout.split('\n');
    expect(lines.find((line) => line.includes('First Deployment'))).toMatch(/│ ★ │ First Deployment\s+│ "Make it so!"\s+│ unlocked \d{4}-\d{2}-\d{2}/);
    expect(lines.find((line) => line.includes('Ten Forward'))).toContain('▰▱▱▱▱▱▱▱▱▱ 1/10');
    expect(lines.find((line) => line.includes('1000 Migrations'))).toContain('1/1000');
    expect(result.stdout).toMatch(/^┌/m);
    expect(result.stdout).toMatch(/^└/m);
  });

  it('counts only your own deployments; unlocks stay yours', async () => {
    await addMigration('1_a');
    expect((await cli('deploy', 'dev')).code).toBe(0);
    project.git('config', 'user.email', 'riker@example.test');
    const listed = JSON.parse((await cli('achievements', '--json')).stdout).achievements as Array<{ id: string; unlocked: boolean; current: number }>;
    const byId = Object.fromEntries(listed.map((achievement) => [achievement.id, achievement]));
    expect(byId['first-deployment']).toMatchObject({ unlocked: true });
    expect(byId['ten-deployments']).toMatchObject({ unlocked: false, current: 0 });
  });

  it('with a persona, its line follows the factual one', async () => {
    await addMigration('1_a');
    const result = await cli('deploy', 'dev', '--persona', 'picard');
    expect(result.code).toBe(0);
    const lines = result.stderr.split('\n');
    const at = lines.indexOf(MAKE_IT_SO);
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toMatch(/^Picard: .*First Deployment/);
  });

  it('an environment that never answers costs at most the short budget, and the others still count', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as AddressInfo).port;
      await project.write('data.config.yaml', `${CONFIG}  silent:\n    url: postgres://nobody@127.0.0.1:${port}/nothing\n    connect_timeout: 60s\n`);
      await addMigration('1_a');
      const started = Date.now();
      const result = await cli('deploy', 'dev');
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(MAKE_IT_SO);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      silent.close();
    }
  });

  it('never changes the outcome: an unusable settings file is a one-line note, exit 0, no stack', async () => {
    const notAFolder = join(settingsDir, 'file');
    writeFileSync(notAFolder, 'not a folder');
    await addMigration('1_a');
    const result = await runCli(['deploy', 'dev', '--json'], { cwd: project.dir, env: { ...env, DATA_SETTINGS_DIR: notAFolder } });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).deployment.status).toBe('succeeded');
    const notes = result.stderr.split('\n').filter((line) => line.includes('achievements not updated'));
    expect(notes).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stderr).not.toContain('★');
  });
});
