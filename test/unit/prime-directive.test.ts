import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DataError, ExitCode } from '../../source/domain/errors.js';
import {
  MINIMUM_JUSTIFICATION_LENGTH,
  describeRules,
  evaluatePrimeDirective,
  listRules,
  parsePrimeDirective,
  planHash,
  type DeployFacts,
  type PrimeDirective,
  type Verdict,
} from '../../source/domain/prime-directive.js';

const FILE = '.data-prime-directive.yml';

/** Joins lines so that line numbers in a test are easy to count. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

const parse = (text: string) => parsePrimeDirective(text, FILE);

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

const utc = (iso: string) => new Date(`${iso}Z`);

const HASH = 'a'.repeat(64);
const OLD_HASH = 'b'.repeat(64);

const facts = (overrides: Partial<DeployFacts> = {}): DeployFacts => ({
  environment: 'prod',
  protected: true,
  now: utc('2026-11-25T10:00:00'), // a Wednesday
  destructive: false,
  tablesWithData: [],
  approvals: [],
  planHash: HASH,
  deployer: 'carol',
  overrides: [],
  ...overrides,
});

/** Evaluates and returns the verdict of one rule. */
function verdictOf(directive: PrimeDirective, rule: string, overrides: Partial<DeployFacts> = {}): Verdict {
  const verdict = evaluatePrimeDirective(directive, facts(overrides)).find((candidate) => candidate.rule === rule);
  expect(verdict, `expected a verdict for ${rule}`).toBeDefined();
  return verdict!;
}

const LONG_ENOUGH = 'hotfix for the checkout outage INC-4711';

describe('parsePrimeDirective: the documented example', () => {
  // The example in the header comment of the module must parse as documented.
  const source = readFileSync(new URL('../../source/domain/prime-directive.ts', import.meta.url), 'utf8');
  const block = /```yaml\n([\s\S]*?) \* ```/.exec(source)![1]!;
  const example = block
    .split('\n')
    .map((line) => line.replace(/^ \* ?/, ''))
    .join('\n');

  it('reads every rule with its settings, scope and final flag in file order', () => {
    const directive = parse(example);
    expect(directive.file).toBe(FILE);
    expect(directive.timeZone).toBe('Europe/Berlin');
    expect(directive.rules.map((rule) => rule.id)).toEqual([
      'never_drop_tables_with_data',
      'always_backup_before_destructive',
      'no_migrations_on_friday_after_3pm',
      'deploy_windows',
      'freeze',
      'require_approvals',
      'require_two_approvals_for_production',
      'maximum_migration_duration',
    ]);
    const [neverDrop, backup, friday, windows, freeze, approvals, twoApprovals, duration] = directive.rules;
    expect(neverDrop).toMatchObject({ enabled: true, environments: 'all', final: false });
    expect(backup).toMatchObject({ enabled: true, environments: ['prod'], final: false });
    expect(friday).toMatchObject({ enabled: true, environments: 'all', final: false });
    expect(windows).toMatchObject({
      environments: ['prod', 'staging'],
      final: true,
      windows: [
        { text: 'mon-thu 09:00-17:00', days: [0, 1, 2, 3], startMinute: 540, endMinute: 1020 },
        { text: 'fri 09:00-15:00', days: [4], startMinute: 540, endMinute: 900 },
      ],
    });
    expect(freeze).toMatchObject({
      environments: ['prod'],
      final: false,
      periods: [
        { from: '2026-12-18 00:00', until: '2027-01-05 00:00', toIsDate: true, reason: 'year-end freeze' },
        { from: '2026-11-27 15:00', until: '2026-11-30 06:00', toIsDate: false, reason: 'Black Friday weekend' },
      ],
    });
    expect(approvals).toMatchObject({ count: 2, environments: ['prod'], final: false });
    expect(twoApprovals).toMatchObject({ count: 2, environments: 'protected', final: false });
    expect(duration).toMatchObject({ limitMs: 60_000, limitText: '60s', environments: 'all', final: true });
  });

  it('lists the example as a table with settings, scopes and final flags', () => {
    expect(listRules(parse(example))).toBe(
      [
        'rule                                  setting                                                                                   environments   final',
        'never_drop_tables_with_data           refuses to drop a table that holds rows                                                   all            no',
        'always_backup_before_destructive      backup before destructive deploys (refused until backups arrive with the snapshot issue)  prod           no',
        'no_migrations_on_friday_after_3pm     no deploys on Friday from 15:00 (Europe/Berlin)                                           all            no',
        'deploy_windows                        only mon-thu 09:00-17:00, fri 09:00-15:00 (Europe/Berlin)                                 prod, staging  yes',
        'freeze                                2026-12-18 through 2027-01-04 (Europe/Berlin): year-end freeze                            prod           no',
        '                                      2026-11-27 15:00 until 2026-11-30 06:00 (Europe/Berlin): Black Friday weekend',
        'require_approvals                     2 approvals of the exact plan, not by the deployer                                        prod           no',
        'require_two_approvals_for_production  2 approvals of the exact plan, not by the deployer                                        protected      no',
        'maximum_migration_duration            60s per migration (statement_timeout and deadline)                                        all            yes',
      ].join('\n'),
    );
  });
});

