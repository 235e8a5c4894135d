import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { deploy } from '../../source/engine/deploy.js';
import { RIKER_SENTENCE, reviewDeployment } from '../../source/engine/safety.js';
import { databasesForFile, query } from '../helpers/database.js';
import { contextFor, makeProject, runCli, scriptedInteraction, type TestProject } from '../helpers/project.js';

const newDatabase = databasesForFile();

const tables = async (url: string) =>
  (await query<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).map((row) => row.tablename);

const CONFIG = (extra = '') => `project: shop
migrations: migrations
${extra}environments:
  dev:
    url: \${DATA_TEST_URL}
  prod:
    url: \${DATA_TEST_URL}
    protected: true
`;

/** A project with `orders` (3 rows) deployed to dev. */
async function shop(url: string, extraConfig = ''): Promise<TestProject> {
  const project = await makeProject({
    url,
    config: CONFIG(extraConfig),
    migrations: { '1_orders.sql': 'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state text);\nINSERT INTO orders (state) VALUES (\'new\'), (\'paid\'), (NULL);\n' },
  });
  project.commit('orders');
  await deploy(contextFor(project), 'dev');
  return project;
}

async function addMigration(project: TestProject, name: string, sql: string) {
  await project.write(`migrations/${name}`, sql);
  project.commit(`add ${name}`);
}

const deployments = (url: string) =>
  query<{ id: number; kind: string; status: string; overrides: unknown; justification: string | null; risk: { probability: number } | null }>(
    url,
    'SELECT id, kind, status, overrides, justification, risk FROM data_meta.deployments ORDER BY id',
  );

