import { describe, expect, it } from 'vitest';
import {
  ACHIEVEMENTS,
  EMPTY_ACHIEVEMENT_STATE,
  announcementText,
  evaluateAchievements,
  mergeAchievementStates,
  ownDeployments,
  progressBar,
  sameOperator,
  takeAnnouncements,
  type AchievementState,
} from '../../source/domain/achievements.js';
import type { Deployment } from '../../source/domain/deployment.js';

const ME = 'Jean-Luc Picard <picard@enterprise.test>';
const NOW = new Date('2026-12-01T12:00:00Z');
const UTC = 'UTC';
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;

let nextId = 1;
type RowInput = Partial<Omit<Deployment, 'startedAt' | 'finishedAt'>> & { at: string | Date; tookMs?: number };

/** One deployment row: a succeeded deploy of one migration to dev by ME, taking two seconds, unless told otherwise. */
function row({ at, tookMs = 2 * SECOND, ...fields }: RowInput): Deployment {
  const startedAt = new Date(at);
  return {
    id: nextId++,
    environment: 'dev',
    kind: 'deploy',
    status: 'succeeded',
    gitSha: null,
    gitTag: null,
    operator: ME,
    startedAt,
    finishedAt: new Date(startedAt.getTime() + tookMs),
    migrations: ['1'],
    reverts: [],
    persona: null,
    justification: null,
    risk: { probability: 0.98, level: 'low', model: 'heuristic', factors: ['1 migration'] },
    overrides: [],
    error: null,
    ...fields,
  };
}

/** `count` rows a day apart from `from` (09:00 UTC each day). */
function daily(count: number, from: string, fields: Partial<Deployment> = {}): Deployment[] {
  const start = new Date(`${from}T09:00:00Z`).getTime();
  return Array.from({ length: count }, (_, index) => row({ at: new Date(start + index * DAY), ...fields }));
}

/** `count` rows an hour apart from `from`. */
function hourly(count: number, from: string, fields: Partial<Deployment> = {}): Deployment[] {
  const start = new Date(from).getTime();
  return Array.from({ length: count }, (_, index) => row({ at: new Date(start + index * 60 * MINUTE), ...fields }));
}

const evaluate = (history: Deployment[], state: AchievementState = EMPTY_ACHIEVEMENT_STATE, now = NOW, timeZone = UTC) =>
  evaluateAchievements(history, state, now, timeZone);

const progressOf = (history: Deployment[], id: string, now = NOW, timeZone = UTC) => {
  const entry = evaluate(history, EMPTY_ACHIEVEMENT_STATE, now, timeZone).progress.find((candidate) => candidate.achievement.id === id);
  if (!entry) throw new Error(`no achievement ${id}`);
  return entry;
};

describe('the achievement catalogue', () => {
  it('holds the five required achievements and at least seven more, each with id, title, quote, description and target', () => {
    expect(ACHIEVEMENTS.length).toBeGreaterThanOrEqual(12);
    expect(new Set(ACHIEVEMENTS.map((achievement) => achievement.id)).size).toBe(ACHIEVEMENTS.length);
    const byTitle = Object.fromEntries(ACHIEVEMENTS.map((achievement) => [achievement.title, achievement]));
    expect(byTitle['First Deployment']).toMatchObject({ quote: 'Make it so!', target: 1 });
    expect(byTitle['100 Clean Deploys']).toMatchObject({ quote: 'Precision of an Android', target: 100 });
    expect(byTitle['First Rollback']).toMatchObject({ quote: 'Time Travel Initiate', target: 1 });
    expect(byTitle['Deploy on Friday the 13th']).toMatchObject({ quote: 'Superstition is Illogical', target: 1 });
    expect(byTitle['1000 Migrations']).toMatchObject({ quote: 'Database Legend', target: 1000 });
    for (const achievement of ACHIEVEMENTS) {
      expect(achievement.title.length).toBeGreaterThan(3);
      expect(achievement.quote.length).toBeGreaterThan(3);
      expect(achievement.description.length).toBeGreaterThan(5);
      expect(achievement.target).toBeGreaterThanOrEqual(1);
    }
  });

  it('announces in one line', () => {
    expect(announcementText(ACHIEVEMENTS[0]!)).toBe('★ achievement unlocked: Make it so! — first deployment');
  });

  it('draws progress as a bar and a count', () => {
    expect(progressBar(37, 100)).toBe('▰▰▰▱▱▱▱▱▱▱ 37/100');
    expect(progressBar(0, 1)).toBe('▱▱▱▱▱▱▱▱▱▱ 0/1');
    expect(progressBar(7, 7)).toBe('▰▰▰▰▰▰▰▰▰▰ 7/7');
  });
});