describe('parsePrimeDirective: shapes', () => {
  it('reads an empty file as no rules in UTC', () => {
    expect(parse('')).toEqual({ file: FILE, timeZone: 'UTC', rules: [] });
    expect(parse('# nothing yet\n')).toEqual({ file: FILE, timeZone: 'UTC', rules: [] });
    expect(parse('rules:\n')).toEqual({ file: FILE, timeZone: 'UTC', rules: [] });
  });

  it('records the line of each rule', () => {
    const directive = parse(yaml('timezone: UTC', 'rules:', '  never_drop_tables_with_data: true', '', '  maximum_migration_duration: 5min'));
    expect(directive.rules.map((rule) => rule.line)).toEqual([3, 5]);
    expect(directive.rules[1]).toMatchObject({ limitMs: 300_000 });
  });

  it('accepts the list shorthands of deploy_windows and freeze, and keeps false as a listed, disabled rule', () => {
    const directive = parse(
      yaml(
        'rules:',
        '  deploy_windows: [mon-thu 09:00-17:00]',
        '  freeze:',
        '    - { from: 2026-12-24, to: 2026-12-26, reason: christmas }',
        '  never_drop_tables_with_data: false',
      ),
    );
    expect(directive.rules[0]).toMatchObject({ id: 'deploy_windows', environments: 'all', final: false });
    expect(directive.rules[1]).toMatchObject({ id: 'freeze', periods: [{ from: '2026-12-24 00:00', until: '2026-12-27 00:00' }] });
    expect(directive.rules[2]).toMatchObject({ id: 'never_drop_tables_with_data', enabled: false });
    expect(describeRules(directive)[2]).toMatchObject({ rule: 'never_drop_tables_with_data', enabled: false, settings: ['off'] });
  });

  it('reads day lists, ranges that wrap over the weekend, 24:00 and a T between date and time', () => {
    const directive = parse(
      yaml(
        'rules:',
        '  deploy_windows: ["fri-mon 00:00-24:00", "Mon,wed 8:00-12:30"]',
        '  freeze: [{ from: "2026-12-24T18:00", to: 2026-12-24 22:00, reason: party }]',
      ),
    );
    expect(directive.rules[0]).toMatchObject({
      windows: [
        { days: [0, 4, 5, 6], startMinute: 0, endMinute: 1440 },
        { days: [0, 2], startMinute: 480, endMinute: 750 },
      ],
    });
    expect(directive.rules[1]).toMatchObject({ periods: [{ from: '2026-12-24 18:00', until: '2026-12-24 22:00' }] });
  });

  it('canonicalises the time zone through Intl', () => {
    expect(parse('timezone: europe/berlin\n').timeZone).toBe('Europe/Berlin');
  });
});

describe('parsePrimeDirective: every validation error names the file, the key path and the line, exit 2', () => {
  it.each([
    ['malformed YAML', yaml('rules:', '  never_drop_tables_with_data: [true'), 2, /malformed YAML/],
    ['a duplicate rule', yaml('rules:', '  freeze: []', '  freeze: []'), 3, /malformed YAML: .*unique/i],
    ['a file that is not a mapping', yaml('- never_drop_tables_with_data'), 1, /must be a mapping/],
    ['an unknown top-level key', yaml('timezon: UTC'), 1, /unknown key timezon/],
    ['an unknown rule', yaml('rules:', '  never_deploy_on_fridays: true'), 2, /unknown rule rules\.never_deploy_on_fridays/],
    ['an unknown key in a rule', yaml('rules:', '  freeze:', '    enviroments: [prod]', '    periods: []'), 3, /unknown key rules\.freeze\.enviroments/],
    ['a rule that is not true, false or a mapping', yaml('rules:', '  never_drop_tables_with_data: sometimes'), 2, /rules\.never_drop_tables_with_data must be true or false/],
    ['a rule without a value', yaml('rules:', '  always_backup_before_destructive:'), 2, /rules\.always_backup_before_destructive must be true, false or a mapping/],
    ['rules that are not a mapping', yaml('rules:', '  - never_drop_tables_with_data'), 1, /rules must be a mapping/],
    ['final that is not a boolean', yaml('rules:', '  never_drop_tables_with_data:', '    final: "yes"'), 3, /rules\.never_drop_tables_with_data\.final must be true or false/],
    ['environments that are not a list', yaml('rules:', '  never_drop_tables_with_data:', '    environments: prod'), 3, /rules\.never_drop_tables_with_data\.environments must be a non-empty list/],
    ['an environment that is not a name', yaml('rules:', '  never_drop_tables_with_data:', '    environments:', '      - prod', '      - 42'), 5, /environments\[1\] must be an environment name/],
    ['an environment listed twice', yaml('rules:', '  freeze:', '    environments: [prod, prod]', '    periods: [{ from: 2026-12-24, to: 2026-12-26, reason: x }]'), 3, /lists prod twice/],
    ['a time zone Intl does not know', yaml('timezone: Mars/Olympus_Mons'), 1, /timezone: unknown time zone "Mars\/Olympus_Mons"/],
    ['a time zone that is not a string', yaml('timezone: 2'), 1, /timezone must be a non-empty string/],
    ['an unknown weekday', yaml('rules:', '  deploy_windows:', '    allow:', '      - mon-thu 09:00-17:00', '      - fry 09:00-15:00'), 5, /rules\.deploy_windows\.allow\[1\]: unknown weekday "fry"/],
    ['an end before the start', yaml('rules:', '  deploy_windows:', '    - mon 17:00-09:00'), 3, /rules\.deploy_windows\[0\]: bad time range "17:00-09:00"/],
    ['an empty time range', yaml('rules:', '  deploy_windows: [mon 09:00-09:00]'), 2, /bad time range "09:00-09:00"/],
    ['an hour past 24', yaml('rules:', '  deploy_windows: [mon 09:00-25:00]'), 2, /bad time range "09:00-25:00".*00:00 to 24:00/],
    ['a window that is not a window', yaml('rules:', '  deploy_windows: [weekdays]'), 2, /"weekdays" is not a weekly window/],
    ['no windows', yaml('rules:', '  deploy_windows: []'), 2, /rules\.deploy_windows must be a non-empty list/],
    ['deploy_windows without allow', yaml('rules:', '  deploy_windows:', '    final: true'), 2, /rules\.deploy_windows needs allow/],
    ['a freeze that ends before it starts', yaml('rules:', '  freeze:', '    - from: 2026-12-18', '      to: 2026-12-01', '      reason: year-end'), 4, /bad time range in rules\.freeze\[0\]: it ends \(2026-12-01\) before it starts \(2026-12-18\)/],
    ['a date that does not exist', yaml('rules:', '  freeze:', '    - from: 2026-02-30', '      to: 2026-03-02', '      reason: x'), 3, /rules\.freeze\[0\]\.from must be a date/],
    ['a freeze without reason', yaml('rules:', '  freeze:', '    periods:', '      - from: 2026-12-18', '        to: 2026-12-20'), 4, /rules\.freeze\.periods\[0\] needs reason/],
    ['a freeze period that is not a mapping', yaml('rules:', '  freeze: [2026-12-18]'), 2, /rules\.freeze\[0\] must be a mapping/],
    ['an approval count below 1', yaml('rules:', '  require_approvals:', '    count: 0'), 3, /rules\.require_approvals\.count must be at least 1/],
    ['an approval count that is not a number', yaml('rules:', '  require_approvals:', '    count: two'), 3, /rules\.require_approvals\.count must be a whole number/],
    ['require_approvals without count', yaml('rules:', '  require_approvals:', '    environments: [prod]'), 2, /rules\.require_approvals needs count/],
    ['require_approvals as a number', yaml('rules:', '  require_approvals: 2'), 2, /rules\.require_approvals must be a mapping/],
    ['a duration without a unit', yaml('rules:', '  maximum_migration_duration: 60'), 2, /rules\.maximum_migration_duration needs a unit/],
    ['a duration that is not one', yaml('rules:', '  maximum_migration_duration:', '    limit: a minute'), 3, /rules\.maximum_migration_duration\.limit must be a duration/],
  ])('%s', (_label, text, line, message) => {
    const error = errorOf(() => parse(text));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.where).toBe(`${FILE}:${line}`);
    expect(error.message).toMatch(message);
  });

  it('suggests the nearest rule, key, weekday and the spelling of booleans', () => {
    expect(errorOf(() => parse(yaml('rules:', '  never_drop_table_with_data: true'))).fix).toMatch(/did you mean "never_drop_tables_with_data"\?/);
    expect(errorOf(() => parse(yaml('rules:', '  freeze:', '    enviroments: [prod]'))).fix).toMatch(/did you mean "environments"\?/);
    expect(errorOf(() => parse(yaml('rules:', '  deploy_windows: [fry 09:00-15:00]'))).fix).toMatch(/did you mean "fri"\?.*mon, tue, wed, thu, fri, sat, sun/);
    expect(errorOf(() => parse(yaml('rules:', '  never_drop_tables_with_data: on'))).fix).toBe('write true instead of on');
    expect(errorOf(() => parse(yaml('rules:', '  deploy_windows: [mon 22:00-02:00]'))).fix).toMatch(/two windows/);
  });
});

