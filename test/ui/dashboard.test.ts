import pg from 'pg';
import { beforeEach, describe, expect, it } from 'vitest';
import { deploy } from '../../source/engine/deploy.js';
import { databasesForFile, query } from '../helpers/database.js';
import { KEYS, renderDashboard } from '../helpers/dashboard.js';
import { contextFor, makeProject, type TestProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait.js';

const newDatabase = databasesForFile();

const CONFIG = `project: shop
migrations: migrations
environments:
  dev:
    url: \${DEV_URL}
    lock_wait: 2s
    lock_timeout: 30s
  prod:
    url: \${PROD_URL}
    protected: true
  down:
    url: postgres://nobody@127.0.0.1:1/nothing
    connect_timeout: 2s
`;

const tables = async (url: string) =>
  (await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((row) => row.tablename);

interface Setup {
  project: TestProject;
  devUrl: string;
  prodUrl: string;
}

/** dev and prod with three deployments each: a+b, c (no down file when asked), d. */
async function setup(options: { withoutDown?: string; deployed?: number } = {}): Promise<Setup> {
  const devUrl = (await newDatabase()).url;
  const prodUrl = (await newDatabase()).url;
  const project = await makeProject({ url: devUrl, config: CONFIG });
  project.vars.DEV_URL = devUrl;
  project.vars.PROD_URL = prodUrl;
  const context = contextFor(project);
  const batches = [['1_a', '2_b'], ['3_c'], ['4_d']].slice(0, options.deployed ?? 3);
  for (const batch of batches) {
    for (const name of batch) {
      const table = name.split('_')[1]!;
      await project.write(`migrations/${name}.sql`, `CREATE TABLE ${table} (id int);\nINSERT INTO ${table} VALUES (1);\n`);
      if (options.withoutDown !== name) await project.write(`migrations/${name}.down.sql`, `DROP TABLE ${table};\n`);
    }
    project.commit(`add ${batch.join(', ')}`);
    await deploy(context, 'dev');
    await deploy(context, 'prod', { yes: true });
  }
  return { project, devUrl, prodUrl };
}

const open = (s: Setup, options: { columns?: number; rows?: number; readOnly?: boolean; environment?: string } = {}) =>
  renderDashboard({ context: contextFor(s.project), ...options });

/** d on the selected environment, its plan of `pending` migrations, then Enter: the deploy runs. */
async function deployByKeyboard(ui: Awaited<ReturnType<typeof open>>, pending: number) {
  await ui.waitForFrame(new RegExp(`${pending} pending`));
  await ui.press('d');
  await ui.waitForFrame(`${pending} pending migration(s)`);
  await ui.press(KEYS.enter);
}

const longestLine = (frame: string) => Math.max(...frame.split('\n').map((line) => [...line].length));

describe('dashboard layout', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });

  it('draws the four panes in a 2x2 grid at 120x35, with an unreachable environment shown in its row', async () => {
    const ui = await open(s);
    const frame = await ui.waitForFrame('1 Environments', '2 History · dev', '3 Diff timeline', '4 Performance', 'down');
    expect(frame).toMatch(/▸ dev\s+● up\s+last #3 deploy succeeded/);
    expect(frame).toMatch(/prod\s+● up/);
    expect(frame).toContain('protected');
    expect(frame).toMatch(/down\s+✗ down/);
    expect(frame).toContain('127.0.0.1:1');
    // Both pane columns sit on one row: the grid, not a stack.
    expect(frame.split('\n').some((line) => line.includes('1 Environments') && line.includes('2 History'))).toBe(true);
    expect(longestLine(frame)).toBeLessThanOrEqual(120);
    expect(frame.split('\n').length).toBeLessThanOrEqual(34);
  });

  it('falls back to one column at 80x24, with the focused pane expanded and nothing wider than the terminal', async () => {
    const ui = await open(s, { columns: 80, rows: 24 });
    let frame = await ui.waitForFrame('[1 Environments]', 'dev');
    expect(frame).not.toContain('┃ 2 History');
    expect(longestLine(frame)).toBeLessThanOrEqual(80);
    expect(frame.split('\n').length).toBeLessThanOrEqual(23);
    await ui.press(KEYS.tab);
    frame = await ui.waitForFrame('[2 History]', '#3');
    expect(frame).toContain('#1');
    expect(longestLine(frame)).toBeLessThanOrEqual(80);
    await ui.press('4');
    await ui.waitForFrame('[4 Performance]');
    // Resizing to a big terminal brings the grid back.
    ui.resize(140, 40);
    frame = await ui.waitForFrame('1 Environments', '3 Diff timeline');
    expect(frame.split('\n').some((line) => line.includes('3 Diff timeline') && line.includes('4 Performance'))).toBe(true);
  });

  it('? opens the help generated from the keymap; Esc closes it', async () => {
    const ui = await open(s);
    await ui.waitForFrame('dev');
    await ui.press('?');
    const frame = await ui.waitForFrame('Keys', 'everywhere');
    for (const text of ['roll back this deployment and every later one', 'deploy the selected environment', '[dangerous]', 'filter by id', 'mark a point']) {
      expect(frame).toContain(text);
    }
    await ui.press(KEYS.escape);
    await ui.waitForFrame('1 Environments');
  });
});

