import { describe, expect, it } from 'vitest';
import {
  ENVIRONMENT_DEFAULTS,
  PERSONAS,
  initialConfig,
  parseConfig,
  resolveEnvironment,
  type ProjectConfig,
} from '../../source/domain/config.js';
import { DataError } from '../../source/domain/errors.js';

const FILE = 'data.config.yaml';

/** Joins lines so that line numbers in a test are easy to count. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

const parse = (text: string) => parseConfig(text, FILE, 'default-project');

/** Runs fn, expects a DataError and returns it. */
function errorOf(fn: () => unknown): DataError {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a DataError to be thrown').toBeInstanceOf(DataError);
  return thrown as DataError;
}

const parseError = (text: string) => errorOf(() => parse(text));

const DESIGN_EXAMPLE = yaml(
  'project: shop', //                                          1
  'migrations: migrations          # folder, relative to this file', // 2
  'persona: picard                 # picard | kirk | janeway | sisko | data', // 3
  'environments:', //                                          4
  '  local:', //                                               5
  '    embedded: true              # the tool runs its own Postgres under .data/', // 6
  '  dev:', //                                                 7
  '    url: postgres://app@localhost:5432/shop_dev', //        8
  '  staging:', //                                             9
  '    +extend: dev                # take every key of dev, then override', // 10
  '    url: ${STAGING_DATABASE_URL}', //                       11
  '  prod:', //                                                12
  '    url: ${PROD_DATABASE_URL}', //                          13
  '    protected: true             # typed confirmation; prime directive applies', // 14
  '    lock_timeout: 3s', //                                   15
  '    statement_timeout: 60s', //                             16
);

describe('parseConfig: a valid file', () => {
  it('reads the example of DESIGN.md with its top-level settings and environments in file order', () => {
    const config = parse(DESIGN_EXAMPLE);
    expect(config.file).toBe(FILE);
    expect(config.project).toBe('shop');
    expect(config.migrations).toBe('migrations');
    expect(config.persona).toBe('picard');
    expect(config.environmentNames).toEqual(['local', 'dev', 'staging', 'prod']);
    expect([...config.environments.keys()]).toEqual(['local', 'dev', 'staging', 'prod']);
  });

  it('keeps variables unexpanded until an environment is resolved', () => {
    // No variables are given: parsing must not need them.
    const config = parse(DESIGN_EXAMPLE);
    expect(config.environments.get('prod')!.keys.url!.value).toBe('${PROD_DATABASE_URL}');
  });

  it('records the line of each environment and of each of its keys', () => {
    const config = parse(DESIGN_EXAMPLE);
    const prod = config.environments.get('prod')!;
    expect(prod.line).toBe(12);
    expect(prod.keys.url!.line).toBe(13);
    expect(prod.keys.lock_timeout!.line).toBe(15);
    expect(config.environments.get('staging')!.keys['+extend']!.line).toBe(10);
  });

  it('uses the default project name, the "migrations" folder and the data persona when they are not set', () => {
    const config = parse(yaml('environments:', '  local:', '    embedded: true'));
    expect(config.project).toBe('default-project');
    expect(config.migrations).toBe('migrations');
    expect(config.persona).toBe('data');
    expect(config.environmentNames).toEqual(['local']);
  });

  it('takes a custom migrations folder', () => {
    const config = parse(yaml('migrations: db/migrate', 'environments:', '  local:', '    embedded: true'));
    expect(config.migrations).toBe('db/migrate');
  });

  it.each(PERSONAS)('accepts the persona %s', (persona) => {
    const config = parse(yaml(`persona: ${persona}`, 'environments:', '  local:', '    embedded: true'));
    expect(config.persona).toBe(persona);
  });

  it('accepts every environment key', () => {
    const config = parse(
      yaml(
        'environments:',
        '  base:',
        '    url: postgres://h/db',
        '  full:',
        '    +extend: base',
        '    url: postgres://other/db',
        '    embedded: false',
        '    protected: true',
        '    lock_timeout: 1s',
        '    statement_timeout: 2min',
        '    lock_wait: 500ms',
        '    connect_timeout: 250',
      ),
    );
    expect(Object.keys(config.environments.get('full')!.keys).sort()).toEqual(
      ['+extend', 'connect_timeout', 'embedded', 'lock_timeout', 'lock_wait', 'protected', 'statement_timeout', 'url'].sort(),
    );
  });

  it('accepts environment names with letters, digits, "_" and "-"', () => {
    const config = parse(yaml('environments:', '  eu-west_2:', '    embedded: true', '  Prod2:', '    url: x'));
    expect(config.environmentNames).toEqual(['eu-west_2', 'Prod2']);
  });

  it('accepts an environment with no connection (empty, or keys without url or embedded): `data setup` gives it one', () => {
    const config = parse(yaml('environments:', '  staging:', '  qa: {}', '  prod:', '    protected: true'));
    expect(config.environmentNames).toEqual(['staging', 'qa', 'prod']);
    for (const name of config.environmentNames) {
      const environment = resolveEnvironment(config, name, {});
      expect(environment.url).toBeUndefined();
      expect(environment.embedded).toBe(false);
    }
    expect(resolveEnvironment(config, 'prod', {}).protected).toBe(true);
    expect(resolveEnvironment(config, 'staging', {}).lockTimeoutMs).toBe(ENVIRONMENT_DEFAULTS.lockTimeoutMs);
  });

  it('parses the file written by `data init`', () => {
    const config = parse(initialConfig('my-shop'));
    expect(config.project).toBe('my-shop');
    expect(config.persona).toBe('data');
    expect(config.environmentNames).toEqual(['local']);
    const local = resolveEnvironment(config, 'local', {});
    expect(local.embedded).toBe(true);
    expect(local.url).toBeUndefined();
  });
});