describe('safety: lint and live checks', () => {
  let url: string;
  beforeEach(async () => {
    url = (await newDatabase()).url;
  });

  it('plan shows lint, live checks, risk and the verdict; deploy refuses a lint error with exit 1 and changes nothing', async () => {
    const project = await shop(url);
    await addMigration(project, '2_index.sql', 'CREATE INDEX orders_state_idx ON orders (state);\n');
    const plan = await runCli(['plan', 'dev'], { cwd: project.dir, env: project.vars });
    expect(plan.code).toBe(1);
    expect(plan.stdout).toContain('lint: 1 error(s), 0 warning(s)');
    expect(plan.stdout).toContain('require-concurrent-index-creation');
    expect(plan.stdout).toMatch(/risk: \d+(\.\d)?% likely to succeed/);
    expect(plan.stdout).toContain('verdict: deploy would be REFUSED (1)');
    const json = JSON.parse((await runCli(['plan', 'dev', '--json'], { cwd: project.dir, env: project.vars })).stdout);
    expect(json.safety.lint[0]).toMatchObject({ rule: 'require-concurrent-index-creation', severity: 'error', line: 1 });
    expect(json.safety.blockers[0]).toMatchObject({ source: 'lint', exitCode: 1 });
    expect(json.safety.risk.probability).toBeGreaterThan(0);

    const refused = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('deploy to dev refused by 1 safety finding(s)');
    expect(refused.stderr).toContain('-- data:ignore require-concurrent-index-creation <reason>');
    expect(await query(url, `SELECT indexname FROM pg_indexes WHERE indexname = 'orders_state_idx'`)).toEqual([]);
    expect(await deployments(url)).toHaveLength(1);

    await addMigration(project, '2_index.sql', '-- data:ignore require-concurrent-index-creation orders is tiny: the lock lasts milliseconds\nCREATE INDEX orders_state_idx ON orders (state);\n');
    const silenced = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(silenced.code).toBe(0);
  });

  it('refuses to drop a table that holds rows, naming the count; an override with a justification runs it and is recorded', async () => {
    const project = await shop(url);
    await addMigration(project, '2_drop.sql', 'DROP TABLE orders;\n');
    const refused = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('never-drop-table-with-data');
    expect(refused.stderr).toContain('DROP TABLE orders, but it holds 3 rows');
    expect(await tables(url)).toEqual(['orders']);

    const short = await runCli(['deploy', 'dev', '--override', 'never-drop-table-with-data', '--justification', 'because'], { cwd: project.dir, env: project.vars });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('at least 20 characters');

    const justification = 'orders moved to the billing service in #4411';
    const done = await runCli(['deploy', 'dev', '--override', 'never-drop-table-with-data', '--justification', justification], { cwd: project.dir, env: project.vars });
    expect(done.code).toBe(0);
    expect(done.stderr).toContain(`overridden: never-drop-table-with-data (${justification})`);
    expect(await tables(url)).toEqual([]);
    const last = (await deployments(url)).at(-1)!;
    expect(last.overrides).toEqual([{ rule: 'never-drop-table-with-data', justification }]);
    expect(last.justification).toBe(justification);
    const events = await query<{ payload: { overrides?: unknown } }>(url, `SELECT payload FROM data_meta.events WHERE kind = 'deploy.started' ORDER BY id DESC LIMIT 1`);
    expect(events[0]!.payload.overrides).toEqual([{ rule: 'never-drop-table-with-data', justification }]);

    const audit = await runCli(['audit', 'dev'], { cwd: project.dir, env: project.vars });
    expect(audit.code).toBe(0);
    expect(audit.stdout).toContain('never-drop-table-with-data');
    expect(audit.stdout).toContain('Test Operator');
    expect(audit.stdout).toContain(justification);
    const auditJson = JSON.parse((await runCli(['audit', '--json'], { cwd: project.dir, env: project.vars })).stdout);
    expect(auditJson.overrides[0]).toMatchObject({ environment: 'dev', rule: 'never-drop-table-with-data', justification, riker: false });
  });

  it('refuses SET NOT NULL over NULLs with the count and an example key', async () => {
    const project = await shop(url);
    await addMigration(project, '2_not_null.sql', 'ALTER TABLE orders ALTER COLUMN state SET NOT NULL;\n');
    const refused = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('set-not-null-with-nulls');
    expect(refused.stderr).toMatch(/1 row holds? NULL \(e\.g\. id = 3\)/);
  });

  it('an unknown --override rule is bad usage', async () => {
    const project = await shop(url);
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    const result = await runCli(['deploy', 'dev', '--override', 'no-such-rule', '--justification', 'twenty characters or more here'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--override no-such-rule: there is no rule with that id');
  });
});

const FREEZE = `timezone: Europe/Berlin
rules:
  freeze:
    environments: [prod]
    periods:
      - { from: 2026-01-01, to: 2099-12-31, reason: the long freeze }
  maximum_migration_duration: 1s
`;

describe('safety: the prime directive', () => {
  let url: string;
  beforeEach(async () => {
    url = (await newDatabase()).url;
  });

  it('a freeze refuses with exit 3, naming the rule, the reason and the override; the override is recorded', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', FREEZE);
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    const refused = await runCli(['deploy', 'prod', '--yes'], { cwd: project.dir, env: project.vars });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('freeze');
    expect(refused.stderr).toContain('the long freeze');
    expect(refused.stderr).toContain('--override freeze --justification');
    expect(await tables(url)).toEqual(['orders']);
    const plan = await runCli(['plan', 'prod'], { cwd: project.dir, env: project.vars });
    expect(plan.code).toBe(3);
    expect(plan.stdout).toContain('prime directive (');
    expect(plan.stdout).toMatch(/refused\s+freeze/);
    const overridden = await runCli(['deploy', 'prod', '--yes', '--override', 'freeze', '--justification', 'security fix for CVE-2026-1234, approved by the CTO'], { cwd: project.dir, env: project.vars });
    expect(overridden.code).toBe(0);
    expect((await deployments(url)).at(-1)!.overrides).toEqual([{ rule: 'freeze', justification: 'security fix for CVE-2026-1234, approved by the CTO' }]);
    // The freeze does not apply to dev.
    await addMigration(project, '3_u.sql', 'CREATE TABLE u (id int);\n');
    expect((await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars })).code).toBe(0);
  });

  it('an environment the config does not define is a validation error (exit 2) in plan, deploy and the deploy view, never a rule switched off', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', FREEZE.replace('environments: [prod]', 'environments: [prdo]'));
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    const expectTheError = (stderr: string) => {
      expect(stderr).toContain('.data-prime-directive.yml:4: rules.freeze.environments[0]: unknown environment "prdo"');
      expect(stderr).toContain('fix: did you mean "prod"? environments of data.config.yaml: dev, prod');
    };

    const plan = await runCli(['plan', 'prod'], { cwd: project.dir, env: project.vars });
    expect(plan.code).toBe(2);
    expectTheError(plan.stderr);
    expect(plan.stdout).not.toContain('applies only to prdo');
    const json = await runCli(['plan', 'prod', '--json'], { cwd: project.dir, env: project.vars });
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error).toMatchObject({ message: 'rules.freeze.environments[0]: unknown environment "prdo"', where: expect.stringMatching(/\.data-prime-directive\.yml:4$/), exitCode: 2 });

    const deployed = await runCli(['deploy', 'prod', '--yes'], { cwd: project.dir, env: project.vars });
    expect(deployed.code).toBe(2);
    expectTheError(deployed.stderr);
    expect(await tables(url)).toEqual(['orders']);
    expect(await deployments(url)).toHaveLength(1);
    // The dashboard's deploy view reviews through the same engine call.
    await expect(reviewDeployment(contextFor(project), 'prod')).rejects.toMatchObject({ exitCode: 2, message: 'rules.freeze.environments[0]: unknown environment "prdo"' });

    // Spelt right, the freeze applies to prod.
    await project.write('.data-prime-directive.yml', FREEZE);
    const fixed = await runCli(['plan', 'prod'], { cwd: project.dir, env: project.vars });
    expect(fixed.code).toBe(3);
    expect(fixed.stdout).toMatch(/refused\s+freeze/);
  });

  it('a final rule cannot be overridden, not even in Riker mode', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', FREEZE.replace('    environments: [prod]\n', '    environments: [prod]\n    final: true\n'));
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    const override = await runCli(['deploy', 'prod', '--yes', '--override', 'freeze', '--justification', 'we really need this one today'], { cwd: project.dir, env: project.vars });
    expect(override.code).toBe(3);
    expect(override.stderr).toContain('final');
    const riker = await runCli(['deploy', 'prod', '--yes', '--riker-mode', '--i-understand', RIKER_SENTENCE], { cwd: project.dir, env: project.vars });
    expect(riker.code).toBe(3);
    expect(await tables(url)).toEqual(['orders']);
  });

  it('maximum_migration_duration cancels a migration that runs too long, and nothing is applied', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', FREEZE);
    await addMigration(project, '2_slow.sql', 'CREATE TABLE slow (id int);\nSELECT pg_sleep(5);\n');
    const result = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    // The rule's limit is the statement's timeout: the failure names the rule and its fix, and runs once.
    // (The whole-deploy deadline, 1s x 1 migration, runs out at the same moment; either may say so.)
    expect(result.stderr).toMatch(/exceeded the prime directive's maximum_migration_duration \((1\.00s per statement|1\.00s per migration, 1\.00s in all)\) and was cancelled: canceling statement due to statement timeout/);
    expect(result.stderr).toContain('raise maximum_migration_duration in .data-prime-directive.yml');
    expect(result.stderr).not.toContain('raise it for this environment');
    expect(await tables(url)).toEqual(['orders']);
    expect((await deployments(url)).at(-1)!.status).toBe('failed');
  });

  it('require_approvals: two other people approve the exact plan; the deployer\'s own approval does not count; a changed plan voids them', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', 'rules:\n  require_approvals: { count: 2, environments: [prod] }\n');
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    const as = (name: string) => {
      project.git('config', 'user.name', name);
      project.git('config', 'user.email', `${name.toLowerCase()}@example.test`);
    };
    as('Alice');
    expect((await runCli(['approve', 'prod'], { cwd: project.dir, env: project.vars })).stdout).toContain('approved by Alice <alice@example.test>');
    as('Bob');
    const bob = JSON.parse((await runCli(['approve', 'prod', '--json'], { cwd: project.dir, env: project.vars })).stdout);
    expect(bob.approval.approvers).toEqual(['Alice <alice@example.test>', 'Bob <bob@example.test>']);

    as('Alice');
    const self = await runCli(['deploy', 'prod', '--yes'], { cwd: project.dir, env: project.vars });
    expect(self.code).toBe(3);
    expect(self.stderr).toContain('require_approvals');

    as('Carol');
    await addMigration(project, '3_u.sql', 'CREATE TABLE u (id int);\n');
    const stale = await runCli(['deploy', 'prod', '--yes'], { cwd: project.dir, env: project.vars });
    expect(stale.code).toBe(3);
    expect(stale.stderr).toMatch(/stale|older plan|changed/);

    await project.remove('migrations/3_u.sql');
    project.commit('drop u again');
    const approved = await runCli(['deploy', 'prod', '--yes'], { cwd: project.dir, env: project.vars });
    expect(approved.code).toBe(0);
    expect(await tables(url)).toEqual(['orders', 't']);
  });
});