describe('parsePrimeDirective: environment names are checked against data.config.yaml', () => {
  const known = { environments: ['dev', 'staging', 'prod'] };
  const freeze = (environments: string) => yaml('rules:', '  freeze:', `    environments: ${environments}`, '    periods: [{ from: 2026-11-01, to: 2027-01-04, reason: x }]');

  it('a misspelt environment is an error naming the file, the key path, the line, the name and the known ones, exit 2', () => {
    const error = errorOf(() => parsePrimeDirective(freeze('[prdo]'), FILE, known));
    expect(error.exitCode).toBe(ExitCode.usage);
    expect(error.where).toBe(`${FILE}:3`);
    expect(error.message).toBe('rules.freeze.environments[0]: unknown environment "prdo"');
    expect(error.fix).toBe('did you mean "prod"? environments of data.config.yaml: dev, staging, prod');
  });

  it('names the item that is wrong, on its own line, in every rule that takes environments', () => {
    const error = errorOf(() =>
      parsePrimeDirective(yaml('rules:', '  require_two_approvals_for_production:', '    environments:', '      - prod', '      - qa'), FILE, { ...known, configFile: 'shop.yaml' }),
    );
    expect(error.where).toBe(`${FILE}:5`);
    expect(error.message).toBe('rules.require_two_approvals_for_production.environments[1]: unknown environment "qa"');
    expect(error.fix).toBe('environments of shop.yaml: dev, staging, prod');
    for (const rule of ['never_drop_tables_with_data', 'always_backup_before_destructive', 'no_migrations_on_friday_after_3pm']) {
      expect(errorOf(() => parsePrimeDirective(yaml('rules:', `  ${rule}: { environments: [stagng] }`), FILE, known)).message).toBe(`rules.${rule}.environments[0]: unknown environment "stagng"`);
    }
    expect(errorOf(() => parsePrimeDirective(yaml('rules:', '  deploy_windows: { allow: [mon 09:00-17:00], environments: [Prod] }'), FILE, known)).fix).toMatch(/^did you mean "prod"\?/);
    expect(errorOf(() => parsePrimeDirective(yaml('rules:', '  require_approvals: { count: 1, environments: [dev, prdo] }'), FILE, known)).message).toMatch(/environments\[1\]: unknown environment "prdo"/);
    expect(errorOf(() => parsePrimeDirective(yaml('rules:', '  maximum_migration_duration: { limit: 60s, environments: [prd] }'), FILE, known)).message).toMatch(/maximum_migration_duration\.environments\[0\]/);
  });

  it('accepts names the config defines; without the config\'s names only the shape is checked', () => {
    expect(parsePrimeDirective(freeze('[prod, staging]'), FILE, known).rules[0]).toMatchObject({ id: 'freeze', environments: ['prod', 'staging'] });
    expect(parse(freeze('[prdo]')).rules[0]).toMatchObject({ environments: ['prdo'] });
  });
});

