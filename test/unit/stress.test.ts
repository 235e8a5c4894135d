import { describe, expect, it } from 'vitest';
import type { Deployment, DeploymentKind, DeploymentStatus } from '../../source/domain/deployment.js';
import { DataError } from '../../source/domain/errors.js';
import { formatMessage } from '../../source/domain/format-message.js';
import {
  AFTER_FAILURE_WITHIN_MS,
  detectStress,
  localClock,
  NEUTRAL_STRESS_MESSAGES,
  type StressId,
  type StressInput,
} from '../../source/domain/stress.js';

const MINUTE = 60_000;
const staging = { name: 'staging', protected: false };
const prod = { name: 'prod', protected: true };

function deployment(
  id: number,
  finishedAt: Date | null,
  status: DeploymentStatus,
  overrides: Partial<Deployment> = {},
): Deployment {
  return {
    id,
    environment: 'prod',
    kind: 'deploy' as DeploymentKind,
    status,
    gitSha: null,
    gitTag: null,
    operator: 'ada',
    startedAt: new Date((finishedAt ?? new Date(Date.UTC(2026, 10, 10, 12))).getTime() - 2 * MINUTE),
    finishedAt,
    migrations: ['20261101000000'],
    reverts: [],
    persona: null,
    justification: null,
    error: null,
    ...overrides,
  };
}

const ids = (input: Partial<StressInput> & Pick<StressInput, 'now'>): StressId[] =>
  detectStress({ timeZone: 'Europe/Berlin', environment: staging, history: [], ...input }).map((warning) => warning.id);

/** `minutes` before `now`. */
const ago = (now: Date, minutes: number) => new Date(now.getTime() - minutes * MINUTE);

describe('the clock warnings over a fixed week', () => {
  // One character per local hour, 00:00 to 23:00:
  // . none, L late_night, F friday_afternoon, T friday_13th,
  // B late_night + friday_13th, A friday_afternoon + friday_13th, X all three, Y late_night + friday_afternoon.
  const WEEK: Record<string, string> = {
    '2026-11-09': 'LLLLLL................LL', // Monday
    '2026-11-10': 'LLLLLL................LL',
    '2026-11-11': 'LLLLLL................LL',
    '2026-11-12': 'LLLLLL................LL',
    '2026-11-13': 'BBBBBBTTTTTTTTTAAAAAAAXX', // Friday the 13th
    '2026-11-14': 'LLLLLL................LL', // Saturday
    '2026-11-15': 'LLLLLL................LL', // Sunday
    '2026-11-20': 'LLLLLL.........FFFFFFFYY', // an ordinary Friday
  };
  const CODES: Record<string, StressId[]> = {
    '.': [],
    L: ['late_night'],
    F: ['friday_afternoon'],
    T: ['friday_13th'],
    B: ['late_night', 'friday_13th'],
    A: ['friday_afternoon', 'friday_13th'],
    X: ['late_night', 'friday_afternoon', 'friday_13th'],
    Y: ['late_night', 'friday_afternoon'],
  };
  // November: Berlin is on CET, one hour ahead of UTC.
  const zones = [
    { timeZone: 'Europe/Berlin', offsetHours: 1 },
    { timeZone: 'UTC', offsetHours: 0 },
  ];

  for (const { timeZone, offsetHours } of zones) {
    for (const [date, hours] of Object.entries(WEEK)) {
      it(`${date} in ${timeZone}: ${hours}`, () => {
        const [year, month, day] = date.split('-').map(Number);
        const seen = [...hours].map((_, hour) => {
          const now = new Date(Date.UTC(year, month - 1, day, hour - offsetHours, 30));
          return detectStress({ now, timeZone, environment: staging, history: [] }).map((warning) => warning.id);
        });
        expect(seen).toEqual([...hours].map((code) => CODES[code]));
      });
    }
  }

  it('is 22:00 sharp when late night starts and 06:00 sharp when it ends', () => {
    expect(ids({ now: new Date('2026-11-10T20:59:59Z') })).toEqual([]);
    expect(ids({ now: new Date('2026-11-10T21:00:00Z') })).toEqual(['late_night']);
    expect(ids({ now: new Date('2026-11-11T04:59:59Z') })).toEqual(['late_night']);
    expect(ids({ now: new Date('2026-11-11T05:00:00Z') })).toEqual([]);
  });

  it('starts Friday afternoon at 15:00 sharp', () => {
    expect(ids({ now: new Date('2026-11-20T13:59:59Z') })).toEqual([]);
    expect(ids({ now: new Date('2026-11-20T14:00:00Z') })).toEqual(['friday_afternoon']);
  });

  it('reads the weekday and the 13th on the local calendar, not on UTC', () => {
    // Thursday 23:30 UTC is already Friday the 13th, 00:30, in Berlin.
    const thursdayNightUtc = new Date('2026-11-12T23:30:00Z');
    expect(ids({ now: thursdayNightUtc, timeZone: 'UTC' })).toEqual(['late_night']);
    expect(ids({ now: thursdayNightUtc })).toEqual(['late_night', 'friday_13th']);
    // Friday 23:30 UTC is Saturday in Berlin.
    const fridayNightUtc = new Date('2026-11-13T23:30:00Z');
    expect(ids({ now: fridayNightUtc, timeZone: 'UTC' })).toEqual(['late_night', 'friday_afternoon', 'friday_13th']);
    expect(ids({ now: fridayNightUtc })).toEqual(['late_night']);
  });
});

