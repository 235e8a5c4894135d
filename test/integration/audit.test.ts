import { describe, expect, it } from 'vitest';
import { databasesForFile, query } from '../helpers/database.js';
import { makeProject, runCli, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

/** dev and prod on the test database; staging behind ${STG_URL}, which the tests leave unset. */
const CONFIG = `project: shop
migrations: migrations
environments:
  dev:
    url: \${DATA_TEST_URL}
  staging:
    url: \${STG_URL}
  prod:
    url: \${DATA_TEST_URL}
    protected: true
`;

const JUSTIFICATION = 'orders moved to the billing service in #4411';

async function project(): Promise<{ url: string; project: TestProject }> {
  const { url } = await newDatabase();
  const made = await makeProject({
    url,
    config: CONFIG,
    migrations: { '1_orders.sql': "CREATE TABLE orders (id int);\nINSERT INTO orders VALUES (1), (2);\n" },
  });
  made.commit('orders');
  expect((await runCli(['deploy', 'dev'], { cwd: made.dir, env: made.vars })).code).toBe(0);
  return { url, project: made };
}

describe('data audit with an environment that cannot be read', () => {
  it('lists the overrides of the environments it can read, names the one it cannot and why, and exits 1', async () => {
    const { url, project: shop } = await project();
    const run = (...args: string[]) => runCli(args, { cwd: shop.dir, env: shop.vars });

    const none = await run('audit');
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('no overrides in the environments read: every deployment followed the rules');
    expect(none.stdout).toContain('staging: not read, so its overrides are not listed:');
    expect(none.stdout).toContain('STG_URL');

    await shop.write('migrations/2_drop.sql', 'DROP TABLE orders;\n');
    shop.commit('drop orders');
    const dropped = await run('deploy', 'dev', '--override', 'never-drop-table-with-data', '--justification', JUSTIFICATION);
    expect(dropped.code).toBe(0);
    expect(await query(url, `SELECT environment, overrides FROM data_meta.deployments WHERE overrides IS NOT NULL AND overrides <> '[]'::jsonb`)).toEqual([
      { environment: 'dev', overrides: [{ rule: 'never-drop-table-with-data', justification: JUSTIFICATION }] },
    ]);

    const text = await run('audit');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^ENV\s+DEPLOYMENT\s+KIND\s+STATUS\s+WHEN\s+WHO\s+RULE\s+JUSTIFICATION$/m);
    expect(text.stdout).toMatch(new RegExp(`^dev\\s+#2\\s+deploy\\s+succeeded\\s+\\S+\\s+Test Operator <operator@example.test>\\s+never-drop-table-with-data\\s+${JUSTIFICATION}$`, 'm'));
    expect(text.stdout).toMatch(/^staging: not read, so its overrides are not listed: .*STG_URL/m);
    expect(text.stdout).not.toMatch(/^prod: not read/m);

    const json = await run('audit', '--json');
    expect(json.code).toBe(1);
    const document = JSON.parse(json.stdout);
    expect(document.overrides).toEqual([expect.objectContaining({ environment: 'dev', deploymentId: 2, rule: 'never-drop-table-with-data', justification: JUSTIFICATION, riker: false })]);
    expect(document.skipped).toEqual([{ environment: 'staging', error: expect.objectContaining({ message: expect.stringContaining('STG_URL'), exitCode: 2 }) }]);
    expect(json.stderr).toContain('staging: not read');

    // One environment asked for by name: its error is the command's.
    const staging = await run('audit', 'staging');
    expect(staging.code).toBe(2);
    expect(staging.stderr).toContain('STG_URL');
    expect(staging.stdout).toBe('');
    const stagingJson = await run('audit', 'staging', '--json');
    expect(stagingJson.code).toBe(2);
    expect(JSON.parse(stagingJson.stdout).error).toMatchObject({ message: expect.stringContaining('STG_URL'), exitCode: 2 });

    const prod = await run('audit', 'prod');
    expect(prod.code).toBe(0);
    expect(prod.stdout).toContain('no overrides in prod: every deployment followed the rules');

    // Once every environment can be read, nothing is skipped and the audit succeeds.
    const all = await runCli(['audit', '--json'], { cwd: shop.dir, env: { ...shop.vars, STG_URL: url } });
    expect(all.code).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ overrides: [{ environment: 'dev', rule: 'never-drop-table-with-data' }], skipped: [] });
  });
});
