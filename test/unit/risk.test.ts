import { describe, expect, it } from 'vitest';
import type { Deployment, DeploymentStatus } from '../../source/domain/deployment.js';
import { logit } from '../../source/domain/logistic-regression.js';
import {
  assessRisk,
  formatBytes,
  formatCount,
  formatProbability,
  formatRisk,
  REGRESSION_SETTINGS,
  riskLevel,
  RISK_WEIGHTS,
  type RiskInput,
} from '../../source/domain/risk.js';
import { localClock, type LocalTime } from '../../source/domain/stress.js';
import { seeded } from '../helpers/seeded.js';

const HOUR = 3_600_000;
const TIME_ZONE = 'Europe/Berlin';
/** Tuesday 10:00 and Friday the 13th 16:40 in Berlin (CET, UTC+1). */
const TUESDAY_MORNING = new Date('2026-11-10T09:00:00Z');
const FRIDAY_AFTERNOON = new Date('2026-11-13T15:40:00Z');

function deployment(id: number, startedAt: Date, status: DeploymentStatus, overrides: Partial<Deployment> = {}): Deployment {
  return {
    id,
    environment: 'prod',
    kind: 'deploy',
    status,
    gitSha: null,
    gitTag: null,
    operator: 'ada',
    startedAt,
    finishedAt: status === 'running' ? null : new Date(startedAt.getTime() + 90_000),
    migrations: ['20261101000000'],
    reverts: [],
    persona: null,
    justification: null,
    error: null,
    ...overrides,
  };
}

/**
 * `count` deployments to prod at random instants from June 2025 to June 2026, each failing
 * with the chance `failureChance` gives for its local time in Berlin.
 */
function generateHistory(seed: number, count: number, failureChance: (time: LocalTime) => number): Deployment[] {
  const random = seeded(seed);
  const clock = localClock(TIME_ZONE);
  const from = Date.UTC(2025, 5, 1);
  const span = Date.UTC(2026, 5, 1) - from;
  const starts = Array.from({ length: count }, () => from + Math.floor(random() * span)).sort((a, b) => a - b);
  return starts.map((start, index) => {
    const startedAt = new Date(start);
    const migrations = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, m) => `2025${index}${m}`);
    const failed = random() < failureChance(clock(startedAt));
    return deployment(index + 1, startedAt, failed ? 'failed' : 'succeeded', { migrations });
  });
}

const fridayAfternoonFails = (time: LocalTime) => (time.weekday === 5 && time.hour >= 15 ? 0.6 : 0.05);

/** A routine plan: one small migration to an unprotected environment on a Tuesday morning, no history. */
function plan(overrides: Partial<RiskInput> = {}): RiskInput {
  return {
    environment: { name: 'prod', protected: false },
    findings: [],
    destructiveChanges: [],
    rowEstimates: new Map(),
    history: [],
    now: TUESDAY_MORNING,
    timeZone: TIME_ZONE,
    migrationCount: 1,
    sqlBytes: 2_000,
    ...overrides,
  };
}

const probability = (overrides: Partial<RiskInput>) => assessRisk(plan(overrides)).probability;

function expectStrictlyDecreasing(values: number[]) {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
}

/** `failed` failures among the last ten deployments (older ones first), all in October 2026. */
const lastTen = (failed: number) =>
  Array.from({ length: 10 }, (_, i) =>
    deployment(i + 1, new Date(Date.UTC(2026, 9, 1 + i, 9)), i >= 10 - failed ? 'failed' : 'succeeded'),
  );