describe('safety: windows, data and backups', () => {
  let url: string;
  beforeEach(async () => {
    url = (await newDatabase()).url;
  });

  it('deploy_windows refuse outside the window in the directive\'s time zone, and allow inside it', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', 'timezone: Europe/Berlin\nrules:\n  deploy_windows: [mon-thu 09:00-17:00]\n');
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    // Thursday 2026-11-12 17:30 in Berlin is 16:30 UTC: outside.
    const outside = contextFor(project, { clock: () => new Date('2026-11-12T16:30:00Z') });
    await expect(deploy(outside, 'dev')).rejects.toMatchObject({ exitCode: 3, message: expect.stringContaining('deploy_windows') });
    expect(await tables(url)).toEqual(['orders']);
    // Thursday 2026-11-12 16:30 in Berlin is 15:30 UTC: inside.
    const inside = contextFor(project, { clock: () => new Date('2026-11-12T15:30:00Z') });
    expect((await deploy(inside, 'dev')).deployment?.status).toBe('succeeded');
  });

  it('never_drop_tables_with_data refuses with exit 3; always_backup_before_destructive refuses destructive plans and says why', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', 'rules:\n  never_drop_tables_with_data: true\n');
    await addMigration(project, '2_drop.sql', 'DROP TABLE orders;\n');
    const drop = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(drop.code).toBe(3);
    expect(drop.stderr).toContain('never_drop_tables_with_data');
    expect(drop.stderr).toMatch(/orders.*3 rows/);

    await project.write('.data-prime-directive.yml', 'rules:\n  always_backup_before_destructive: true\n');
    await addMigration(project, '2_drop.sql', 'ALTER TABLE orders ALTER COLUMN state TYPE varchar(20);\n');
    const backup = await runCli(['deploy', 'dev', '--override', 'changing-column-type', '--justification', 'orders is small, the rewrite takes milliseconds'], { cwd: project.dir, env: project.vars });
    expect(backup.code).toBe(3);
    expect(backup.stderr).toContain('always_backup_before_destructive');
    expect(backup.stderr).toMatch(/snapshot/);
    expect(await tables(url)).toEqual(['orders']);
  });

  it('a version 1 data_meta is upgraded in place by the next deploy, keeping its history', async () => {
    const project = await shop(url);
    await query(url, 'DROP TABLE data_meta.approvals; ALTER TABLE data_meta.deployments DROP COLUMN overrides; UPDATE data_meta.schema_version SET version = 1');
    const history = await runCli(['history', 'dev', '--json'], { cwd: project.dir, env: project.vars });
    expect(history.code).toBe(0);
    expect(JSON.parse(history.stdout).deployments).toHaveLength(1);
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    expect((await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars })).code).toBe(0);
    expect(await query(url, 'SELECT max(version) AS version FROM data_meta.schema_version')).toEqual([{ version: 2 }]);
    expect((await deployments(url)).map((row) => row.overrides)).toEqual([[], []]);
  });
});