describe('evaluating a history', () => {
  it('unlocks nothing on an empty history, and every progress starts at 0', () => {
    const result = evaluate([]);
    expect(result.newlyUnlocked).toEqual([]);
    expect(result.state.unlocked).toEqual({});
    for (const entry of result.progress) expect(entry).toMatchObject({ unlocked: false, current: 0 });
    expect(result.progress.map((entry) => entry.achievement.id)).toEqual(ACHIEVEMENTS.map((achievement) => achievement.id));
  });

  it('First Deployment: a failed one does not count; the first success unlocks it at the time it finished', () => {
    const failed = row({ at: '2026-11-02T10:00:00Z', status: 'failed' });
    expect(progressOf([failed], 'first-deployment')).toMatchObject({ unlocked: false, current: 0, target: 1 });
    const succeeded = row({ at: '2026-11-02T10:05:00Z' });
    const result = evaluate([succeeded, failed]);
    expect(result.newlyUnlocked.map((achievement) => achievement.id)).toContain('first-deployment');
    expect(result.state.unlocked['first-deployment']).toBe('2026-11-02T10:05:02.000Z');
    expect(result.progress.find((entry) => entry.achievement.id === 'first-deployment')).toMatchObject({ unlocked: true, unlockedAt: '2026-11-02T10:05:02.000Z', current: 1, target: 1 });
  });

  it('a deployment later rolled back did apply; a running or future row does not count yet', () => {
    expect(progressOf([row({ at: '2026-11-02T10:00:00Z', status: 'rolled_back' })], 'first-deployment').unlocked).toBe(true);
    expect(progressOf([row({ at: '2026-11-30T10:00:00Z', status: 'running', finishedAt: null } as RowInput)], 'first-deployment').unlocked).toBe(false);
    expect(progressOf([row({ at: '2026-12-02T10:00:00Z' })], 'first-deployment').unlocked).toBe(false);
  });

  it('Ten Forward counts successful deployments', () => {
    expect(progressOf(hourly(9, '2026-11-02T08:00:00Z'), 'ten-deployments')).toMatchObject({ unlocked: false, current: 9, target: 10 });
    const ten = hourly(10, '2026-11-02T08:00:00Z');
    expect(progressOf(ten, 'ten-deployments')).toMatchObject({ unlocked: true, unlockedAt: ten[9]!.finishedAt!.toISOString(), current: 10 });
  });

  it('100 Clean Deploys: succeeded, no override, no lint finding; Riker mode and failures do not count', () => {
    const clean = hourly(99, '2026-10-01T00:00:00Z');
    const notClean = [
      row({ at: '2026-11-20T10:00:00Z', overrides: [{ rule: 'freeze', justification: 'hotfix for the checkout outage, approved' }] }),
      row({ at: '2026-11-20T11:00:00Z', risk: { probability: 0.9, level: 'medium', model: 'heuristic', factors: ['1 lint warning (prefer-text-field)'] } }),
      row({ at: '2026-11-20T12:00:00Z', kind: 'riker' }),
      row({ at: '2026-11-20T13:00:00Z', status: 'failed' }),
      row({ at: '2026-11-20T14:00:00Z', kind: 'rollback' }),
    ];
    expect(progressOf([...clean, ...notClean], 'clean-deploys-100')).toMatchObject({ unlocked: false, current: 99, target: 100 });
    const hundredth = row({ at: '2026-11-21T09:00:00Z', status: 'rolled_back', risk: null });
    expect(progressOf([...clean, ...notClean, hundredth], 'clean-deploys-100')).toMatchObject({ unlocked: true, unlockedAt: '2026-11-21T09:00:02.000Z', current: 100 });
  });

  it('1000 Migrations adds up the migrations of applied deployments, not of rollbacks or failures', () => {
    const big = (at: string, fields: Partial<Deployment> = {}) => row({ at, migrations: Array.from({ length: 250 }, (_, index) => String(index)), ...fields });
    const three = [big('2026-11-01T10:00:00Z'), big('2026-11-02T10:00:00Z', { kind: 'riker' }), big('2026-11-03T10:00:00Z', { status: 'rolled_back' })];
    const noise = [big('2026-11-04T10:00:00Z', { kind: 'rollback' }), big('2026-11-05T10:00:00Z', { status: 'failed' })];
    expect(progressOf([...three, ...noise], 'migrations-1000')).toMatchObject({ unlocked: false, current: 750, target: 1000 });
    expect(progressOf([...three, ...noise, big('2026-11-06T10:00:00Z')], 'migrations-1000')).toMatchObject({ unlocked: true, unlockedAt: '2026-11-06T10:00:02.000Z', current: 1000 });
  });

  it('First Rollback and the rollback in under a minute after the deploy it undid', () => {
    const deployed = row({ at: '2026-11-10T10:00:00Z', status: 'rolled_back' });
    const quick = row({ at: '2026-11-10T10:00:50Z', kind: 'rollback', reverts: [deployed.id] });
    const both = evaluate([deployed, quick]).newlyUnlocked.map((achievement) => achievement.id);
    expect(both).toEqual(expect.arrayContaining(['first-rollback', 'quick-rollback']));

    const later = row({ at: '2026-11-10T10:01:05Z', kind: 'rollback', reverts: [deployed.id] });
    const slow = evaluate([deployed, later]).newlyUnlocked.map((achievement) => achievement.id);
    expect(slow).toContain('first-rollback');
    expect(slow).not.toContain('quick-rollback');

    const failedRollback = row({ at: '2026-11-10T10:00:30Z', kind: 'rollback', status: 'failed', reverts: [deployed.id] });
    expect(evaluate([deployed, failedRollback]).newlyUnlocked.map((achievement) => achievement.id)).not.toContain('first-rollback');
  });

  it('the quick rollback measures from the newest deployment it undid, on the same environment', () => {
    const first = row({ at: '2026-11-10T09:00:00Z', status: 'rolled_back' });
    const second = row({ at: '2026-11-10T09:59:30Z', status: 'rolled_back' });
    const rollback = row({ at: '2026-11-10T10:00:00Z', kind: 'rollback', reverts: [first.id, second.id] });
    expect(progressOf([first, second, rollback], 'quick-rollback').unlocked).toBe(true);
    const elsewhere = row({ at: '2026-11-10T10:00:00Z', kind: 'rollback', environment: 'prod', reverts: [second.id] });
    expect(progressOf([first, second, elsewhere], 'quick-rollback').unlocked).toBe(false);
  });

  it('Friday the 13th is read on the clock of the time zone passed in', () => {
    // Thursday the 12th 23:30 in UTC is Friday the 13th 00:30 in Berlin.
    const lateThursday = row({ at: '2026-11-12T23:30:00Z' });
    expect(progressOf([lateThursday], 'friday-13th', NOW, 'UTC').unlocked).toBe(false);
    expect(progressOf([lateThursday], 'friday-13th', NOW, 'Europe/Berlin')).toMatchObject({ unlocked: true, current: 1 });
    // Friday the 13th 23:30 in UTC is already Saturday the 14th in Berlin.
    const lateFriday = row({ at: '2026-11-13T23:30:00Z' });
    expect(progressOf([lateFriday], 'friday-13th', NOW, 'UTC').unlocked).toBe(true);
    expect(progressOf([lateFriday], 'friday-13th', NOW, 'Europe/Berlin').unlocked).toBe(false);
    // Failures and rollbacks on the day do not count; another 13th is no Friday.
    expect(progressOf([row({ at: '2026-11-13T10:00:00Z', status: 'failed' }), row({ at: '2026-11-13T11:00:00Z', kind: 'rollback' })], 'friday-13th').unlocked).toBe(false);
    expect(progressOf([row({ at: '2026-10-13T10:00:00Z' })], 'friday-13th').unlocked).toBe(false);
  });

  it('a week without a failure: seven days between successes with no failure in between', () => {
    const days = daily(8, '2026-11-01');
    expect(progressOf(days.slice(0, 7), 'week-without-failure')).toMatchObject({ unlocked: false, current: 6, target: 7 });
    expect(progressOf(days, 'week-without-failure')).toMatchObject({ unlocked: true, unlockedAt: days[7]!.finishedAt!.toISOString() });

    const failure = row({ at: '2026-11-04T12:00:00Z', status: 'failed' });
    const broken = progressOf([...days, failure], 'week-without-failure');
    // The streak starts again at the success after the failure (Nov 5) and reaches Nov 8: 3 days.
    expect(broken).toMatchObject({ unlocked: false, current: 3 });
    expect(progressOf([...days.slice(0, 7), row({ at: '2026-11-07T12:00:00Z', status: 'failed' })], 'week-without-failure')).toMatchObject({ unlocked: false, current: 0 });
  });

  it('Damage Control: a success within 15 minutes of a failure on the same environment', () => {
    const failure = row({ at: '2026-11-10T10:00:00Z', status: 'failed', tookMs: 0 });
    expect(progressOf([failure, row({ at: '2026-11-10T10:14:00Z' })], 'quick-recovery').unlocked).toBe(true);
    expect(progressOf([failure, row({ at: '2026-11-10T10:16:00Z' })], 'quick-recovery').unlocked).toBe(false);
    expect(progressOf([failure, row({ at: '2026-11-10T10:05:00Z', environment: 'prod' })], 'quick-recovery').unlocked).toBe(false);
    // The first success after the failure is the recovery: a slow one, then a quick deploy, is no recovery.
    expect(progressOf([failure, row({ at: '2026-11-10T10:20:00Z' }), row({ at: '2026-11-10T10:21:00Z' })], 'quick-recovery').unlocked).toBe(false);
    // An interrupted run is a failure too.
    const interrupted = row({ at: '2026-11-10T10:00:00Z', status: 'running', interrupted: true, finishedAt: null } as RowInput);
    expect(progressOf([interrupted, row({ at: '2026-11-10T10:10:00Z' })], 'quick-recovery').unlocked).toBe(true);
  });

  it('Calculated Risk: the first lint-clean plan of a risky change', () => {
    const risky = (factors: string[]) => ({ probability: 0.7, level: 'high', model: 'heuristic', factors });
    expect(progressOf([row({ at: '2026-11-10T10:00:00Z', risk: risky(['drops column users.email of a 2.1M-row table']) })], 'lint-clean-risky-change').unlocked).toBe(true);
    expect(progressOf([row({ at: '2026-11-10T10:00:00Z', risk: risky(['touches orders, a 2.1M-row table']) })], 'lint-clean-risky-change').unlocked).toBe(true);
    expect(progressOf([row({ at: '2026-11-10T10:00:00Z', risk: risky(['1 lint error (ban-drop-column)', 'drops column users.email']) })], 'lint-clean-risky-change').unlocked).toBe(false);
    expect(progressOf([row({ at: '2026-11-10T10:00:00Z', risk: risky(['Friday 23:00 local time']) })], 'lint-clean-risky-change').unlocked).toBe(false);
    // No risk recorded (older bookkeeping): lint is unknown, so it is not lint-clean.
    expect(progressOf([row({ at: '2026-11-10T10:00:00Z', risk: null })], 'lint-clean-risky-change').unlocked).toBe(false);
  });

  it('Across the Quadrant counts distinct environments with an applied deployment', () => {
    const two = [row({ at: '2026-11-10T10:00:00Z' }), row({ at: '2026-11-10T11:00:00Z' }), row({ at: '2026-11-10T12:00:00Z', environment: 'staging' }), row({ at: '2026-11-10T13:00:00Z', environment: 'prod', status: 'failed' })];
    expect(progressOf(two, 'three-environments')).toMatchObject({ unlocked: false, current: 2, target: 3 });
    expect(progressOf([...two, row({ at: '2026-11-10T14:00:00Z', environment: 'prod' })], 'three-environments')).toMatchObject({ unlocked: true, unlockedAt: '2026-11-10T14:00:02.000Z' });
  });

  it('The Riker Maneuver: a successful deployment in Riker mode', () => {
    expect(progressOf([row({ at: '2026-11-10T10:00:00Z', kind: 'riker', status: 'failed' })], 'riker-mode').unlocked).toBe(false);
    expect(progressOf([row({ at: '2026-11-10T10:00:00Z', kind: 'riker' })], 'riker-mode').unlocked).toBe(true);
  });

  it('Continuing Mission: 30 working days in a row; weekends neither count nor break it', () => {
    // Monday 2026-10-05 onwards, six weeks of working days.
    const workingDays = daily(42, '2026-10-05').filter((deployment) => deployment.startedAt.getUTCDay() % 6 !== 0);
    expect(workingDays).toHaveLength(30);
    const lastDay = workingDays[29]!;
    const dayAfter = new Date(lastDay.startedAt.getTime() + DAY);
    const eveningOf29th = new Date(workingDays[28]!.startedAt.getTime() + 8 * 60 * MINUTE);
    expect(progressOf(workingDays.slice(0, 29), 'streak-30-days', eveningOf29th)).toMatchObject({ unlocked: false, current: 29, target: 30 });
    expect(progressOf(workingDays, 'streak-30-days', dayAfter)).toMatchObject({ unlocked: true, unlockedAt: lastDay.finishedAt!.toISOString() });
    // A working day without a deployment breaks it.
    const gap = workingDays.filter((_, index) => index !== 10);
    expect(progressOf(gap, 'streak-30-days', dayAfter)).toMatchObject({ unlocked: false, current: 19 });
    // The current run ends when a whole working day passes without a deployment.
    expect(progressOf(workingDays.slice(0, 5), 'streak-30-days', new Date('2026-10-12T18:00:00Z')).current).toBe(5);
    expect(progressOf(workingDays.slice(0, 5), 'streak-30-days', new Date('2026-10-13T18:00:00Z')).current).toBe(0);
  });
});