describe('the heuristic model', () => {
  it('scores a routine plan with no history at the baseline', () => {
    const risk = assessRisk(plan());
    expect(risk.model).toBe('heuristic');
    expect(risk.probability).toBeCloseTo(1 / (1 + Math.exp(-RISK_WEIGHTS.baseline)), 12);
    expect(risk.level).toBe('low');
    expect(risk.factors).toEqual([]);
    expect(risk.sampleSize).toBe(0);
  });

  it('puts a destructive change on a big table first and lowers the probability by its weight', () => {
    const rowEstimates = new Map([['users', 2_100_000]]);
    const without = assessRisk(plan({ rowEstimates }));
    const risk = assessRisk(
      plan({ rowEstimates, destructiveChanges: [{ op: '-', kind: 'column', object: 'users.email' }] }),
    );
    expect(risk.probability).toBeLessThan(without.probability);
    expect(risk.factors[0]).toEqual({ text: 'drops column users.email of a 2.1M-row table', weight: -1.76 });
    expect(logit(without.probability) - logit(risk.probability)).toBeCloseTo(0.5 + 0.2 * Math.log10(2_100_001), 9);
    expect(risk.factors[1]).toEqual({ text: 'touches users, a 2.1M-row table', weight: -0.26 });
  });

  it('describes each kind of destructive change and finds its table with or without public.', () => {
    const rowEstimates = new Map([
      ['public.users', 2_100_000],
      ['orders', 14_000],
      ['app.accounts', 1],
    ]);
    const risk = assessRisk(
      plan({
        rowEstimates,
        destructiveChanges: [
          { op: '-', kind: 'data', object: 'orders' },
          { op: '~', kind: 'column', object: 'users.id', detail: 'type bigint' },
          { op: '-', kind: 'table', object: 'app.accounts' },
          { op: '~', kind: 'data', object: 'public.orders', detail: 'delete all rows' },
          { op: '-', kind: 'index', object: 'posts_title_idx' },
        ],
      }),
    );
    expect(risk.factors.map((factor) => factor.text)).toEqual([
      'changes column users.id (type bigint) of a 2.1M-row table',
      'empties table orders (14k rows)',
      'delete all rows in table public.orders (14k rows)',
      'drops table app.accounts (1 row)',
      'drops index posts_title_idx',
      'touches public.users, a 2.1M-row table',
    ]);
    // An unknown row count adds only the change's own weight.
    expect(risk.factors[4].weight).toBe(RISK_WEIGHTS.destructiveChange);
  });

  it('names the lint findings by rule', () => {
    const risk = assessRisk(
      plan({
        findings: [
          { rule: 'ban-drop-column', severity: 'error' },
          { rule: 'changing-column-type', severity: 'error' },
          { rule: 'prefer-text-field', severity: 'warning' },
        ],
      }),
    );
    expect(risk.factors).toEqual([
      { text: '2 lint errors (ban-drop-column, changing-column-type)', weight: -1.2 },
      { text: '1 lint warning (prefer-text-field)', weight: -0.15 },
    ]);
  });

  it('reads the time on the repository clock', () => {
    // 14:30 UTC on Friday is 15:30 in Berlin.
    const now = new Date('2026-11-13T14:30:00Z');
    expect(assessRisk(plan({ now })).factors).toEqual([{ text: 'Friday 15:30 local time', weight: -0.5 }]);
    expect(assessRisk(plan({ now, timeZone: 'UTC' })).factors).toEqual([]);
    // Late night and Friday afternoon add up.
    expect(assessRisk(plan({ now: new Date('2026-11-20T22:10:00Z') })).factors).toEqual([
      { text: 'Friday 23:10 local time', weight: -1.1 },
    ]);
    expect(assessRisk(plan({ now: new Date('2026-11-14T10:00:00Z') })).factors).toEqual([
      { text: 'Saturday 11:00 local time', weight: -0.3 },
    ]);
  });

  it('weighs the last ten deployments of the environment, shrunk toward the baseline', () => {
    const risk = assessRisk(plan({ history: lastTen(3) }));
    expect(risk.factors).toEqual([{ text: '3 of the last 10 deployments to prod failed', weight: -2.33 }]);
    expect(assessRisk(plan({ history: lastTen(0) })).factors).toEqual([
      { text: 'none of the last 10 deployments to prod failed', weight: 0.7 },
    ]);
    expect(assessRisk(plan({ history: lastTen(10).slice(-1) })).factors[0].text).toBe(
      'the last deployment to prod failed',
    );
  });

  it('counts a deployment rolled back later as a success', () => {
    const rolledBack = lastTen(0).map((row) => ({ ...row, status: 'rolled_back' as const }));
    expect(probability({ history: rolledBack })).toBe(probability({ history: lastTen(0) }));
  });

  it('counts a deployment in Riker mode like any other', () => {
    const riker = lastTen(3).map((row) => ({ ...row, kind: 'riker' as const }));
    expect(probability({ history: riker })).toBe(probability({ history: lastTen(3) }));
  });

  it('ignores rollbacks, running rows, other environments and rows from after now', () => {
    const noise = [
      deployment(90, new Date(Date.UTC(2026, 9, 20)), 'failed', { kind: 'rollback' }),
      deployment(91, new Date(Date.UTC(2026, 9, 21)), 'running'),
      deployment(92, new Date(Date.UTC(2026, 9, 22)), 'failed', { environment: 'staging' }),
      deployment(93, new Date(Date.UTC(2026, 11, 1)), 'failed'),
    ];
    expect(assessRisk(plan({ history: [...lastTen(2), ...noise] }))).toEqual(assessRisk(plan({ history: lastTen(2) })));
  });

  it('ranks risks before what lowers the risk, largest first', () => {
    const risk = assessRisk(
      plan({
        environment: { name: 'prod', protected: true },
        history: lastTen(0),
        migrationCount: 4,
        sqlBytes: 250_000,
        findings: [{ rule: 'prefer-identity', severity: 'warning' }],
      }),
    );
    expect(risk.factors).toEqual([
      { text: '4 migrations in one deployment', weight: -0.3 },
      { text: '250 kB of SQL', weight: -0.28 },
      { text: 'prod is a protected environment', weight: -0.2 },
      { text: '1 lint warning (prefer-identity)', weight: -0.15 },
      { text: 'none of the last 10 deployments to prod failed', weight: 0.7 },
    ]);
  });
});