describe('daylight saving time', () => {
  it('moves the end of late night with the clocks in spring (Berlin, 29 March 2026)', () => {
    // 04:30 UTC: Saturday 05:30 CET, Sunday 06:30 CEST.
    expect(ids({ now: new Date('2026-03-28T04:30:00Z') })).toEqual(['late_night']);
    expect(ids({ now: new Date('2026-03-29T04:30:00Z') })).toEqual([]);
    expect(ids({ now: new Date('2026-03-29T03:59:00Z') })).toEqual(['late_night']);
  });

  it('moves it back in autumn, and the repeated hour is late night both times (Berlin, 25 October 2026)', () => {
    // 04:30 UTC: Saturday 06:30 CEST, Sunday 05:30 CET.
    expect(ids({ now: new Date('2026-10-24T04:30:00Z') })).toEqual([]);
    expect(ids({ now: new Date('2026-10-25T04:30:00Z') })).toEqual(['late_night']);
    expect(ids({ now: new Date('2026-10-25T05:00:00Z') })).toEqual([]);
    // 02:30 happens twice.
    expect(ids({ now: new Date('2026-10-25T00:30:00Z') })).toEqual(['late_night']);
    expect(ids({ now: new Date('2026-10-25T01:30:00Z') })).toEqual(['late_night']);
  });

  it('moves Friday afternoon when the clocks change on a Friday (Jerusalem, 27 March 2026)', () => {
    const jerusalem = { timeZone: 'Asia/Jerusalem' };
    // The Friday before, 12:30 UTC is 14:30 IST; on the day of the change it is 15:30 IDT.
    expect(ids({ ...jerusalem, now: new Date('2026-03-20T12:30:00Z') })).toEqual([]);
    expect(ids({ ...jerusalem, now: new Date('2026-03-20T13:00:00Z') })).toEqual(['friday_afternoon']);
    expect(ids({ ...jerusalem, now: new Date('2026-03-27T12:00:00Z') })).toEqual(['friday_afternoon']);
    expect(ids({ ...jerusalem, now: new Date('2026-03-27T11:59:00Z') })).toEqual([]);
  });
});