describe('safety: stress and Riker mode', () => {
  let url: string;
  beforeEach(async () => {
    url = (await newDatabase()).url;
  });

  it('late at night on a protected environment, deploy asks once more (refuses without a terminal or --yes)', async () => {
    const project = await shop(url);
    await project.write('.data-prime-directive.yml', 'timezone: UTC\nrules: {}\n');
    await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
    const lateNight = () => new Date('2026-11-10T23:30:00Z');
    await expect(deploy(contextFor(project, { clock: lateNight }), 'prod')).rejects.toThrow(/needs an extra confirmation: .*23:30/);
    const no = scriptedInteraction({ confirm: false, typed: 'prod' });
    await expect(deploy(contextFor(project, { clock: lateNight, interaction: no }), 'prod')).rejects.toThrow(/cancelled after the warning/);
    expect(no.asked[0]).toMatch(/23:30.*Deploy to prod anyway\?/);
    const yes = scriptedInteraction({ confirm: true, typed: 'prod' });
    const { deployment, safety } = await deploy(contextFor(project, { clock: lateNight, interaction: yes }), 'prod');
    expect(deployment?.status).toBe('succeeded');
    expect(safety?.stress.map((warning) => warning.id)).toEqual(['late_night']);
    // dev is not protected: a warning, no question.
    await addMigration(project, '3_u.sql', 'CREATE TABLE u (id int);\n');
    const dev = await deploy(contextFor(project, { clock: lateNight }), 'dev');
    expect(dev.deployment?.status).toBe('succeeded');
  });

  it('Riker mode bypasses every overridable rule, needs the sentence, records kind riker with what it bypassed, and notifies', async () => {
    const project = await shop(url, 'notify:\n  command: cat > riker-notice.json\n');
    await project.write('.data-prime-directive.yml', FREEZE);
    await addMigration(project, '2_drop.sql', 'CREATE INDEX orders_state_idx ON orders (state);\nDROP TABLE orders;\n');
    const wrong = await runCli(['deploy', 'prod', '--yes', '--riker-mode', '--i-understand', 'yeah whatever'], { cwd: project.dir, env: project.vars });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(RIKER_SENTENCE);
    const missing = await runCli(['deploy', 'prod', '--yes', '--riker-mode'], { cwd: project.dir, env: project.vars });
    expect(missing.code).toBe(3);
    expect(await tables(url)).toEqual(['orders']);

    const result = await runCli(['deploy', 'prod', '--yes', '--riker-mode', '--i-understand', RIKER_SENTENCE, '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('bypassed (Riker mode): freeze');
    expect(result.stderr).toMatch(/Riker mode: notified: `cat > riker-notice.json` exited 0/);
    expect(JSON.parse(result.stdout).deployment.kind).toBe('riker');
    expect(await tables(url)).toEqual([]);
    const last = (await deployments(url)).at(-1)!;
    expect(last.kind).toBe('riker');
    const bypassed = (last.overrides as Array<{ rule: string; riker?: boolean }>).map((override) => override.rule).sort();
    expect(bypassed).toEqual(['freeze', 'never-drop-table-with-data', 'require-concurrent-index-creation']);
    expect((last.overrides as Array<{ riker?: boolean }>).every((override) => override.riker)).toBe(true);
    const notice = JSON.parse(await readFile(join(project.dir, 'riker-notice.json'), 'utf8'));
    expect(notice).toMatchObject({ event: 'riker-mode', deployment: { kind: 'riker', environment: 'prod', status: 'succeeded' } });
  });

  it('Riker mode POSTs the deployment to a notify webhook, and prints only its host', async () => {
    const received: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk)).on('end', () => {
        received.push(body);
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const hook = `http://127.0.0.1:${port}/hooks/secret-token-123`;
      const project = await shop(url, `notify:\n  webhook: ${hook}\n`);
      await addMigration(project, '2_t.sql', 'CREATE TABLE t (id int);\n');
      const result = await runCli(['deploy', 'dev', '--riker-mode', '--i-understand', RIKER_SENTENCE], { cwd: project.dir, env: project.vars });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Riker mode: notified: webhook on 127.0.0.1:${port} answered 204`);
      expect(result.stderr).not.toContain('secret-token-123');
      expect(JSON.parse(received[0]!)).toMatchObject({ event: 'riker-mode', deployment: { kind: 'riker', environment: 'dev' } });
    } finally {
      server.close();
    }
  });
});