describe('monotonicity', () => {
  const dropColumn = [{ op: '-' as const, kind: 'column', object: 'users.email' }];

  it('a bigger table under a destructive change lowers the probability', () => {
    expectStrictlyDecreasing(
      [0, 1_000, 100_000, 2_100_000, 1e8, 1e10].map((rows) =>
        probability({ destructiveChanges: dropColumn, rowEstimates: new Map([['users', rows]]) }),
      ),
    );
  });

  it('more destructive changes, lint errors, migrations or SQL lower it', () => {
    expectStrictlyDecreasing([0, 1, 2, 3].map((n) => probability({ destructiveChanges: Array(n).fill(dropColumn[0]) })));
    expectStrictlyDecreasing(
      [0, 1, 2, 3, 4].map((n) => probability({ findings: Array(n).fill({ rule: 'ban-drop-table', severity: 'error' }) })),
    );
    expectStrictlyDecreasing([1, 2, 4, 8, 32].map((migrationCount) => probability({ migrationCount })));
    expectStrictlyDecreasing([10_000, 100_000, 1_000_000, 50_000_000].map((sqlBytes) => probability({ sqlBytes })));
    // Capped, never raised: the fifth lint error and the seventh warning add nothing more.
    const errors = (n: number) => probability({ findings: Array(n).fill({ rule: 'x', severity: 'error' }) });
    expect(errors(5)).toBe(errors(4));
  });

  it('more recent failures lower it', () => {
    expectStrictlyDecreasing([0, 1, 2, 3, 5, 8, 10].map((failed) => probability({ history: lastTen(failed) })));
  });

  it('a protected environment and a riskier hour lower it', () => {
    expect(probability({ environment: { name: 'prod', protected: true } })).toBeLessThan(probability({}));
    expectStrictlyDecreasing(
      [TUESDAY_MORNING, new Date('2026-11-14T10:00:00Z'), FRIDAY_AFTERNOON, new Date('2026-11-20T22:10:00Z')].map(
        (now) => probability({ now }),
      ),
    );
  });
});