describe('repeated failures', () => {
  const now = new Date('2026-11-10T10:00:00Z'); // Tuesday 11:00 in Berlin: no clock warning
  const on = (environment: string, rows: Deployment[]) => rows.map((row) => ({ ...row, environment }));

  it('warns at three failures within the last hour, with the count', () => {
    const history = on('staging', [
      deployment(1, ago(now, 10), 'failed'),
      deployment(2, ago(now, 30), 'failed'),
      deployment(3, ago(now, 59), 'failed'),
      deployment(4, ago(now, 45), 'succeeded'),
    ]);
    const warnings = detectStress({ now, timeZone: 'Europe/Berlin', environment: staging, history });
    expect(warnings).toEqual([
      {
        id: 'repeated_failures',
        message: '3 deployments to staging failed in the last hour: find the cause before trying again.',
        extraConfirmation: false,
      },
    ]);
  });

  it('counts only failures that finished within the last hour', () => {
    const history = on('staging', [
      deployment(1, ago(now, 10), 'failed'),
      deployment(2, ago(now, 30), 'failed'),
      deployment(3, ago(now, 60), 'failed'),
      deployment(4, ago(now, 61), 'failed'),
      deployment(5, ago(now, 600), 'failed'),
    ]);
    expect(ids({ now, history })).toEqual([]);
    history.push(...on('staging', [deployment(6, ago(now, 59.9), 'failed')]));
    expect(ids({ now, history })).toEqual(['repeated_failures']);
  });

  it('counts failed rollbacks and interrupted runs recorded as failed, not rows of other environments or later rows', () => {
    const history = on('staging', [
      deployment(1, ago(now, 5), 'failed', { kind: 'rollback' }),
      deployment(2, ago(now, 15), 'failed', { interrupted: true }),
      deployment(3, ago(now, -5), 'failed'),
      deployment(4, null, 'running'),
    ]);
    history.push(deployment(5, ago(now, 20), 'failed', { environment: 'prod' }));
    expect(ids({ now, history })).toEqual([]);
    history.push(...on('staging', [deployment(6, ago(now, 25), 'failed')]));
    expect(detectStress({ now, timeZone: 'UTC', environment: staging, history })[0]?.message).toMatch(/^3 deployments/);
  });

  it('asks for an extra confirmation on a protected environment', () => {
    const history = [10, 20, 50].map((minutes, index) => deployment(index + 1, ago(now, minutes), 'failed'));
    history.push(deployment(9, ago(now, 5), 'succeeded'));
    const warnings = detectStress({ now, timeZone: 'Europe/Berlin', environment: prod, history });
    expect(warnings).toEqual([
      {
        id: 'repeated_failures',
        message: '3 deployments to prod failed in the last hour: find the cause before trying again.',
        extraConfirmation: true,
      },
    ]);
  });
});

describe('deploy right after a failure', () => {
  const now = new Date('2026-11-10T14:00:00Z'); // Tuesday 15:00 in Berlin

  it('warns on a protected environment whose latest deployment failed within 30 minutes', () => {
    const history = [deployment(1, ago(now, 120), 'succeeded'), deployment(2, ago(now, 10), 'failed')];
    expect(detectStress({ now, timeZone: 'Europe/Berlin', environment: prod, history })).toEqual([
      {
        id: 'deploy_after_failure',
        message: 'The last deployment to prod failed at 14:50, 10 min ago: make sure you know why before deploying again.',
        extraConfirmation: true,
      },
    ]);
  });

  it('does not apply to an unprotected environment', () => {
    const history = [deployment(2, ago(now, 10), 'failed', { environment: 'staging' })];
    expect(ids({ now, environment: staging, history })).toEqual([]);
  });

  it('ends 30 minutes after the failure', () => {
    const at = (minutes: number) => ids({ now, environment: prod, history: [deployment(1, ago(now, minutes), 'failed')] });
    expect(AFTER_FAILURE_WITHIN_MS).toBe(30 * MINUTE);
    expect(at(0)).toEqual(['deploy_after_failure']);
    expect(at(30)).toEqual(['deploy_after_failure']);
    expect(at(30.01)).toEqual([]);
  });

  it('is cleared by a later success, and not by a run still going', () => {
    const failed = deployment(1, ago(now, 10), 'failed');
    expect(ids({ now, environment: prod, history: [failed, deployment(2, ago(now, 5), 'succeeded')] })).toEqual([]);
    expect(ids({ now, environment: prod, history: [failed, deployment(2, null, 'running')] })).toEqual([
      'deploy_after_failure',
    ]);
  });

  it('also follows a failed rollback', () => {
    const history = [deployment(1, ago(now, 20), 'succeeded'), deployment(2, ago(now, 3), 'failed', { kind: 'rollback' })];
    expect(ids({ now, environment: prod, history })).toEqual(['deploy_after_failure']);
  });
});