describe('scope, state and announcements', () => {
  it('counts only the operator\'s own deployments, matched by the email of the git identity', () => {
    expect(sameOperator(ME, 'J. L. Picard <PICARD@enterprise.test>')).toBe(true);
    expect(sameOperator(ME, 'William Riker <riker@enterprise.test>')).toBe(false);
    expect(sameOperator('picard@bridge', 'picard@bridge')).toBe(true);
    expect(sameOperator('picard@bridge', ME)).toBe(false);
    const mine = row({ at: '2026-11-10T10:00:00Z' });
    const theirs = row({ at: '2026-11-10T11:00:00Z', operator: 'William Riker <riker@enterprise.test>' });
    expect(ownDeployments([mine, theirs], ME)).toEqual([mine]);
  });

  it('evaluating twice unlocks and announces once; the first unlock time is kept', () => {
    const history = [row({ at: '2026-11-10T10:00:00Z' })];
    const first = evaluate(history);
    expect(first.newlyUnlocked.map((achievement) => achievement.id)).toEqual(['first-deployment']);
    const announced = takeAnnouncements(first.state);
    expect(announced.announce.map((achievement) => achievement.id)).toEqual(['first-deployment']);
    expect(announced.state.announced).toEqual(['first-deployment']);

    const later = new Date(NOW.getTime() + DAY);
    const second = evaluateAchievements([...history, row({ at: '2026-11-10T18:00:00Z' })], announced.state, later, UTC);
    expect(second.newlyUnlocked).toEqual([]);
    expect(second.state.unlocked['first-deployment']).toBe(first.state.unlocked['first-deployment']);
    expect(takeAnnouncements(second.state).announce).toEqual([]);
  });

  it('an unlock is never taken back, even when the history no longer shows it', () => {
    const state: AchievementState = { unlocked: { 'first-rollback': '2026-01-01T00:00:00.000Z', 'from-a-newer-version': '2026-01-01T00:00:00.000Z' }, announced: ['first-rollback'] };
    const result = evaluate([], state);
    expect(result.progress.find((entry) => entry.achievement.id === 'first-rollback')).toMatchObject({ unlocked: true, unlockedAt: '2026-01-01T00:00:00.000Z', current: 1 });
    expect(result.state).toEqual(state);
    expect(result.newlyUnlocked).toEqual([]);
  });

  it('merging two states keeps every unlock (the earlier time) and every announcement', () => {
    const a: AchievementState = { unlocked: { x: '2026-02-01T00:00:00.000Z', y: '2026-01-01T00:00:00.000Z' }, announced: ['x'] };
    const b: AchievementState = { unlocked: { x: '2026-01-01T00:00:00.000Z', z: '2026-03-01T00:00:00.000Z' }, announced: ['x', 'z'] };
    expect(mergeAchievementStates(a, b)).toEqual({
      unlocked: { x: '2026-01-01T00:00:00.000Z', y: '2026-01-01T00:00:00.000Z', z: '2026-03-01T00:00:00.000Z' },
      announced: ['x', 'z'],
    });
  });

  it('a new unlock is dated by the row that met the rule, never after now', () => {
    const history = [row({ at: '2026-12-01T11:59:59Z', tookMs: 10 * SECOND })];
    expect(evaluate(history).state.unlocked['first-deployment']).toBe(NOW.toISOString());
  });
});