describe('never_drop_tables_with_data', () => {
  const directive = parse(yaml('rules:', '  never_drop_tables_with_data: true'));

  it('passes when no dropped table holds rows', () => {
    expect(verdictOf(directive, 'never_drop_tables_with_data')).toEqual({
      rule: 'never_drop_tables_with_data',
      status: 'pass',
      reason: 'the plan drops no table that holds rows',
      fix: '',
      final: false,
    });
  });

  it('refuses a drop of tables with rows, naming each table, its count and estimates, and the override', () => {
    const verdict = verdictOf(directive, 'never_drop_tables_with_data', {
      tablesWithData: [
        { table: 'public.orders', rows: 1204, estimate: false },
        { table: 'audit.log', rows: 2_100_000, estimate: true },
      ],
    });
    expect(verdict.status).toBe('refused');
    expect(verdict.reason).toBe('the plan drops 2 tables that hold rows: public.orders (1,204 rows), audit.log (about 2,100,000 rows, estimated)');
    expect(verdict.fix).toContain('data deploy prod --override never_drop_tables_with_data --justification "<why, in at least 20 characters>"');
  });

  it('is overridden by a justification of at least 20 characters, which the verdict carries', () => {
    const verdict = verdictOf(directive, 'never_drop_tables_with_data', {
      tablesWithData: [{ table: 'public.tmp', rows: 1, estimate: false }],
      overrides: [{ rule: 'never_drop_tables_with_data', justification: `  ${LONG_ENOUGH}  ` }],
    });
    expect(verdict).toEqual({
      rule: 'never_drop_tables_with_data',
      status: 'overridden',
      reason: `the plan drops a table that holds rows: public.tmp (1 row); overridden by carol: "${LONG_ENOUGH}"`,
      fix: '',
      final: false,
      justification: LONG_ENOUGH,
    });
  });

  it('is not evaluated when set to false', () => {
    const off = parse(yaml('rules:', '  never_drop_tables_with_data: false'));
    expect(evaluatePrimeDirective(off, facts({ tablesWithData: [{ table: 't', rows: 5, estimate: false }] }))).toEqual([]);
  });
});

describe('overrides', () => {
  const directive = parse(yaml('rules:', '  never_drop_tables_with_data: true', '  always_backup_before_destructive:', '    final: true'));
  const dropping = { tablesWithData: [{ table: 'public.orders', rows: 10, estimate: false }] };

  it(`refuses a justification shorter than ${MINIMUM_JUSTIFICATION_LENGTH} characters, saying how long it was`, () => {
    const nineteen = 'x'.repeat(19);
    const verdict = verdictOf(directive, 'never_drop_tables_with_data', { ...dropping, overrides: [{ rule: 'never_drop_tables_with_data', justification: ` ${nineteen}   ` }] });
    expect(verdict.status).toBe('refused');
    expect(verdict.reason).toMatch(/the justification for --override never_drop_tables_with_data has 19 characters, at least 20 are needed$/);
    expect(verdict.fix).toMatch(/^give a justification of at least 20 characters: data deploy prod --override never_drop_tables_with_data --justification/);
  });

  it('accepts a justification of exactly 20 characters', () => {
    const verdict = verdictOf(directive, 'never_drop_tables_with_data', { ...dropping, overrides: [{ rule: 'never_drop_tables_with_data', justification: 'y'.repeat(20) }] });
    expect(verdict.status).toBe('overridden');
  });

  it('refuses to override a final rule, saying it is final, and does not offer an override', () => {
    const verdict = verdictOf(directive, 'always_backup_before_destructive', {
      destructive: true,
      overrides: [{ rule: 'always_backup_before_destructive', justification: LONG_ENOUGH }],
    });
    expect(verdict.status).toBe('refused');
    expect(verdict.final).toBe(true);
    expect(verdict.reason).toMatch(/--override always_backup_before_destructive was given, but this rule is final and cannot be overridden$/);
    expect(verdict.fix).toMatch(/^this rule is final: /);
    expect(verdict.fix).not.toContain('--justification');
  });

  it('says a refused final rule is final even without an override', () => {
    const verdict = verdictOf(directive, 'always_backup_before_destructive', { destructive: true });
    expect(verdict).toMatchObject({ status: 'refused', final: true });
    expect(verdict.fix).toMatch(/^this rule is final: /);
  });

  it('lets an override on a passing rule change nothing', () => {
    const verdict = verdictOf(directive, 'never_drop_tables_with_data', { overrides: [{ rule: 'never_drop_tables_with_data', justification: 'short' }] });
    expect(verdict.status).toBe('pass');
  });

  it('refuses an override that names no rule in force, suggesting the nearest', () => {
    const verdicts = evaluatePrimeDirective(
      directive,
      facts({
        overrides: [
          { rule: 'never_drop_table_with_data', justification: LONG_ENOUGH },
          { rule: 'freeze', justification: LONG_ENOUGH },
        ],
      }),
    );
    expect(verdicts.slice(2)).toEqual([
      {
        rule: 'never_drop_table_with_data',
        status: 'refused',
        reason: '--override never_drop_table_with_data names no rule of the prime directive',
        fix: 'did you mean --override never_drop_tables_with_data? remove --override never_drop_table_with_data; rules in force: never_drop_tables_with_data, always_backup_before_destructive',
        final: false,
      },
      {
        rule: 'freeze',
        status: 'refused',
        reason: `--override freeze: ${FILE} has no freeze rule in force`,
        fix: 'remove --override freeze; rules in force: never_drop_tables_with_data, always_backup_before_destructive',
        final: false,
      },
    ]);
  });
});