describe('every warning together', () => {
  it('comes in a fixed order, each with the extra confirmation on a protected environment', () => {
    const now = new Date('2026-11-13T22:30:00Z'); // Friday the 13th, 23:30 in Berlin
    const history = [25, 40, 55].map((minutes, index) => deployment(index + 1, ago(now, minutes), 'failed'));
    const warnings = detectStress({ now, timeZone: 'Europe/Berlin', environment: prod, history });
    expect(warnings.map((warning) => [warning.id, warning.extraConfirmation])).toEqual([
      ['late_night', true],
      ['friday_afternoon', true],
      ['friday_13th', true],
      ['repeated_failures', true],
      ['deploy_after_failure', true],
    ]);
    expect(warnings.map((warning) => warning.message)).toEqual([
      'It is 23:30 local time: late at night, fewer people are awake to help if prod breaks.',
      'It is Friday 23:30: a problem in prod now may last into the weekend.',
      'It is Friday the 13th: take extra care with the deployment to prod.',
      '3 deployments to prod failed in the last hour: find the cause before trying again.',
      'The last deployment to prod failed at 23:05, 25 min ago: make sure you know why before deploying again.',
    ]);
    const unprotected = detectStress({
      now,
      timeZone: 'Europe/Berlin',
      environment: staging,
      history: history.map((row) => ({ ...row, environment: 'staging' })),
    });
    expect(unprotected.map((warning) => [warning.id, warning.extraConfirmation])).toEqual([
      ['late_night', false],
      ['friday_afternoon', false],
      ['friday_13th', false],
      ['repeated_failures', false],
    ]);
  });
});

describe('the message catalogue', () => {
  it('has one neutral message per warning, keyed stress.<id>', () => {
    expect(Object.keys(NEUTRAL_STRESS_MESSAGES).sort()).toEqual([
      'stress.deploy_after_failure',
      'stress.friday_13th',
      'stress.friday_afternoon',
      'stress.late_night',
      'stress.repeated_failures',
    ]);
  });

  it('takes another catalogue as a lookup function', () => {
    const now = new Date('2026-11-10T22:15:00Z');
    const warnings = detectStress({ now, timeZone: 'Europe/Berlin', environment: prod, history: [] }, (key) =>
      key === 'stress.late_night' ? 'Captain, it is {time} and {env} sleeps.' : 'unused',
    );
    expect(warnings).toEqual([
      { id: 'late_night', message: 'Captain, it is 23:15 and prod sleeps.', extraConfirmation: true },
    ]);
  });

  it('formatMessage fills every placeholder and leaves unknown ones as written', () => {
    expect(formatMessage('{count} of {env}, {count} again', { env: 'prod', count: 3 })).toBe('3 of prod, 3 again');
    expect(formatMessage('at {time} {unknown}', { time: '23:00' })).toBe('at 23:00 {unknown}');
    expect(formatMessage('{toString}', {})).toBe('{toString}');
  });
});

describe('localClock', () => {
  it('reads weekday, day, hour and minute in the time zone', () => {
    expect(localClock('Europe/Berlin')(new Date('2026-11-13T15:40:00Z'))).toEqual({
      weekday: 5,
      day: 13,
      hour: 16,
      minute: 40,
    });
    expect(localClock('America/New_York')(new Date('2026-11-13T03:05:00Z'))).toEqual({
      weekday: 4,
      day: 12,
      hour: 22,
      minute: 5,
    });
  });

  it('rejects an unknown time zone with a usage error that says what to use', () => {
    expect(() => localClock('Mars/Olympus_Mons')).toThrow(DataError);
    expect(() => localClock('Mars/Olympus_Mons')).toThrow('unknown time zone "Mars/Olympus_Mons"');
    try {
      localClock('Mars/Olympus_Mons');
    } catch (error) {
      expect((error as DataError).exitCode).toBe(2);
      expect((error as DataError).fix).toMatch(/IANA/);
    }
  });
});