describe('parseConfig: malformed or mis-shaped files (exit 2)', () => {
  it('rejects malformed YAML with exit code 2 and names the file', () => {
    const error = parseError(yaml('project: shop', 'environments:', '  dev:', '    url: [unclosed'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^malformed YAML: /);
    expect(error.where).toMatch(/^data\.config\.yaml/);
    expect(error.fix).toMatch(/YAML syntax/);
  });

  it('an error the parser finds only at the end of the file (an unclosed quote) names the last line, and says so', () => {
    const error = parseError(yaml('project: shop', 'environments:', '  dev:', '    url: "postgres://h/db', '    protected: true'));
    expect(error.exitCode).toBe(2);
    expect(error.where).toBe(`${FILE}:5`);
    expect(error.message).toBe('malformed YAML: Missing closing "quote, found at the end of the file (look above for what was opened and not closed)');
  });

  it('rejects a key given twice in one mapping', () => {
    const error = parseError(yaml('environments:', '  dev:', '    url: a', '    url: b'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^malformed YAML: .*unique/i);
  });

  it('rejects a file that is a list', () => {
    const error = parseError(yaml('- dev', '- prod'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('the file must be a mapping with an "environments" key');
    expect(error.where).toBe(`${FILE}:1`);
  });

  it('rejects an empty file', () => {
    const error = parseError('');
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/must be a mapping/);
    expect(error.where).toBe(FILE);
  });

  it('rejects a file without environments', () => {
    const error = parseError(yaml('project: shop'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environments must be a mapping with at least one environment');
    expect(error.fix).toContain('embedded: true');
  });

  it('rejects environments with no environment in it', () => {
    const error = parseError(yaml('project: shop', 'environments: {}'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/at least one environment/);
    expect(error.where).toBe(`${FILE}:2`);
  });

  it('rejects environments given as a list', () => {
    const error = parseError(yaml('project: shop', 'environments:', '  - dev'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/environments must be a mapping/);
    expect(error.where).toBe(`${FILE}:3`);
  });

  it.each([
    ['project', 'project: ""'],
    ['project', 'project: 42'],
    ['migrations', 'migrations: "   "'],
    ['migrations', 'migrations: [a, b]'],
  ])('rejects %s that is not a non-empty string (%s) with its line', (key, line) => {
    const error = parseError(yaml('persona: data', line, 'environments:', '  local:', '    embedded: true'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${key} must be a non-empty string`);
    expect(error.where).toBe(`${FILE}:2`);
  });

  it('rejects an unknown persona, naming the choices and what it got', () => {
    const error = parseError(yaml('project: shop', 'persona: Picard', 'environments:', '  local:', '    embedded: true'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('persona must be one of data, picard, kirk, janeway, sisko');
    expect(error.where).toBe(`${FILE}:2`);
    expect(error.fix).toBe('got "Picard"');
  });

  it('rejects a persona that is not a string', () => {
    const error = parseError(yaml('persona: [kirk]', 'environments:', '  local:', '    embedded: true'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^persona must be one of/);
    expect(error.where).toBe(`${FILE}:1`);
  });
});

describe('parseConfig: unknown keys', () => {
  it('rejects an unknown top-level key with its line and a did-you-mean', () => {
    const error = parseError(yaml('project: shop', 'envirnoments:', '  local:', '    embedded: true'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('unknown key envirnoments');
    expect(error.where).toBe(`${FILE}:2`);
    expect(error.fix).toMatch(/^did you mean "environments"\?/);
    expect(error.fix).toContain('project, migrations, persona, environments');
  });

  it('suggests "persona" for "persnoa"', () => {
    const error = parseError(yaml('persnoa: kirk', 'environments:', '  local:', '    embedded: true'));
    expect(error.fix).toMatch(/^did you mean "persona"\?/);
  });

  it('lists the known keys without a guess when nothing is close', () => {
    const error = parseError(yaml('environments:', '  local:', '    embedded: true', 'colour: red'));
    expect(error.message).toBe('unknown key colour');
    expect(error.where).toBe(`${FILE}:4`);
    expect(error.fix).not.toMatch(/did you mean/);
    expect(error.fix).toBe('known keys: project, migrations, persona, environments, lint, notify');
  });

  it('rejects an unknown environment key with its key path, line and a did-you-mean', () => {
    const error = parseError(
      yaml(
        'project: shop', //         1
        'environments:', //         2
        '  local:', //              3
        '    embedded: true', //    4
        '  prod:', //               5
        '    url: postgres://h/db', // 6
        '    lock_timout: 3s', //   7
      ),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('unknown key environments.prod.lock_timout');
    expect(error.where).toBe(`${FILE}:7`);
    expect(error.fix).toMatch(/^did you mean "lock_timeout"\?/);
    expect(error.fix).toContain('url, embedded, protected, lock_timeout, statement_timeout, lock_wait, connect_timeout, +extend');
  });

  it.each([
    ['urll', 'url'],
    ['ulr', 'url'],
    ['protect', 'protected'],
    ['extend', '+extend'],
    ['embeded', 'embedded'],
    ['statement-timeout', 'statement_timeout'],
  ])('suggests the right key for the typo %s', (typo, expected) => {
    const error = parseError(yaml('environments:', '  dev:', `    ${typo}: x`));
    expect(error.message).toBe(`unknown key environments.dev.${typo}`);
    expect(error.where).toBe(`${FILE}:3`);
    expect(error.fix).toMatch(new RegExp(`^did you mean "${expected.replace('+', '\\+')}"\\?`));
  });

  it('makes no guess for an environment key far from all known keys', () => {
    const error = parseError(yaml('environments:', '  dev:', '    password: hunter2'));
    expect(error.message).toBe('unknown key environments.dev.password');
    expect(error.fix).not.toMatch(/did you mean/);
    expect(error.fix).toMatch(/^known keys: url, /);
  });
});

describe('parseConfig: environments and their values', () => {
  it.each(['1dev', 'my env', '-dev', 'dév'])('rejects the environment name %j with its line', (name) => {
    const error = parseError(yaml('project: shop', 'environments:', `  ${JSON.stringify(name)}:`, '    embedded: true'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(
      `environments.${name}: an environment name must start with a letter and hold only letters, digits, "_" and "-"`,
    );
    expect(error.where).toBe(`${FILE}:3`);
  });

  it('rejects an environment that is not a mapping', () => {
    const error = parseError(yaml('environments:', '  local:', '    embedded: true', '  dev: postgres://h/db'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^environments\.dev must be a mapping/);
    expect(error.where).toBe(`${FILE}:4`);
    expect(error.fix).toContain('data setup dev');
  });

  it.each([
    ['url', '42'],
    ['url', '""'],
    ['url', '[a]'],
    ['+extend', '""'],
    ['+extend', '{ a: 1 }'],
  ])('rejects %s: %s as not a non-empty string', (key, value) => {
    const error = parseError(yaml('environments:', '  a:', '    embedded: true', '  b:', `    ${key}: ${value}`));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`environments.b.${key} must be a non-empty string`);
    expect(error.where).toBe(`${FILE}:5`);
  });

  it.each([
    ['embedded', 'yes', '"yes"'],
    ['embedded', '1', '1'],
    ['protected', '"true"', '"true"'],
    ['protected', 'on', '"on"'],
  ])('rejects %s: %s as not a boolean, showing what it got', (key, value, shown) => {
    const error = parseError(yaml('environments:', '  dev:', '    url: x', `    ${key}: ${value}`));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`environments.dev.${key} must be true or false`);
    expect(error.where).toBe(`${FILE}:4`);
    expect(error.fix).toBe(`got ${shown}`);
  });

  it.each([
    ['lock_timeout', '3 days'],
    ['statement_timeout', '-5'],
    ['lock_wait', 'soon'],
    ['connect_timeout', '${TIMEOUT}'],
    ['lock_timeout', 'true'],
  ])('rejects %s: %s as not a duration', (key, value) => {
    const error = parseError(yaml('environments:', '  dev:', '    url: x', '', `    ${key}: ${value}`));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`environments.dev.${key} must be a duration such as 3s, 500ms, 2min or 1h`);
    expect(error.where).toBe(`${FILE}:5`);
    expect(error.fix).toMatch(/^got /);
  });
});

describe('parseConfig: +extend chains', () => {
  it('rejects +extend naming an environment that does not exist, at the line of +extend', () => {
    const error = parseError(
      yaml('environments:', '  dev:', '    url: x', '  staging:', '    url: y', '    +extend: devv'),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environments.staging.+extend names "devv", which is not an environment');
    expect(error.where).toBe(`${FILE}:6`);
    expect(error.fix).toBe('known environments: dev, staging');
  });

  it('detects a two-environment cycle and names it', () => {
    const error = parseError(
      yaml(
        'environments:', //    1
        '  a:', //             2
        '    url: x', //       3
        '    +extend: b', //   4
        '  b:', //             5
        '    +extend: a', //   6
      ),
    );
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environments.a.+extend: cycle a -> b -> a');
    expect(error.where).toBe(`${FILE}:4`);
    expect(error.fix).toMatch(/remove one of the \+extend keys/);
  });

  it('detects an environment extending itself', () => {
    const error = parseError(yaml('environments:', '  local:', '    embedded: true', '  dev:', '    +extend: dev'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environments.dev.+extend: cycle dev -> dev');
    expect(error.where).toBe(`${FILE}:5`);
  });

  it('detects a three-environment cycle and names every member in order', () => {
    const error = parseError(
      yaml('environments:', '  x:', '    +extend: y', '  y:', '    +extend: z', '  z:', '    +extend: x'),
    );
    expect(error.message).toBe('environments.x.+extend: cycle x -> y -> z -> x');
    expect(error.where).toBe(`${FILE}:3`);
  });

  it('names only the loop, at its first member, when a chain leads into a cycle', () => {
    const error = parseError(
      yaml('environments:', '  a:', '    +extend: b', '  b:', '    +extend: c', '  c:', '    +extend: b'),
    );
    expect(error.message).toBe('environments.b.+extend: cycle b -> c -> b');
    expect(error.where).toBe(`${FILE}:5`);
  });

  it('accepts a long chain without a cycle', () => {
    const config = parse(
      yaml('environments:', '  a:', '    url: postgres://x', '  b:', '    +extend: a', '  c:', '    +extend: b', '  d:', '    +extend: c'),
    );
    expect(config.environmentNames).toEqual(['a', 'b', 'c', 'd']);
    expect(resolveEnvironment(config, 'd', {}).url).toBe('postgres://x');
  });
});

describe('resolveEnvironment', () => {
  const vars = {
    STAGING_DATABASE_URL: 'postgres://app@staging/shop',
    PROD_DATABASE_URL: 'postgres://app@prod/shop',
  };

  it('resolves an embedded environment with the defaults', () => {
    const local = resolveEnvironment(parse(DESIGN_EXAMPLE), 'local', vars);
    expect(local).toEqual({
      name: 'local',
      url: undefined,
      embedded: true,
      protected: false,
      lockTimeoutMs: ENVIRONMENT_DEFAULTS.lockTimeoutMs,
      statementTimeoutMs: ENVIRONMENT_DEFAULTS.statementTimeoutMs,
      lockWaitMs: ENVIRONMENT_DEFAULTS.lockWaitMs,
      connectTimeoutMs: ENVIRONMENT_DEFAULTS.connectTimeoutMs,
    });
  });

  it('has the documented default timeouts', () => {
    expect(ENVIRONMENT_DEFAULTS).toEqual({
      lockTimeoutMs: 5_000,
      statementTimeoutMs: 600_000,
      lockWaitMs: 30_000,
      connectTimeoutMs: 5_000,
    });
  });

  it('resolves a plain url environment', () => {
    const dev = resolveEnvironment(parse(DESIGN_EXAMPLE), 'dev', {});
    expect(dev.url).toBe('postgres://app@localhost:5432/shop_dev');
    expect(dev.embedded).toBe(false);
    expect(dev.protected).toBe(false);
  });

  it('expands ${VAR} and converts durations for a protected environment', () => {
    const prod = resolveEnvironment(parse(DESIGN_EXAMPLE), 'prod', vars);
    expect(prod).toEqual({
      name: 'prod',
      url: 'postgres://app@prod/shop',
      embedded: false,
      protected: true,
      lockTimeoutMs: 3_000,
      statementTimeoutMs: 60_000,
      lockWaitMs: ENVIRONMENT_DEFAULTS.lockWaitMs,
      connectTimeoutMs: ENVIRONMENT_DEFAULTS.connectTimeoutMs,
    });
  });

  it('lets an extending environment override its parent (nearest wins)', () => {
    const staging = resolveEnvironment(parse(DESIGN_EXAMPLE), 'staging', vars);
    expect(staging.name).toBe('staging');
    expect(staging.url).toBe('postgres://app@staging/shop');
  });

  it('takes every key of the chain, nearest first', () => {
    const config = parse(
      yaml(
        'environments:',
        '  base:',
        '    url: postgres://base/db',
        '    lock_timeout: 1s',
        '    statement_timeout: 10s',
        '    protected: true',
        '  middle:',
        '    +extend: base',
        '    lock_timeout: 2s',
        '    connect_timeout: 7s',
        '  leaf:',
        '    +extend: middle',
        '    statement_timeout: 30s',
        '    protected: false',
      ),
    );
    const leaf = resolveEnvironment(config, 'leaf', {});
    expect(leaf).toEqual({
      name: 'leaf',
      url: 'postgres://base/db',
      embedded: false,
      protected: false,
      lockTimeoutMs: 2_000,
      statementTimeoutMs: 30_000,
      lockWaitMs: ENVIRONMENT_DEFAULTS.lockWaitMs,
      connectTimeoutMs: 7_000,
    });
    // The parents are unchanged by resolving a child.
    expect(resolveEnvironment(config, 'base', {}).lockTimeoutMs).toBe(1_000);
    expect(resolveEnvironment(config, 'middle', {}).statementTimeoutMs).toBe(10_000);
    expect(resolveEnvironment(config, 'middle', {}).protected).toBe(true);
  });

  it.each([
    ['500ms', 500],
    ['3s', 3_000],
    ['3sec', 3_000],
    ['2min', 120_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['250', 250],
  ])('reads the duration %s as %i ms', (text, ms) => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://x', `    lock_wait: ${text}`));
    expect(resolveEnvironment(config, 'dev', {}).lockWaitMs).toBe(ms);
  });

  it('expands several variables in one value', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://${DB_USER}@${DB_HOST}:5432/${DB_NAME}'));
    const dev = resolveEnvironment(config, 'dev', { DB_USER: 'app', DB_HOST: 'db.internal', DB_NAME: 'shop' });
    expect(dev.url).toBe('postgres://app@db.internal:5432/shop');
  });

  it('reads variables only from the given record, not from process.env', () => {
    process.env.DATA_UNIT_TEST_ONLY_IN_PROCESS_ENV = 'postgres://leak/db';
    try {
      const config = parse(yaml('environments:', '  dev:', '    url: ${DATA_UNIT_TEST_ONLY_IN_PROCESS_ENV}'));
      const error = errorOf(() => resolveEnvironment(config, 'dev', {}));
      expect(error.message).toMatch(/DATA_UNIT_TEST_ONLY_IN_PROCESS_ENV is not set/);
    } finally {
      delete process.env.DATA_UNIT_TEST_ONLY_IN_PROCESS_ENV;
    }
  });

  it('fails on an unset variable, naming the variable, the environment and the line', () => {
    const config = parse(DESIGN_EXAMPLE);
    const error = errorOf(() => resolveEnvironment(config, 'prod', { STAGING_DATABASE_URL: 'x' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environment prod: variable PROD_DATABASE_URL is not set (used by environments.prod.url)');
    expect(error.where).toBe(`${FILE}:13`);
    expect(error.fix).toContain('export PROD_DATABASE_URL=');
    expect(error.fix).toContain('--url');
  });

  it('names the environment being resolved when the unset variable comes from its parent', () => {
    const config = parse(
      yaml('environments:', '  dev:', '    url: ${DEV_URL}', '  staging:', '    +extend: dev', '    protected: true'),
    );
    const error = errorOf(() => resolveEnvironment(config, 'staging', {}));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^environment staging: variable DEV_URL is not set/);
    expect(error.where).toBe(`${FILE}:3`);
  });

  it('does not need the variables of other environments', () => {
    const config = parse(DESIGN_EXAMPLE);
    expect(() => resolveEnvironment(config, 'dev', {})).not.toThrow();
    expect(() => resolveEnvironment(config, 'local', {})).not.toThrow();
  });

  it('treats a variable set to the empty string as set, leaving no url', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: ${EMPTY}'));
    const dev = resolveEnvironment(config, 'dev', { EMPTY: '' });
    expect(dev.url).toBeUndefined();
  });

  it('turns $$ into a literal $', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://app:pa$$word@h/db'));
    expect(resolveEnvironment(config, 'dev', {}).url).toBe('postgres://app:pa$word@h/db');
  });

  it('does not expand ${VAR} written after $$', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://h/db?x=$${NOT_A_VAR}'));
    expect(resolveEnvironment(config, 'dev', {}).url).toBe('postgres://h/db?x=${NOT_A_VAR}');
  });

  it('leaves a lone $ without braces as it is', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://app:pa$word@h/db'));
    expect(resolveEnvironment(config, 'dev', { word: 'NO' }).url).toBe('postgres://app:pa$word@h/db');
  });

  it('expands a variable next to an escaped $', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://u:p$$${HOST}$$@h/db'));
    expect(resolveEnvironment(config, 'dev', { HOST: 'x' }).url).toBe('postgres://u:p$x$@h/db');
  });

  it('rejects a "${" that is not closed, at its line', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://${HOSTX/db'));
    const error = errorOf(() => resolveEnvironment(config, 'dev', { HOSTX: 'h' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environments.dev.url: a "${" is not closed');
    expect(error.where).toBe(`${FILE}:3`);
  });

  it('rejects a url that is not postgres://, naming only its scheme (the rest may hold a password)', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: ${DEV_URL}'));
    const error = errorOf(() => resolveEnvironment(config, 'dev', { DEV_URL: 'mysql://root:s3cret@b/c' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environments.dev.url is not a postgres:// URL (it starts with mysql:)');
    expect(error.where).toBe(`${FILE}:3`);
    expect(JSON.stringify(error)).not.toContain('s3cret');
    expect(resolveEnvironment(config, 'dev', { DEV_URL: 'postgresql://h/db' }).url).toBe('postgresql://h/db');
  });

  it('rejects a postgres:// url that is not a URL (a bad port), at its line and without the password', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: ${DEV_URL}'));
    const error = errorOf(() => resolveEnvironment(config, 'dev', { DEV_URL: 'postgres://root:s3cret@127.0.0.1:54x32/db' }));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^environments\.dev\.url is not a valid URL: check the port/);
    expect(error.where).toBe(`${FILE}:3`);
    expect(JSON.stringify(error)).not.toContain('s3cret');
    for (const socket of ['postgres:///db?host=/var/run/postgresql', 'postgresql://deploy@/app?host=/var/run/postgresql']) {
      expect(resolveEnvironment(config, 'dev', { DEV_URL: socket }).url).toBe(socket);
    }
  });

  it.each(['${}', '${1ABC}', '${A-B}', '${ A }'])('rejects the invalid reference %s', (reference) => {
    const config = parse(yaml('environments:', '  dev:', `    url: "postgres://${reference}/db"`));
    const error = errorOf(() => resolveEnvironment(config, 'dev', {}));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`environments.dev.url: "${reference}" is not a valid variable reference`);
    expect(error.where).toBe(`${FILE}:3`);
  });

  it('rejects an environment with both url and embedded: true, at the url line', () => {
    const config = parse(yaml('environments:', '  local:', '    embedded: true', '    url: postgres://h/db'));
    const error = errorOf(() => resolveEnvironment(config, 'local', {}));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('environments.local has both url and embedded: true');
    expect(error.where).toBe(`${FILE}:4`);
    expect(error.fix).toMatch(/keep one/);
  });

  it('rejects url and embedded: true that meet through +extend', () => {
    const config = parse(
      yaml('environments:', '  dev:', '    url: postgres://h/db', '  local:', '    +extend: dev', '    embedded: true'),
    );
    const error = errorOf(() => resolveEnvironment(config, 'local', {}));
    expect(error.message).toBe('environments.local has both url and embedded: true');
    expect(error.where).toBe(`${FILE}:3`);
    expect(() => resolveEnvironment(config, 'dev', {})).not.toThrow();
  });

  it('accepts a url with embedded: false', () => {
    const config = parse(yaml('environments:', '  dev:', '    url: postgres://h/db', '    embedded: false'));
    const dev = resolveEnvironment(config, 'dev', {});
    expect(dev.url).toBe('postgres://h/db');
    expect(dev.embedded).toBe(false);
  });

  it('rejects an unknown environment name with exit code 2 and the known names', () => {
    const config = parse(DESIGN_EXAMPLE);
    const error = errorOf(() => resolveEnvironment(config, 'production', vars));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('unknown environment "production"');
    expect(error.where).toBe(FILE);
    expect(error.fix).toBe('use one of: local, dev, staging, prod');
  });

  it('does not change the parsed config', () => {
    const config: ProjectConfig = parse(DESIGN_EXAMPLE);
    resolveEnvironment(config, 'staging', vars);
    expect(config.environments.get('staging')!.keys.url!.value).toBe('${STAGING_DATABASE_URL}');
    expect(config.environments.get('dev')!.keys.url!.value).toBe('postgres://app@localhost:5432/shop_dev');
  });
});