describe('scoping', () => {
  const directive = parse(
    yaml(
      'rules:',
      '  never_drop_tables_with_data:',
      '    environments: [prod, staging]',
      '  require_two_approvals_for_production: true',
      '  require_approvals:',
      '    count: 1',
      '    environments: [qa]',
    ),
  );
  const dropping = { tablesWithData: [{ table: 'public.orders', rows: 10, estimate: false }] };

  it('applies a rule to the environments listed and passes it elsewhere, saying why', () => {
    expect(verdictOf(directive, 'never_drop_tables_with_data', { ...dropping, environment: 'staging' }).status).toBe('refused');
    expect(verdictOf(directive, 'never_drop_tables_with_data', { ...dropping, environment: 'dev', protected: false })).toEqual({
      rule: 'never_drop_tables_with_data',
      status: 'pass',
      reason: 'applies only to prod, staging; not to dev',
      fix: '',
      final: false,
    });
  });

  it('reads "production" of the shorthand as the protected environments', () => {
    expect(verdictOf(directive, 'require_two_approvals_for_production', { environment: 'live', protected: true }).status).toBe('refused');
    expect(verdictOf(directive, 'require_two_approvals_for_production', { environment: 'prod', protected: false }).reason).toBe(
      'applies only to protected environments; prod is not protected',
    );
  });

  it('lets the shorthand name its environments instead of the protected ones', () => {
    const listed = parse(yaml('rules:', '  require_two_approvals_for_production:', '    environments: [prod]', '    final: true'));
    expect(listed.rules[0]).toMatchObject({ count: 2, environments: ['prod'], final: true });
    expect(verdictOf(listed, 'require_two_approvals_for_production', { environment: 'prod', protected: false }).status).toBe('refused');
    expect(verdictOf(listed, 'require_two_approvals_for_production', { environment: 'stage', protected: true }).status).toBe('pass');
  });

  it('applies a listed require_approvals whether or not the environment is protected', () => {
    expect(verdictOf(directive, 'require_approvals', { environment: 'qa', protected: false }).status).toBe('refused');
    expect(verdictOf(directive, 'require_approvals', { environment: 'prod', protected: true }).status).toBe('pass');
  });

  it('gives verdicts in file order', () => {
    expect(evaluatePrimeDirective(directive, facts()).map((verdict) => verdict.rule)).toEqual([
      'never_drop_tables_with_data',
      'require_two_approvals_for_production',
      'require_approvals',
    ]);
  });
});

describe('always_backup_before_destructive', () => {
  const directive = parse(yaml('rules:', '  always_backup_before_destructive: true'));

  it('passes a plan that is not destructive', () => {
    expect(verdictOf(directive, 'always_backup_before_destructive').status).toBe('pass');
  });

  it('refuses a destructive plan, saying backups arrive with the snapshot issue', () => {
    const verdict = verdictOf(directive, 'always_backup_before_destructive', { destructive: true });
    expect(verdict.status).toBe('refused');
    expect(verdict.reason).toMatch(/destructive .* data cannot take backups yet: they arrive with the snapshot issue/);
    expect(verdict.fix).toBe(
      'move the destructive statements to a later deployment; or back the database up yourself (pg_dump), then override: data deploy prod --override always_backup_before_destructive --justification "<why, in at least 20 characters>"',
    );
  });

  it('can be overridden', () => {
    const verdict = verdictOf(directive, 'always_backup_before_destructive', {
      destructive: true,
      overrides: [{ rule: 'always_backup_before_destructive', justification: 'pg_dump taken at 10:02, see runbook' }],
    });
    expect(verdict.status).toBe('overridden');
  });
});

describe('no_migrations_on_friday_after_3pm', () => {
  const berlin = parse(yaml('timezone: Europe/Berlin', 'rules:', '  no_migrations_on_friday_after_3pm: true'));
  const inUtc = parse(yaml('rules:', '  no_migrations_on_friday_after_3pm: true'));

  it.each([
    // Berlin is UTC+2 until Sunday 2026-10-25 03:00, then UTC+1.
    ['Thursday 23:30 in Berlin', berlin, '2026-10-22T21:30', 'pass'],
    ['Friday 14:59 in Berlin (summer time)', berlin, '2026-10-23T12:59', 'pass'],
    ['Friday 15:00 in Berlin (summer time)', berlin, '2026-10-23T13:00', 'refused'],
    ['Friday 15:30 in Berlin (summer time) is 13:30 UTC', berlin, '2026-10-23T13:30', 'refused'],
    ['Friday 23:59 in Berlin', berlin, '2026-10-23T21:59', 'refused'],
    ['Saturday 00:00 in Berlin', berlin, '2026-10-23T22:00', 'pass'],
    ['Friday 14:30 in Berlin (winter time) is the same 13:30 UTC', berlin, '2026-10-30T13:30', 'pass'],
    ['Friday 15:00 in Berlin (winter time)', berlin, '2026-10-30T14:00', 'refused'],
    ['Friday 14:59 UTC', inUtc, '2026-10-23T14:59', 'pass'],
    ['Friday 15:00 UTC', inUtc, '2026-10-23T15:00', 'refused'],
    ['Friday 13:30 UTC, refused in Berlin, passes in UTC', inUtc, '2026-10-23T13:30', 'pass'],
  ] as const)('%s', (_label, directive, now, status) => {
    expect(verdictOf(directive, 'no_migrations_on_friday_after_3pm', { now: utc(now) }).status).toBe(status);
  });

  it('says the local time and when deploys may run again', () => {
    const verdict = verdictOf(berlin, 'no_migrations_on_friday_after_3pm', { now: utc('2026-10-23T13:30') });
    expect(verdict.reason).toBe('no migrations on Friday after 15:00 (Europe/Berlin): it is fri 2026-10-23 15:30 there');
    expect(verdict.fix).toBe(
      'wait until sat 2026-10-24 00:00 (Europe/Berlin); or override: data deploy prod --override no_migrations_on_friday_after_3pm --justification "<why, in at least 20 characters>"',
    );
  });
});