describe('the logistic regression model', () => {
  it('is used from 30 finished deployments of the environment on', () => {
    const history = generateHistory(1, 40, () => 0.1);
    const noise = [
      deployment(100, new Date(Date.UTC(2026, 0, 5)), 'failed', { kind: 'rollback' }),
      deployment(101, new Date(Date.UTC(2026, 0, 6)), 'running'),
      ...Array.from({ length: 10 }, (_, i) =>
        deployment(110 + i, new Date(Date.UTC(2026, 0, 7 + i)), 'succeeded', { environment: 'staging' }),
      ),
    ];
    const with29 = assessRisk(plan({ history: [...history.slice(0, 29), ...noise] }));
    expect(with29.model).toBe('heuristic');
    expect(with29.sampleSize).toBe(29);
    const with30 = assessRisk(plan({ history: [...history.slice(0, 30), ...noise] }));
    expect(REGRESSION_SETTINGS.minimumHistory).toBe(30);
    expect(with30.model).toBe('logistic-regression');
    expect(with30.sampleSize).toBe(30);
  });

  // Each seed draws another history; the effect must show in every one of them.
  const seeds = [1, 2, 3];

  it.each(seeds)('recovers a planted Friday-afternoon effect (seed %i)', (seed) => {
    // 60% failures on Friday from 15:00, 5% otherwise.
    const history = generateHistory(seed, 1_000, fridayAfternoonFails);
    const friday = assessRisk(plan({ history, now: FRIDAY_AFTERNOON }));
    const tuesday = assessRisk(plan({ history, now: TUESDAY_MORNING }));
    expect(friday.model).toBe('logistic-regression');
    expect(friday.sampleSize).toBe(1_000);
    expect(tuesday.probability).toBeGreaterThan(0.88);
    expect(friday.probability).toBeLessThan(0.65);
    expect(tuesday.probability - friday.probability).toBeGreaterThan(0.3);
    expect(friday.factors[0].text).toBe('Friday 16:40 local time');
    expect(friday.factors[0].weight).toBeLessThan(-1);
    expect(['high', 'critical']).toContain(friday.level);
  });

  it.each(seeds)('finds no Friday effect where none was planted (seed %i)', (seed) => {
    const history = generateHistory(seed, 1_000, () => 0.05);
    const friday = probability({ history, now: FRIDAY_AFTERNOON });
    const tuesday = probability({ history, now: TUESDAY_MORNING });
    expect(Math.abs(tuesday - friday)).toBeLessThan(0.05);
  });

  it('adds the plan facts history does not record by their heuristic weights', () => {
    const history = generateHistory(7, 200, fridayAfternoonFails);
    const rowEstimates = new Map([['users', 2_100_000]]);
    const without = assessRisk(plan({ history, rowEstimates }));
    const risk = assessRisk(
      plan({ history, rowEstimates, destructiveChanges: [{ op: '-', kind: 'column', object: 'users.email' }] }),
    );
    expect(risk.model).toBe('logistic-regression');
    expect(risk.factors[0]).toEqual({ text: 'drops column users.email of a 2.1M-row table', weight: -1.76 });
    expect(logit(without.probability) - logit(risk.probability)).toBeCloseTo(0.5 + 0.2 * Math.log10(2_100_001), 9);
    // The environment's own base rate replaces the protected weight.
    const protectedEnvironment = { name: 'prod', protected: true };
    expect(probability({ history, environment: protectedEnvironment })).toBe(probability({ history }));
  });

  it('stays below certainty on a spotless history', () => {
    const history = generateHistory(3, 300, () => 0);
    const risk = assessRisk(plan({ history }));
    expect(risk.model).toBe('logistic-regression');
    expect(risk.probability).toBeLessThan(1);
    expect(risk.probability).toBeGreaterThan(0.98);
  });

  it('is deterministic and does not depend on the order of the history', () => {
    const history = generateHistory(9, 120, fridayAfternoonFails);
    const shuffled = [...history].reverse();
    const first = assessRisk(plan({ history, now: FRIDAY_AFTERNOON }));
    expect(assessRisk(plan({ history, now: FRIDAY_AFTERNOON }))).toEqual(first);
    expect(assessRisk(plan({ history: shuffled, now: FRIDAY_AFTERNOON }))).toEqual(first);
  });
});