describe('history pane', () => {
  it('lists deployments newest first, filters with /, and opens one with Enter', async () => {
    const s = await setup();
    const ui = await open(s);
    await ui.waitForFrame('#3');
    await ui.press('2');
    let frame = await ui.waitForFrame(/▸#3\s/);
    expect(frame.indexOf('#3 ')).toBeLessThan(frame.indexOf('#1 '));
    await ui.press('/', '#', '2');
    frame = await ui.waitForFrame('/#2▌', '1/1 of 3');
    expect(frame).not.toMatch(/#3\s+\d{3}\.\d{4}/);
    await ui.press(KEYS.enter);
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame('#2 deploy of dev: succeeded', '3_c.sql');
    expect(frame).toContain('CREATE TABLE c (id int)');
    expect(frame).toContain('INSERT INTO c VALUES (1)');
    await ui.press(KEYS.escape);
    await ui.waitForFrame('2 History · dev');
  });

  it('shows the error of a failed deployment: migration, statement, message', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('migrations/5_e.sql', 'CREATE TABLE e (id int);\nINSERT INTO e VALUES (1);\nINSERT INTO nowhere VALUES (1);\n');
    s.project.commit('add e');
    await deploy(contextFor(s.project), 'dev');
    const ui = await open(s);
    await ui.waitForFrame('#2');
    await ui.press('2', KEYS.enter);
    const frame = await ui.waitForFrame('#2 deploy of dev: failed', 'relation "nowhere" does not exist');
    expect(frame).toContain('5_e');
    expect(frame).toContain('statement 3');
  });
});

describe('rollback by keyboard', () => {
  it('undoes the deployment under the cursor and every later one, showing the down files first', async () => {
    const s = await setup();
    const ui = await open(s);
    await ui.waitForFrame('#3');
    await ui.press('2', 'j', 'r');
    let frame = await ui.waitForFrame('Roll back dev', 'undo deployment(s) #3, #2 of dev');
    expect(frame).toContain('4_d.down.sql');
    expect(frame).toContain('3_c.down.sql');
    expect(frame).not.toContain('2_b.down.sql');
    expect(frame).toContain('[Esc] cancel   [Enter] roll back dev');
    expect(await tables(s.devUrl)).toEqual(['a', 'b', 'c', 'd']);
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame('✓ rollback #4 of dev succeeded');
    expect(frame).toContain('reverted 3_c');
    expect(await tables(s.devUrl)).toEqual(['a', 'b']);
    expect(await tables(s.prodUrl)).toEqual(['a', 'b', 'c', 'd']);
    await ui.press(KEYS.escape);
    frame = await ui.waitForFrame(/#4\s+\S+\s+rollback\s+succeeded/);
    expect(frame).toMatch(/#3\s+\S+\s+deploy\s+rolled_back/);
    expect(frame).toMatch(/last #4 rollback succeeded/);
  });

  it('on a protected environment, runs only after the environment name is typed back', async () => {
    const s = await setup();
    const ui = await open(s, { environment: 'prod' });
    await ui.waitForFrame('2 History · prod', '#3');
    await ui.press('2', 'r');
    await ui.waitForFrame('Roll back prod  [protected]', 'Type its name to roll back');
    await ui.press(KEYS.enter);
    await ui.press('p', 'r', 'o');
    await ui.press(KEYS.enter);
    expect(await tables(s.prodUrl)).toEqual(['a', 'b', 'c', 'd']);
    expect(ui.frame()).not.toContain('✓ rollback');
    await ui.press('d');
    await ui.waitForFrame('roll back: prod▌');
    await ui.press(KEYS.enter);
    await ui.waitForFrame('✓ rollback #4 of prod succeeded');
    expect(await tables(s.prodUrl)).toEqual(['a', 'b', 'c']);
  });

  it('says why it cannot run when a down file is missing, and runs nothing', async () => {
    const s = await setup({ withoutDown: '3_c' });
    const ui = await open(s);
    await ui.waitForFrame('#3');
    await ui.press('2', 'j', 'r');
    const frame = await ui.waitForFrame('cannot roll back: cannot roll back 3_c: it has no down file', 'NO DOWN FILE');
    expect(frame).toContain('write 3_c.down.sql');
    await ui.press(KEYS.enter);
    expect(await tables(s.devUrl)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('the r key says why on a failed deployment or a rollback', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('migrations/5_e.sql', 'INSERT INTO nowhere VALUES (1);\n');
    s.project.commit('broken');
    await deploy(contextFor(s.project), 'dev');
    const ui = await open(s);
    await ui.waitForFrame('#2');
    await ui.press('2', 'r');
    await ui.waitForFrame('r rollback: #2 failed: it applied nothing to undo');
    expect(ui.frame()).not.toContain('Roll back dev');
    // On the deployment below, r opens the rollback: the footer's earlier word goes.
    await ui.press('j', 'r');
    await ui.waitForFrame('Roll back dev');
    expect(ui.frame()).not.toContain('it applied nothing to undo');
  });
});

describe('deploy by keyboard', () => {
  it('shows the plan, deploys on Enter with live progress, and tags the commit', async () => {
    const s = await setup({ deployed: 2 });
    await s.project.write('migrations/4_d.sql', 'CREATE TABLE d (id int);\n');
    s.project.commit('add d');
    const ui = await open(s);
    await ui.waitForFrame(/1 pending/);
    await ui.press('d');
    let frame = await ui.waitForFrame('Deploy dev', '1 pending migration(s) will run', '4_d.sql  1 statement(s)');
    expect(await tables(s.devUrl)).toEqual(['a', 'b', 'c']);
    await ui.press(KEYS.enter);
    frame = await ui.waitForFrame('✓ deploy #3 of dev succeeded', 'tagged data/dev/stardate-');
    expect(frame).toContain('applied  4_d');
    expect(await tables(s.devUrl)).toEqual(['a', 'b', 'c', 'd']);
    expect(s.project.git('tag', '--list', 'data/dev/*').split('\n')).toHaveLength(3);
  });

  it('a failing migration leaves the database as it was and says where it failed', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('migrations/3_c.sql', 'CREATE TABLE c (id int);\n');
    await s.project.write('migrations/4_d.sql', 'CREATE TABLE d (id int);\nINSERT INTO d VALUES (\'x\');\n');
    s.project.commit('add c, d');
    const ui = await open(s);
    await deployByKeyboard(ui, 2);
    const frame = await ui.waitForFrame('✗ deploy #2 of dev failed', 'nothing was applied: the failing transaction was rolled back');
    expect(frame).toContain('4_d, statement 2');
    expect(frame).toContain('invalid input syntax for type integer');
    expect(await tables(s.devUrl)).toEqual(['a', 'b']);
  });

  it('q while a deploy runs asks first; the deploy finishes when kept', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('migrations/3_c.sql', 'INSERT INTO a VALUES (2);\n');
    s.project.commit('add c');
    const blocker = new pg.Client({ connectionString: s.devUrl });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE a IN ACCESS EXCLUSIVE MODE');
      const ui = await open(s);
      await deployByKeyboard(ui, 1);
      await ui.waitForFrame('running:', 'applying 3_c');
      await ui.press('q');
      await ui.waitForFrame('deploy of dev is still running', '[y] quit anyway');
      expect(ui.store.getState().quitting).toBe(false);
      await ui.press('n');
      await blocker.query('ROLLBACK');
      await ui.waitForFrame('✓ deploy #2 of dev succeeded');
      await ui.press(KEYS.escape, 'q');
      expect(ui.store.getState().quitting).toBe(true);
    } finally {
      await blocker.end();
    }
    expect(await query(s.devUrl, 'SELECT id FROM a ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('a failure after a migration committed says what stays applied, and r undoes that failed deployment', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('migrations/3_c.sql', 'CREATE TABLE c (id int);\n');
    await s.project.write('migrations/3_c.down.sql', 'DROP TABLE c;\n');
    await s.project.write('migrations/4_bad.sql', '-- data:no-transaction\nCREATE INDEX CONCURRENTLY c_bad ON c (nope);\n');
    s.project.commit('add c and a bad index');
    const ui = await open(s);
    await deployByKeyboard(ui, 2);
    const result = await ui.waitForFrame('✗ deploy #2 of dev failed', 'committed before the failure and still applied: 3');
    expect(result).not.toContain('nothing was applied');
    expect(await tables(s.devUrl)).toEqual(['a', 'b', 'c']);
    await ui.press(KEYS.escape, '2');
    await ui.waitForFrame(/▸#2 .*failed/);
    await ui.press('r');
    await ui.waitForFrame('undo deployment(s) #2 of dev', '3_c.down.sql');
    await ui.press(KEYS.enter);
    await ui.waitForFrame('✓ rollback #3 of dev succeeded');
    expect(await tables(s.devUrl)).toEqual(['a', 'b']);
  });

  it('q then y while a deploy runs cancels it: the statement stops on the server, nothing is applied, the failure is recorded', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('migrations/3_c.sql', 'CREATE TABLE c (id int);\nSELECT pg_sleep(60);\n');
    s.project.commit('add c');
    const ui = await open(s);
    await deployByKeyboard(ui, 1);
    await ui.waitForFrame('running:', 'applying 3_c');
    await waitFor(async () => (await sleeping(s.devUrl)) > 0, 'pg_sleep on the server');
    await ui.press('q');
    await ui.waitForFrame('deploy of dev is still running', 'Quitting now cancels it');
    await ui.press('y');
    expect(ui.store.getState().quitting).toBe(true);
    // What runDashboard does once the app has exited.
    const started = Date.now();
    await ui.store.getState().stop();
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await sleeping(s.devUrl)).toBe(0);
    expect(await tables(s.devUrl)).toEqual(['a', 'b']);
    const [row] = await query<{ status: string; error: { message: string; interrupted?: boolean } }>(s.devUrl, 'SELECT status, error FROM data_meta.deployments ORDER BY id DESC LIMIT 1');
    expect(row!.status).toBe('failed');
    expect(row!.error.message).toMatch(/^cancelled by the operator/);
    expect(row!.error.interrupted).toBe(true);
  });
});

/** Statements of the deploy still sleeping on the server. */
const sleeping = async (url: string) =>
  (await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'"))[0]!.n;

describe('command palette', () => {
  it('completes commands and environments, and runs the same rollback as the command line', async () => {
    const s = await setup();
    const ui = await open(s);
    await ui.waitForFrame('#3');
    await ui.press(':', 'r', 'o', KEYS.tab);
    await ui.waitForFrame(':rollback ▌');
    await ui.press('d', KEYS.tab);
    // dev and down share the d: Tab lists both and waits for another letter.
    await ui.waitForFrame(':rollback d▌', 'Tab: dev  down');
    await ui.press('e', KEYS.tab);
    await ui.waitForFrame(':rollback dev ▌');
    for (const key of '--steps 2') await ui.press(key);
    await ui.press(KEYS.enter);
    await ui.waitForFrame('undo deployment(s) #3, #2 of dev');
    await ui.press(KEYS.enter);
    await ui.waitForFrame('✓ rollback #4 of dev succeeded');
    expect(await tables(s.devUrl)).toEqual(['a', 'b']);
  });

  it('while typing (palette, filter) the footer offers only Enter and Esc; a closed rollback preview says nothing ran', async () => {
    const s = await setup({ deployed: 1 });
    const ui = await open(s);
    await ui.waitForFrame('#1');
    const footer = (frame: string) => frame.split('\n').slice(-2)[0]!;
    await ui.press(':');
    const palette = await ui.waitForFrame(':▌');
    expect(footer(palette)).toMatch(/^Enter confirm\s+Esc cancel\s*$/);
    await ui.press('q');
    expect(ui.store.getState().quitting).toBe(false);
    await ui.press(KEYS.escape, '2', '/');
    const filtering = await ui.waitForFrame('/▌');
    expect(footer(filtering)).toMatch(/^Enter confirm\s+Esc cancel\s*$/);
    await ui.press(KEYS.escape, 'r');
    await ui.waitForFrame('undo deployment(s) #1 of dev');
    await ui.press(KEYS.escape);
    await ui.waitForFrame('rollback of dev: cancelled, nothing ran');
  });

  it('names what is wrong: unknown command, unknown environment', async () => {
    const s = await setup({ deployed: 1 });
    const ui = await open(s);
    await ui.waitForFrame('#1');
    await ui.press(':');
    for (const key of 'deploy nowhere') await ui.press(key);
    await ui.press(KEYS.enter);
    await ui.waitForFrame('no environment "nowhere": this project has dev, prod, down');
    await ui.press(KEYS.escape, ':');
    for (const key of 'launch') await ui.press(key);
    await ui.press(KEYS.enter);
    await ui.waitForFrame('unknown command "launch"');
  });
});

describe('--read-only', () => {
  it('removes deploy and rollback everywhere: keys, help, palette', async () => {
    const s = await setup();
    await s.project.write('migrations/5_e.sql', 'CREATE TABLE e (id int);\n');
    s.project.commit('add e');
    const ui = await open(s, { readOnly: true });
    await ui.waitForFrame('READ-ONLY', '#3');
    await ui.press('d');
    await ui.press('2', 'r');
    expect(ui.frame()).not.toContain('Deploy dev');
    expect(ui.frame()).not.toContain('Roll back dev');
    await ui.press('?');
    const help = await ui.waitForFrame('read-only: dangerous actions are removed');
    expect(help).not.toContain('[dangerous]');
    await ui.press(KEYS.escape, ':');
    for (const key of 'deploy dev') await ui.press(key);
    await ui.press(KEYS.enter);
    await ui.waitForFrame('deploy is not available: the dashboard was opened with --read-only');
    expect(await tables(s.devUrl)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('diff timeline', () => {
  it('shows each deployment\'s schema changes and the net change between two marks', async () => {
    const s = await setup({ deployed: 2 });
    await s.project.write('migrations/4_d.sql', 'ALTER TABLE a ADD COLUMN email text;\nDROP TABLE c;\n');
    await s.project.write('migrations/4_d.down.sql', 'CREATE TABLE c (id int);\nALTER TABLE a DROP COLUMN email;\n');
    s.project.commit('change a, drop c');
    await deploy(contextFor(s.project), 'dev', { overrides: [{ rule: 'never-drop-table-with-data', justification: 'table c holds one test row nobody needs' }] });
    const ui = await open(s);
    await ui.press('3');
    let frame = await ui.waitForFrame('+ column a.email text', '- table c  !destructive', '+ table c');
    await ui.press(' ', 'j', 'j', ' ');
    frame = await ui.waitForFrame('Δ after #1 through #3');
    // c was created (#2) and dropped (#3) inside the window: no net change for it.
    const delta = frame.slice(frame.indexOf('Δ after'));
    expect(delta).toContain('+ column a.email text');
    expect(delta).not.toContain('table c');
  });
});

describe('performance pane', () => {
  it('shows the numbers of one poll of the selected environment', async () => {
    const s = await setup({ deployed: 1 });
    const ui = await open(s);
    await ui.waitForFrame('#1', 'TPS');
    const before = ui.store.getState().metrics.points.length;
    await ui.store.getState().pollMetrics();
    const frame = await ui.waitForFrame('TPS', 'connections', 'cache hit', 'database size', 'blocked');
    expect(frame).toMatch(/server\s+\d+\/\d+\s+connections of max_connections/);
    expect(ui.store.getState().metrics.points.length).toBe(before + 1);
    expect(frame).toMatch(/TPS\s+\d+\.\d/);
  });
});

describe('deploy view: the safety verdicts', () => {
  it('shows lint, live checks and risk, and refuses what the command line would refuse', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('migrations/3_c.sql', 'CREATE INDEX a_id_idx ON a (id);\nDROP TABLE b;\n');
    s.project.commit('index a, drop b');
    const ui = await open(s);
    await ui.waitForFrame(/1 pending/);
    await ui.press('d');
    const frame = await ui.waitForFrame('lint: 1 error(s)', 'require-concurrent-index-creation', 'never-drop-table-with-data', 'DROP TABLE b, but it holds 1 row', 'risk:');
    expect(frame).toContain('cannot deploy: refused by 2 safety finding(s)');
    expect(frame).toContain('--override <rule> --justification');
    await ui.press(KEYS.enter);
    expect(await tables(s.devUrl)).toEqual(['a', 'b']);
  });

  it('late at night on a protected environment: the warning asks once more, then the name, then it runs', async () => {
    const s = await setup({ deployed: 1 });
    await s.project.write('.data-prime-directive.yml', 'timezone: UTC\nrules: {}\n');
    await s.project.write('migrations/3_c.sql', 'CREATE TABLE c (id int);\n');
    s.project.commit('add c');
    const ui = await renderDashboard({ context: contextFor(s.project, { clock: () => new Date('2026-11-10T23:30:00Z') }), environment: 'prod' });
    await ui.waitForFrame(/1 pending/);
    await ui.press('d');
    await ui.waitForFrame('Deploy prod  [protected]', 'Press y to go on anyway', '23:30');
    await ui.press('p', 'r', 'o', 'd', KEYS.enter);
    expect(await tables(s.prodUrl)).toEqual(['a', 'b']);
    await ui.press('y');
    await ui.waitForFrame('Type its name to deploy');
    for (const key of 'prod') await ui.press(key);
    await ui.press(KEYS.enter);
    await ui.waitForFrame('✓ deploy #2 of prod succeeded');
    expect(await tables(s.prodUrl)).toEqual(['a', 'b', 'c']);
  });
});