describe('deploy_windows across a fixed week', () => {
  const windows = (timezone: string) =>
    parse(yaml(`timezone: ${timezone}`, 'rules:', '  deploy_windows:', '    - mon-thu 09:00-17:00', '    - fri 09:00-15:00'));
  const berlin = windows('Europe/Berlin');
  const inUtc = windows('UTC');

  // Berlin: UTC+1 until Sunday 2026-03-29 02:00, then UTC+2.
  it.each([
    ['Mon 08:59 in Berlin', berlin, '2026-03-23T07:59', 'refused', 'mon 2026-03-23 09:00'],
    ['Mon 09:00 in Berlin', berlin, '2026-03-23T08:00', 'pass', ''],
    ['Thu 16:59 in Berlin', berlin, '2026-03-26T15:59', 'pass', ''],
    ['Thu 17:00 in Berlin', berlin, '2026-03-26T16:00', 'refused', 'fri 2026-03-27 09:00'],
    ['Fri 14:59 in Berlin', berlin, '2026-03-27T13:59', 'pass', ''],
    ['Fri 15:00 in Berlin', berlin, '2026-03-27T14:00', 'refused', 'mon 2026-03-30 09:00'],
    ['Sat noon in Berlin', berlin, '2026-03-28T11:00', 'refused', 'mon 2026-03-30 09:00'],
    ['Sun 03:30 in Berlin, just after the switch to summer time', berlin, '2026-03-29T01:30', 'refused', 'mon 2026-03-30 09:00'],
    ['Mon 07:00 UTC is 09:00 in Berlin after the switch', berlin, '2026-03-30T07:00', 'pass', ''],
    ['Mon 07:00 UTC was 08:00 in Berlin before the switch', berlin, '2026-03-23T07:00', 'refused', 'mon 2026-03-23 09:00'],
    ['Mon 07:00 UTC in a UTC directive', inUtc, '2026-03-30T07:00', 'refused', 'mon 2026-03-30 09:00'],
    ['Mon 09:00 UTC in a UTC directive', inUtc, '2026-03-30T09:00', 'pass', ''],
    ['Fri 15:00 UTC in a UTC directive', inUtc, '2026-03-27T15:00', 'refused', 'mon 2026-03-30 09:00'],
    ['Sun 23:59 UTC in a UTC directive', inUtc, '2026-03-29T23:59', 'refused', 'mon 2026-03-30 09:00'],
  ] as const)('%s', (_label, directive, now, status, next) => {
    const verdict = verdictOf(directive, 'deploy_windows', { now: utc(now) });
    expect(verdict.status).toBe(status);
    if (next) expect(verdict.fix).toMatch(new RegExp(`^wait for the next window: ${next} \\(${directive.timeZone.replace('/', '\\/')}\\); or override: `));
  });

  it('names the allowed windows, the zone and the local time when it refuses', () => {
    const verdict = verdictOf(berlin, 'deploy_windows', { now: utc('2026-03-27T15:20') });
    expect(verdict.reason).toBe('deploys to prod are allowed only mon-thu 09:00-17:00, fri 09:00-15:00 (Europe/Berlin); it is fri 2026-03-27 16:20 there');
  });

  it('names the open window when it passes', () => {
    expect(verdictOf(berlin, 'deploy_windows', { now: utc('2026-03-24T10:00') }).reason).toBe(
      'it is tue 2026-03-24 11:00 in Europe/Berlin, inside the window mon-thu 09:00-17:00',
    );
  });

  it('opens a window that wraps over the weekend and one that ends at 24:00', () => {
    const wrap = parse(yaml('rules:', '  deploy_windows: ["sat-sun 00:00-24:00", "fri 20:00-24:00"]'));
    expect(verdictOf(wrap, 'deploy_windows', { now: utc('2026-03-27T23:59') }).status).toBe('pass');
    expect(verdictOf(wrap, 'deploy_windows', { now: utc('2026-03-29T23:59') }).status).toBe('pass');
    expect(verdictOf(wrap, 'deploy_windows', { now: utc('2026-03-30T00:00') }).fix).toMatch(/^wait for the next window: fri 2026-04-03 20:00 \(UTC\)/);
  });
});

