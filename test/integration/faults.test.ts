import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery, databasesForFile, query, urlFor } from '../helpers/database.js';
import { makeProject, runCli, type CliResult } from '../helpers/project.js';

const newDatabase = databasesForFile();

const noStack = (result: CliResult) => expect(result.stderr).not.toMatch(/\n\s+at .*\(/);

describe('bad configuration: one paragraph naming the file, key and line; exit 2', () => {
  let url: string;
  beforeAll(async () => {
    url = (await newDatabase()).url;
  });

  const cases: Array<[string, string, RegExp[]]> = [
    ['malformed YAML', 'environments:\n  dev:\n    url: [unclosed\n', [/data\.config\.yaml:\d+/, /malformed YAML/]],
    ['an unknown key', 'environments:\n  dev:\n    uri: postgres://x\n', [/data\.config\.yaml:3/, /unknown key environments\.dev\.uri/, /did you mean "url"/]],
    ['an +extend cycle', 'environments:\n  dev:\n    +extend: staging\n  staging:\n    +extend: dev\n', [/data\.config\.yaml:3/, /cycle dev -> staging -> dev/]],
    ['an unset variable', 'environments:\n  dev:\n    url: ${NOT_SET_ANYWHERE}\n', [/data\.config\.yaml:3/, /variable NOT_SET_ANYWHERE is not set/, /environment dev/]],
    ['a bad duration', 'environments:\n  dev:\n    url: postgres://x\n    lock_timeout: soon\n', [/data\.config\.yaml:4/, /lock_timeout must be a duration/]],
  ];

  for (const [name, config, patterns] of cases) {
    it(name, async () => {
      const project = await makeProject({ url, config });
      const result = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
      expect(result.code).toBe(2);
      for (const pattern of patterns) expect(result.stderr).toMatch(pattern);
      noStack(result);
    });
  }

  it('an unknown environment lists the known ones, in every command that takes one', async () => {
    const project = await makeProject({ url });
    for (const command of [['plan', 'qa'], ['deploy', 'qa'], ['status', 'qa'], ['status', 'qa', '--json'], ['history', 'qa'], ['rollback', 'qa'], ['audit', 'qa']]) {
      const result = await runCli(command, { cwd: project.dir, env: project.vars });
      expect(result.code, command.join(' ')).toBe(2);
      if (command.includes('--json')) expect(JSON.parse(result.stdout).error.message).toBe('unknown environment "qa"');
      expect(result.stderr, command.join(' ')).toContain('unknown environment "qa"');
      expect(result.stderr, command.join(' ')).toContain('dev, prod');
      noStack(result);
    }
  });

  it('bad usage exits 2; with --json, stdout still holds one JSON document', async () => {
    const project = await makeProject({ url });
    for (const [command, message] of [
      [['deploy', 'dev', '--json', '--bogus'], "unknown option '--bogus'"],
      [['history', 'dev', '--json', '--limit', '0'], '--limit must be a whole number of at least 1'],
    ] as const) {
      const result = await runCli([...command], { cwd: project.dir, env: project.vars });
      expect(result.code, command.join(' ')).toBe(2);
      expect(JSON.parse(result.stdout).error).toMatchObject({ message: expect.stringContaining(message), exitCode: 2 });
      expect(result.stderr).toContain(message);
      noStack(result);
    }
    const plain = await runCli(['deploy', 'dev', '--bogus'], { cwd: project.dir, env: project.vars });
    expect(plain.code).toBe(2);
    expect(plain.stdout).toBe('');
  });

  it('no config file anywhere says how to make one', async () => {
    const project = await makeProject({ url });
    await project.remove('data.config.yaml');
    const result = await runCli(['status'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('data init');
  });

  it('bad migration file names and a down file without its up file are named', async () => {
    const project = await makeProject({ url, migrations: { 'create_users.sql': 'select 1;' } });
    const badName = await runCli(['plan', 'dev'], { cwd: project.dir, env: project.vars });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain('create_users.sql');
    await project.remove('migrations/create_users.sql');
    await project.write('migrations/1_a.down.sql', 'drop table a;');
    const orphan = await runCli(['plan', 'dev'], { cwd: project.dir, env: project.vars });
    expect(orphan.code).toBe(2);
    expect(orphan.stderr).toContain('down file 1_a.down.sql has no up file 1_a.sql');
    await project.write('migrations/1_a.sql', 'create table a (id int);');
    await project.write('migrations/01_b.sql', 'create table b (id int);');
    const duplicate = await runCli(['plan', 'dev'], { cwd: project.dir, env: project.vars });
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toMatch(/two migrations share version 1: 01_b\.sql and 1_a\.sql|two migrations share version 01?: /);
  });
});

describe('connection faults name the host and port, never the password', () => {
  // A role of this run's own, dropped afterwards: nothing is left on a shared server.
  const role = `data_password_test_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    await adminQuery(`CREATE ROLE ${role} LOGIN PASSWORD 'right-password'`);
  });
  afterAll(async () => {
    await adminQuery(`DROP ROLE IF EXISTS ${role}`);
  });

  it('an unreachable host exits 1', async () => {
    const project = await makeProject({ url: 'postgres://someone:secret-pw@127.0.0.1:1/nowhere' });
    const result = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot reach PostgreSQL at 127.0.0.1:1: connection refused');
    expect(result.stderr).not.toContain('secret-pw');
    noStack(result);
  });

  it('a wrong password exits 2 without showing it', async () => {
    const url = new URL(urlFor('postgres'));
    url.username = role;
    url.password = 'wrong-password';
    const project = await makeProject({ url: url.toString() });
    const result = await runCli(['status', 'dev'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`authentication failed for user "${role}"`);
    expect(result.stderr).toContain(`${url.hostname}:${url.port}`);
    expect(result.stderr + result.stdout).not.toContain('wrong-password');
    noStack(result);
  });

  it('a missing database exits 2 and says how to create it', async () => {
    const project = await makeProject({ url: urlFor('no_such_database_here') });
    const result = await runCli(['deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('database "no_such_database_here" does not exist');
    expect(result.stderr).toContain('createdb');
    noStack(result);
  });

  it('status of all environments reports an unreachable one in its row and exits 1', async () => {
    const good = await newDatabase();
    const project = await makeProject({
      url: good.url,
      config: 'environments:\n  dev:\n    url: ${DATA_TEST_URL}\n  down:\n    url: postgres://x:y@127.0.0.1:1/db\n',
    });
    const result = await runCli(['status', '--json'], { cwd: project.dir, env: project.vars });
    expect(result.code).toBe(1);
    const { environments } = JSON.parse(result.stdout);
    expect(environments.map((env: { name: string; reachable: boolean }) => [env.name, env.reachable])).toEqual([['dev', true], ['down', false]]);
    expect(environments[1].error).toContain('connection refused');
    // What an unreachable environment has applied is unknown: nothing is claimed pending either.
    expect(environments[1]).toMatchObject({ applied: [], pending: [], drift: [], lastDeployment: null });
  });

  it('--url and DATABASE_URL override the environment for one run', async () => {
    const target = await newDatabase();
    const project = await makeProject({ url: 'postgres://x:y@127.0.0.1:1/unused', migrations: { '1_a.sql': 'CREATE TABLE a (id int);\n' } });
    const viaFlag = await runCli(['--url', target.url, 'deploy', 'dev'], { cwd: project.dir, env: project.vars });
    expect(viaFlag.code).toBe(0);
    await project.write('migrations/2_b.sql', 'CREATE TABLE b (id int);\n');
    project.commit('b');
    const viaEnv = await runCli(['deploy', 'dev'], { cwd: project.dir, env: { ...project.vars, DATABASE_URL: target.url } });
    expect(viaEnv.code).toBe(0);
    const tables = await query<{ tablename: string }>(target.url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    expect(tables.map((row) => row.tablename)).toEqual(['a', 'b']);
  });

  it('a --url or DATABASE_URL that is not a postgres:// URL is a usage error (exit 2), without the password', async () => {
    const project = await makeProject({ url: 'postgres://x:y@127.0.0.1:1/unused' });
    for (const [args, env] of [
      [['--url', 'postgres://u:s3cret@h:notaport/x', 'status', 'dev'], {}],
      [['status', 'dev'], { DATABASE_URL: 'not a url' }],
    ] as const) {
      const result = await runCli([...args], { cwd: project.dir, env: { ...project.vars, ...env } });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/the connection URL given with --url or DATABASE_URL is not a (valid|postgres:\/\/) URL/);
      expect(result.stderr).not.toContain('s3cret');
      expect(result.stderr).not.toContain('unexpected error');
      noStack(result);
    }
  });
});