describe('bounds', () => {
  it('keeps every probability strictly between 0 and 1, for random plans too', () => {
    const random = seeded(2026);
    const histories = [[], lastTen(10), generateHistory(5, 60, () => 0.5), generateHistory(6, 60, () => 1)];
    for (let i = 0; i < 200; i++) {
      const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
      const destructive = Array.from({ length: Math.floor(random() * 6) }, (_, k) => ({
        op: '-' as const,
        kind: 'table',
        object: `t${k}`,
      }));
      const rowEstimates = new Map(destructive.map((change) => [change.object, Math.floor(10 ** (random() * 12))]));
      const risk = assessRisk(
        plan({
          environment: { name: 'prod', protected: random() < 0.5 },
          findings: Array.from({ length: Math.floor(random() * 10) }, () => ({
            rule: 'ban-drop-table',
            severity: pick(['error', 'warning'] as const),
          })),
          destructiveChanges: destructive,
          rowEstimates,
          history: pick(histories),
          now: new Date(Date.UTC(2026, 10, 9) + Math.floor(random() * 7 * 24) * HOUR),
          migrationCount: 1 + Math.floor(random() * 50),
          sqlBytes: Math.floor(10 ** (random() * 8)),
        }),
      );
      expect(risk.probability).toBeGreaterThan(0);
      expect(risk.probability).toBeLessThan(1);
      expect(risk.level).toBe(riskLevel(risk.probability));
      const negatives = risk.factors.filter((factor) => factor.weight < 0);
      expect(risk.factors.slice(0, negatives.length)).toEqual(negatives);
    }
  });

  it('keeps the worst plan imaginable above 0', () => {
    const risk = assessRisk(
      plan({
        environment: { name: 'prod', protected: true },
        findings: Array(100).fill({ rule: 'ban-drop-database', severity: 'error' }),
        destructiveChanges: Array.from({ length: 50 }, (_, i) => ({ op: '-' as const, kind: 'table', object: `t${i}` })),
        rowEstimates: new Map(Array.from({ length: 50 }, (_, i) => [`t${i}`, 1e12])),
        history: lastTen(10),
        now: new Date('2026-11-13T22:30:00Z'),
        migrationCount: 500,
        sqlBytes: 1e9,
      }),
    );
    expect(risk.probability).toBeGreaterThan(0);
    expect(risk.level).toBe('critical');
    expect(formatProbability(risk.probability)).toBe('0.1%');
  });
});

describe('words', () => {
  it.each([
    [0, '0'],
    [7, '7'],
    [950, '950'],
    [999, '999'],
    [1_000, '1k'],
    [1_234, '1.2k'],
    [9_960, '10k'],
    [14_000, '14k'],
    [999_400, '999k'],
    [999_600, '1M'],
    [2_100_000, '2.1M'],
    [14_000_000, '14M'],
    [3_200_000_000, '3.2B'],
  ])('formatCount(%d) is %s', (value, text) => {
    expect(formatCount(value)).toBe(text);
  });

  it.each([
    [512, '512 B'],
    [14_200, '14 kB'],
    [250_000, '250 kB'],
    [2_100_000, '2.1 MB'],
  ])('formatBytes(%d) is %s', (value, text) => {
    expect(formatBytes(value)).toBe(text);
  });

  it.each([
    [0.874, '87%'],
    [0.5, '50%'],
    [0.996, '99.6%'],
    [0.99999, '99.9%'],
    [0.004, '0.4%'],
    [0.00001, '0.1%'],
  ])('formatProbability(%d) is %s', (value, text) => {
    expect(formatProbability(value)).toBe(text);
  });

  it.each([
    [0.99, 'low'],
    [0.95, 'low'],
    [0.87, 'medium'],
    [0.6, 'high'],
    [0.3, 'critical'],
  ])('riskLevel(%d) is %s', (value, level) => {
    expect(riskLevel(value)).toBe(level);
  });

  it('formats a risk as one line with its top risks', () => {
    const risk = assessRisk(
      plan({
        environment: { name: 'prod', protected: true },
        destructiveChanges: [{ op: '-', kind: 'column', object: 'users.email' }],
        rowEstimates: new Map([['users', 2_100_000]]),
        history: lastTen(0),
        now: FRIDAY_AFTERNOON,
      }),
    );
    expect(formatRisk(risk)).toBe(
      '88% likely to succeed (medium risk, heuristic): drops column users.email of a 2.1M-row table; Friday 16:40 local time; touches users, a 2.1M-row table',
    );
    expect(formatRisk(risk, 1)).toBe(
      '88% likely to succeed (medium risk, heuristic): drops column users.email of a 2.1M-row table',
    );
    expect(formatRisk(assessRisk(plan()))).toBe('98% likely to succeed (low risk, heuristic)');
    const fitted = assessRisk(plan({ history: generateHistory(1, 1_000, fridayAfternoonFails), now: FRIDAY_AFTERNOON }));
    expect(formatRisk(fitted)).toMatch(
      /^\d+% likely to succeed \(critical risk, logistic regression on 1000 deployments\): Friday 16:40 local time/,
    );
  });
});