describe('freeze', () => {
  const directive = parse(
    yaml(
      'timezone: Europe/Berlin',
      'rules:',
      '  freeze:',
      '    environments: [prod]',
      '    periods:',
      '      - { from: 2026-12-18, to: 2027-01-04, reason: year-end freeze }',
      '      - { from: 2027-01-05 00:00, to: 2027-01-05 12:00, reason: inventory }',
      '      - { from: 2026-11-27 15:00, to: 2026-11-30 06:00, reason: Black Friday weekend }',
    ),
  );

  it.each([
    ['the minute before the freeze starts, in Berlin', '2026-12-17T22:59', 'pass'],
    ['midnight of the first day, in Berlin', '2026-12-17T23:00', 'refused'],
    ['the last minute of the last day, in Berlin', '2027-01-04T22:59', 'refused'],
    ['midnight after the last day, where the touching inventory freeze starts', '2027-01-04T23:00', 'refused'],
    ['the end of the inventory freeze, exclusive', '2027-01-05T11:00', 'pass'],
    ['Black Friday 15:00 in Berlin', '2026-11-27T14:00', 'refused'],
    ['Monday 06:00 in Berlin ends the Black Friday freeze', '2026-11-30T05:00', 'pass'],
  ] as const)('%s', (_label, now, status) => {
    expect(verdictOf(directive, 'freeze', { now: utc(now) }).status).toBe(status);
  });

  it('says until when deploys are frozen and why, and when the freeze (with touching periods) ends', () => {
    const verdict = verdictOf(directive, 'freeze', { now: utc('2026-12-20T10:00') });
    expect(verdict.reason).toBe('deploys to prod are frozen through 2027-01-04 (Europe/Berlin): year-end freeze');
    expect(verdict.fix).toBe(
      'wait until the freeze ends at 2027-01-05 12:00 (Europe/Berlin); or override: data deploy prod --override freeze --justification "<why, in at least 20 characters>"',
    );
  });

  it('names a freeze that ends at a time with "until"', () => {
    expect(verdictOf(directive, 'freeze', { now: utc('2026-11-28T10:00') }).reason).toBe(
      'deploys to prod are frozen until 2026-11-30 06:00 (Europe/Berlin): Black Friday weekend',
    );
  });

  it('mentions the next freeze when it passes', () => {
    expect(verdictOf(directive, 'freeze', { now: utc('2026-12-01T10:00') }).reason).toBe(
      'no freeze on prod at 2026-12-01 11:00 (Europe/Berlin); the next one starts 2026-12-18 (year-end freeze)',
    );
  });

  it('does not apply to an environment outside its scope', () => {
    expect(verdictOf(directive, 'freeze', { environment: 'staging', now: utc('2026-12-20T10:00') }).status).toBe('pass');
  });

  it('reads the same dates in UTC when no time zone is set', () => {
    const inUtc = parse(yaml('rules:', '  freeze: [{ from: 2026-12-18, to: 2027-01-04, reason: year-end freeze }]'));
    expect(verdictOf(inUtc, 'freeze', { now: utc('2026-12-17T23:30') }).status).toBe('pass');
    expect(verdictOf(inUtc, 'freeze', { now: utc('2026-12-18T00:00') }).status).toBe('refused');
    expect(verdictOf(inUtc, 'freeze', { now: utc('2027-01-04T23:59') }).status).toBe('refused');
    expect(verdictOf(inUtc, 'freeze', { now: utc('2027-01-05T00:00') }).status).toBe('pass');
  });
});

describe('approvals', () => {
  const directive = parse(yaml('rules:', '  require_approvals:', '    count: 2', '    environments: [prod]'));

  it('passes with two distinct approvers of this plan other than the deployer', () => {
    const verdict = verdictOf(directive, 'require_approvals', {
      approvals: [
        { approver: 'alice', planHash: HASH },
        { approver: 'bob', planHash: HASH },
      ],
    });
    expect(verdict).toEqual({
      rule: 'require_approvals',
      status: 'pass',
      reason: `2 approvals of plan ${HASH.slice(0, 12)} by people other than the deployer (alice, bob); 2 needed`,
      fix: '',
      final: false,
    });
  });

  it('counts one person once, whatever the case of their name', () => {
    const verdict = verdictOf(directive, 'require_approvals', {
      approvals: [
        { approver: 'alice', planHash: HASH },
        { approver: 'Alice', planHash: HASH },
      ],
    });
    expect(verdict.status).toBe('refused');
    expect(verdict.reason).toMatch(/it has 1 \(alice\)$/);
  });

  it("does not count the deployer's approval of their own plan", () => {
    const verdict = verdictOf(directive, 'require_approvals', {
      deployer: 'alice',
      approvals: [
        { approver: 'alice', planHash: HASH },
        { approver: 'bob', planHash: HASH },
      ],
    });
    expect(verdict.status).toBe('refused');
    expect(verdict.reason).toBe(
      `deploys to prod need 2 approvals of plan ${HASH.slice(0, 12)} by people other than the deployer; it has 1 (bob); alice is deploying, so their own approval does not count`,
    );
    expect(verdict.fix).toBe(
      'ask one more person (not alice) to run `data approve prod` on this plan; or override: data deploy prod --override require_approvals --justification "<why, in at least 20 characters>"',
    );
  });

  it('voids approvals of an earlier plan and says how many are stale', () => {
    const verdict = verdictOf(directive, 'require_approvals', {
      approvals: [
        { approver: 'alice', planHash: OLD_HASH },
        { approver: 'bob', planHash: OLD_HASH },
      ],
    });
    expect(verdict.status).toBe('refused');
    expect(verdict.reason).toBe(
      `deploys to prod need 2 approvals of plan ${HASH.slice(0, 12)} by people other than the deployer; it has 0; 2 earlier approvals (alice, bob) are stale: the plan changed since (new migrations or a changed target)`,
    );
    expect(verdict.fix).toMatch(/^ask 2 more people \(not carol\)/);
  });

  it('does not call an approval stale when the same person also approved this plan', () => {
    const verdict = verdictOf(directive, 'require_approvals', {
      approvals: [
        { approver: 'alice', planHash: OLD_HASH },
        { approver: 'alice', planHash: HASH },
        { approver: 'bob', planHash: OLD_HASH },
      ],
    });
    expect(verdict.reason).toMatch(/it has 1 \(alice\); 1 earlier approval \(bob\) is stale/);
  });

  it('uses a hash from planHash end to end: a new migration voids the approvals', () => {
    const before = planHash({ environment: 'prod', migrations: [{ version: '1', checksum: 'c1' }], applied: [] });
    const after = planHash({ environment: 'prod', migrations: [{ version: '1', checksum: 'c1' }, { version: '2', checksum: 'c2' }], applied: [] });
    const approvals = [
      { approver: 'alice', planHash: before },
      { approver: 'bob', planHash: before },
    ];
    expect(verdictOf(directive, 'require_approvals', { approvals, planHash: before }).status).toBe('pass');
    expect(verdictOf(directive, 'require_approvals', { approvals, planHash: after }).reason).toMatch(/2 earlier approvals \(alice, bob\) are stale/);
  });

  it('can be overridden unless final', () => {
    const overrides = [{ rule: 'require_approvals', justification: LONG_ENOUGH }];
    expect(verdictOf(directive, 'require_approvals', { overrides }).status).toBe('overridden');
    const final = parse(yaml('rules:', '  require_approvals:', '    count: 1', '    final: true'));
    expect(verdictOf(final, 'require_approvals', { overrides })).toMatchObject({ status: 'refused', final: true });
  });

  it('needs two approvals for the shorthand on a protected environment', () => {
    const shorthand = parse(yaml('rules:', '  require_two_approvals_for_production: true'));
    expect(verdictOf(shorthand, 'require_two_approvals_for_production', { approvals: [{ approver: 'alice', planHash: HASH }] }).status).toBe('refused');
    expect(
      verdictOf(shorthand, 'require_two_approvals_for_production', {
        approvals: [
          { approver: 'alice', planHash: HASH },
          { approver: 'bob', planHash: HASH },
        ],
      }).status,
    ).toBe('pass');
  });
});

describe('maximum_migration_duration', () => {
  const directive = parse(yaml('rules:', '  maximum_migration_duration: 60s'));

  it('passes with the limit to enforce per migration', () => {
    const verdict = verdictOf(directive, 'maximum_migration_duration');
    expect(verdict).toMatchObject({ status: 'pass', maximumDurationMs: 60_000 });
    expect(verdict.reason).toBe(
      'each migration on prod may run at most 60s (statement_timeout and a deadline per migration); exceeding it aborts and rolls back the deployment',
    );
  });

  it('gives no limit outside its scope', () => {
    const scoped = parse(yaml('rules:', '  maximum_migration_duration:', '    limit: 2min', '    environments: [prod]'));
    expect(verdictOf(scoped, 'maximum_migration_duration').maximumDurationMs).toBe(120_000);
    expect(verdictOf(scoped, 'maximum_migration_duration', { environment: 'dev' }).maximumDurationMs).toBeUndefined();
  });

  it('is lifted by an override', () => {
    const verdict = verdictOf(directive, 'maximum_migration_duration', { overrides: [{ rule: 'maximum_migration_duration', justification: 'backfill of 40M rows, approved by DBA' }] });
    expect(verdict.status).toBe('overridden');
    expect(verdict.maximumDurationMs).toBeUndefined();
  });

  it('refuses an override when final, and keeps the limit', () => {
    const final = parse(yaml('rules:', '  maximum_migration_duration:', '    limit: 60s', '    final: true'));
    const verdict = verdictOf(final, 'maximum_migration_duration', { overrides: [{ rule: 'maximum_migration_duration', justification: LONG_ENOUGH }] });
    expect(verdict).toMatchObject({ status: 'refused', final: true, maximumDurationMs: 60_000 });
    expect(verdict.fix).toBe('this rule is final: deploy without --override maximum_migration_duration; split a migration that needs longer');
  });
});

describe('planHash', () => {
  const input = {
    environment: 'prod',
    migrations: [
      { version: '20261122093000', checksum: 'c2' },
      { version: '20261122080000', checksum: 'c1' },
    ],
    applied: [{ version: '20261101000000', checksum: 'c0' }],
  };

  it('is a sha256 in hex and ignores the order of its inputs', () => {
    const hash = planHash(input);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(planHash({ ...input, migrations: [...input.migrations].reverse() })).toBe(hash);
  });

  it('changes with the environment, a pending migration, a checksum or the applied state', () => {
    const hash = planHash(input);
    expect(planHash({ ...input, environment: 'staging' })).not.toBe(hash);
    expect(planHash({ ...input, migrations: input.migrations.slice(1) })).not.toBe(hash);
    expect(planHash({ ...input, migrations: [{ ...input.migrations[0]!, checksum: 'c9' }, input.migrations[1]!] })).not.toBe(hash);
    expect(planHash({ ...input, applied: [] })).not.toBe(hash);
    // Moving a migration from pending to applied is a different plan.
    expect(planHash({ ...input, migrations: input.migrations.slice(0, 1), applied: [...input.applied, input.migrations[1]!] })).not.toBe(hash);
  });
});

describe('listRules', () => {
  it('says when there are no rules', () => {
    expect(listRules(parse(''))).toBe(`no rules in ${FILE}`);
  });

  it('shows a disabled rule as off and a final one as final', () => {
    expect(listRules(parse(yaml('rules:', '  never_drop_tables_with_data: false', '  maximum_migration_duration: { limit: 30s, final: true, environments: [prod] }')))).toBe(
      [
        'rule                         setting                                             environments  final',
        'never_drop_tables_with_data  off                                                 all           no',
        'maximum_migration_duration   30s per migration (statement_timeout and deadline)  prod          yes',
      ].join('\n'),
    );
  });
});
