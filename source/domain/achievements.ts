/**
 * Achievements: a rules engine over the deployments the engine already
 * records in data_meta.deployments. Nothing new is recorded for them.
 *
 * Scope: the history passed in is the current user's own deployments
 * (`ownDeployments`: the operator is their git identity) across the
 * project's environments. Unlocks are kept per user (the settings file) and
 * never taken back; progress is what this history shows.
 *
 * What the rules read, per row: kind (deploy | riker | rollback), status,
 * environment, when it started and finished (on the clock of the time zone
 * passed in, for dates and weekdays), its migrations, the deployments a
 * rollback undid, the overrides, and the risk factors shown before it ran
 * (the lint findings and risky changes of its plan, in words).
 *
 * Words used below:
 * - a deployment: kind deploy or riker; it *applied* when it succeeded or
 *   was rolled back later (it did apply).
 * - a success: any row that succeeded or was rolled back; a failure: a row
 *   that failed, or a running row whose process is gone (interrupted).
 * - a row happened when it finished (its start when it has no end); rows
 *   still running, and rows started after `now`, are left out.
 * - lint-clean: a risk assessment was recorded and none of its factors is a
 *   lint finding ("2 lint warnings (...)").
 * - a risky change: a risk factor about the change itself, a destructive one
 *   ("drops column ...", "empties table ...", "changes column ...",
 *   "... in table ...") or a large table ("touches orders, a 2.1M-row table").
 *
 * Pure: the clock and the time zone are passed in.
 */
import type { Deployment } from './deployment.js';
import { addDays, localTimeReader, weekdayOf } from './local-time.js';

export interface Achievement {
  id: string;
  title: string;
  quote: string;
  /** What unlocks it, as a short phrase: "first deployment". */
  description: string;
  /** Progress counts up to this; 1 for a single event. */
  target: number;
}

/** The user's unlocks, as the settings file keeps them. */
export interface AchievementState {
  /** Achievement id -> when it was unlocked (ISO). */
  unlocked: Record<string, string>;
  /** Ids already announced, so each is announced once. */
  announced: string[];
}

export interface AchievementProgress {
  achievement: Achievement;
  unlocked: boolean;
  /** ISO, when unlocked. */
  unlockedAt?: string;
  /** Towards `target`; equal to it once unlocked. */
  current: number;
  target: number;
}

export interface AchievementEvaluation {
  /** The state with this evaluation's unlocks added (announced is unchanged). */
  state: AchievementState;
  /** Unlocked by this evaluation: not in the state passed in. */
  newlyUnlocked: Achievement[];
  /** Every achievement, in catalogue order. */
  progress: AchievementProgress[];
}

export const EMPTY_ACHIEVEMENT_STATE: AchievementState = { unlocked: {}, announced: [] };

// ---------------------------------------------------------------------------
// Facts of a history

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Facts {
  /** Finished and interrupted rows, oldest first. */
  rows: Deployment[];
  now: Date;
  timeZone: string;
}

interface Measurement {
  current: number;
  /** When the history first met the rule; null when it has not. */
  unlockedAt: Date | null;
}

const happenedAt = (row: Deployment) => row.finishedAt ?? row.startedAt;
const isDeployment = (row: Deployment) => row.kind === 'deploy' || row.kind === 'riker';
const isSuccess = (row: Deployment) => !row.interrupted && (row.status === 'succeeded' || row.status === 'rolled_back');
const isFailure = (row: Deployment) => row.status === 'failed' || Boolean(row.interrupted);
const applied = (row: Deployment) => isDeployment(row) && isSuccess(row);

const LINT_FINDING = /\blint (error|warning)s?\b/;
const RISKY_CHANGE = /^(drops|empties|changes) |\bin table \S|^touches .*-row table/;
const factorsOf = (row: Deployment) => row.risk?.factors ?? [];
const lintClean = (row: Deployment) => Boolean(row.risk) && !factorsOf(row).some((factor) => LINT_FINDING.test(factor));
const riskyChange = (row: Deployment) => factorsOf(row).some((factor) => RISKY_CHANGE.test(factor));
const clean = (row: Deployment) => row.kind === 'deploy' && isSuccess(row) && (row.overrides ?? []).length === 0 && (!row.risk || lintClean(row));

/** Adds up `weight` over the rows that match, oldest first; unlocked when the sum reaches the target. */
function countUp(rows: Deployment[], target: number, matches: (row: Deployment) => boolean, weight: (row: Deployment) => number = () => 1): Measurement {
  let sum = 0;
  let unlockedAt: Date | null = null;
  for (const row of rows) {
    if (!matches(row)) continue;
    sum += weight(row);
    if (unlockedAt === null && sum >= target) unlockedAt = happenedAt(row);
  }
  return { current: Math.min(sum, target), unlockedAt };
}

const once = (rows: Deployment[], matches: (row: Deployment) => boolean) => countUp(rows, 1, matches);

/** A rollback that started less than a minute after the newest deployment it undid finished. */
function quickRollback({ rows }: Facts): Measurement {
  const byKey = new Map(rows.map((row) => [`${row.environment}#${row.id}`, row]));
  return once(rows, (row) => {
    if (row.kind !== 'rollback' || !isSuccess(row)) return false;
    const undone = row.reverts.map((id) => byKey.get(`${row.environment}#${id}`)).filter((found): found is Deployment => found !== undefined);
    if (undone.length === 0) return false;
    const newest = Math.max(...undone.map((deployment) => happenedAt(deployment).getTime()));
    const gap = row.startedAt.getTime() - newest;
    return gap >= 0 && gap < MINUTE;
  });
}

function fridayThe13th({ rows, timeZone }: Facts): Measurement {
  const read = localTimeReader(timeZone);
  return once(rows, (row) => {
    if (!applied(row)) return false;
    const local = read(row.startedAt);
    return local.weekday === 4 && local.date.endsWith('-13');
  });
}

/** From the first success after a failure, days until the latest success, with no failure in between. */
function daysWithoutFailure(days: number) {
  return ({ rows }: Facts): Measurement => {
    let since: Date | null = null;
    let span = 0;
    let unlockedAt: Date | null = null;
    for (const row of rows) {
      if (isFailure(row)) {
        since = null;
        span = 0;
        continue;
      }
      if (!isSuccess(row)) continue;
      since ??= happenedAt(row);
      span = happenedAt(row).getTime() - since.getTime();
      if (unlockedAt === null && span >= days * DAY) unlockedAt = happenedAt(row);
    }
    return { current: Math.min(days, Math.floor(span / DAY)), unlockedAt };
  };
}

/** A success on an environment at most `minutes` after a failure there (the first success after it). */
function recoveryWithin(minutes: number) {
  return ({ rows }: Facts): Measurement => {
    const lastFailure = new Map<string, Date>();
    return once(rows, (row) => {
      if (isFailure(row)) {
        lastFailure.set(row.environment, happenedAt(row));
        return false;
      }
      const failure = lastFailure.get(row.environment);
      if (!isSuccess(row) || !failure) return false;
      lastFailure.delete(row.environment);
      return happenedAt(row).getTime() - failure.getTime() <= minutes * MINUTE;
    });
  };
}

function distinctEnvironments(target: number) {
  return ({ rows }: Facts): Measurement => {
    const seen = new Set<string>();
    return countUp(rows, target, (row) => {
      if (!applied(row) || seen.has(row.environment)) return false;
      seen.add(row.environment);
      return true;
    });
  };
}

const isWorkingDay = (date: string) => weekdayOf(date) < 5;

function stepWorkingDay(date: string, direction: 1 | -1): string {
  let next = addDays(date, direction);
  while (!isWorkingDay(next)) next = addDays(next, direction);
  return next;
}

/** A deployment applied on each of `target` working days in a row (Monday to Friday; weekends neither count nor break it). */
function workingDayStreak(target: number) {
  return ({ rows, now, timeZone }: Facts): Measurement => {
    const read = localTimeReader(timeZone);
    const firstOfDay = new Map<string, Date>();
    for (const row of rows) {
      if (!applied(row)) continue;
      const date = read(row.startedAt).date;
      if (isWorkingDay(date) && !firstOfDay.has(date)) firstOfDay.set(date, happenedAt(row));
    }
    let run = 0;
    let previous: string | null = null;
    let unlockedAt: Date | null = null;
    for (const date of [...firstOfDay.keys()].sort()) {
      run = previous !== null && stepWorkingDay(previous, 1) === date ? run + 1 : 1;
      previous = date;
      if (unlockedAt === null && run >= target) unlockedAt = firstOfDay.get(date)!;
    }
    // Today is not over: a run that reached the last working day before it is still alive.
    const alive = previous !== null && previous >= stepWorkingDay(read(now).date, -1);
    return { current: alive ? Math.min(run, target) : 0, unlockedAt };
  };
}

// ---------------------------------------------------------------------------
// The catalogue

interface AchievementRule extends Achievement {
  measure(facts: Facts): Measurement;
}

const RULES: readonly AchievementRule[] = [
  {
    id: 'first-deployment', title: 'First Deployment', quote: 'Make it so!', description: 'first deployment', target: 1,
    measure: ({ rows }) => once(rows, applied),
  },
  {
    id: 'ten-deployments', title: 'Ten Forward', quote: 'Tea. Earl Grey. Hot.', description: '10 successful deployments', target: 10,
    measure: ({ rows }) => countUp(rows, 10, applied),
  },
  {
    id: 'clean-deploys-100', title: '100 Clean Deploys', quote: 'Precision of an Android', description: '100 deploys that succeeded with no override and no lint finding', target: 100,
    measure: ({ rows }) => countUp(rows, 100, clean),
  },
  {
    id: 'migrations-1000', title: '1000 Migrations', quote: 'Database Legend', description: '1000 migrations applied', target: 1000,
    measure: ({ rows }) => countUp(rows, 1000, applied, (row) => row.migrations.length),
  },
  {
    id: 'first-rollback', title: 'First Rollback', quote: 'Time Travel Initiate', description: 'first rollback', target: 1,
    measure: ({ rows }) => once(rows, (row) => row.kind === 'rollback' && isSuccess(row)),
  },
  {
    id: 'quick-rollback', title: 'Rollback in Under a Minute', quote: 'Belay that order!', description: 'a rollback started within a minute of the deploy it undid', target: 1,
    measure: quickRollback,
  },
  {
    id: 'friday-13th', title: 'Deploy on Friday the 13th', quote: 'Superstition is Illogical', description: 'a deployment on a Friday the 13th', target: 1,
    measure: fridayThe13th,
  },
  {
    id: 'week-without-failure', title: 'A Week Without a Failure', quote: 'Steady as she goes', description: 'deploying for 7 days with no failure in between', target: 7,
    measure: daysWithoutFailure(7),
  },
  {
    id: 'quick-recovery', title: 'Damage Control', quote: 'Repairs complete, Captain', description: 'a success within 15 minutes of a failure on the same environment', target: 1,
    measure: recoveryWithin(15),
  },
  {
    id: 'lint-clean-risky-change', title: 'Calculated Risk', quote: 'Risk is our business', description: 'a lint-clean deploy of a risky change (destructive, or on a large table)', target: 1,
    measure: ({ rows }) => once(rows, (row) => applied(row) && lintClean(row) && riskyChange(row)),
  },
  {
    id: 'three-environments', title: 'Across the Quadrant', quote: 'To boldly go', description: 'deployments to 3 different environments', target: 3,
    measure: distinctEnvironments(3),
  },
  {
    id: 'riker-mode', title: 'The Riker Maneuver', quote: 'I take full responsibility', description: 'a deployment in Riker mode', target: 1,
    measure: ({ rows }) => once(rows, (row) => row.kind === 'riker' && isSuccess(row)),
  },
  {
    id: 'streak-30-days', title: 'Continuing Mission', quote: 'These are the voyages', description: 'deploying on 30 working days in a row', target: 30,
    measure: workingDayStreak(30),
  },
];

const publicView = ({ measure: _measure, ...achievement }: AchievementRule): Achievement => achievement;

export const ACHIEVEMENTS: readonly Achievement[] = RULES.map(publicView);

// ---------------------------------------------------------------------------
// Evaluation

/** `Name <email>` operators match on the email (case-insensitive), others exactly. */
export function sameOperator(a: string, b: string): boolean {
  const email = (operator: string) => /<([^>]+)>\s*$/.exec(operator)?.[1]?.toLowerCase() ?? null;
  const [left, right] = [email(a), email(b)];
  return left !== null && right !== null ? left === right : a === b;
}

/** The deployments of one operator: the scope of achievements. */
export function ownDeployments(history: readonly Deployment[], operator: string): Deployment[] {
  return history.filter((row) => sameOperator(row.operator, operator));
}

function factsOf(history: readonly Deployment[], now: Date, timeZone: string): Facts {
  const rows = history
    .filter((row) => (row.status !== 'running' || row.interrupted) && row.startedAt.getTime() <= now.getTime())
    .sort((a, b) => happenedAt(a).getTime() - happenedAt(b).getTime() || a.startedAt.getTime() - b.startedAt.getTime() || a.id - b.id);
  return { rows, now, timeZone };
}

/**
 * Evaluates every achievement over a history (the user's own deployments,
 * any order). An unlock keeps its first time; a new one gets the time of
 * the row that met the rule.
 */
export function evaluateAchievements(history: readonly Deployment[], state: AchievementState, now: Date, timeZone: string): AchievementEvaluation {
  const facts = factsOf(history, now, timeZone);
  const unlocked = { ...state.unlocked };
  const newlyUnlocked: Achievement[] = [];
  const progress = RULES.map((rule): AchievementProgress => {
    const achievement = publicView(rule);
    const measured = rule.measure(facts);
    if (unlocked[rule.id] === undefined && measured.unlockedAt) {
      unlocked[rule.id] = new Date(Math.min(measured.unlockedAt.getTime(), now.getTime())).toISOString();
      newlyUnlocked.push(achievement);
    }
    const unlockedAt = unlocked[rule.id];
    return unlockedAt === undefined
      ? { achievement, unlocked: false, current: measured.current, target: rule.target }
      : { achievement, unlocked: true, unlockedAt, current: rule.target, target: rule.target };
  });
  return { state: { unlocked, announced: [...state.announced] }, newlyUnlocked, progress };
}

/** The unlocked achievements not announced yet, and the state that marks them announced. */
export function takeAnnouncements(state: AchievementState): { announce: Achievement[]; state: AchievementState } {
  const announce = ACHIEVEMENTS.filter((achievement) => state.unlocked[achievement.id] !== undefined && !state.announced.includes(achievement.id));
  return { announce, state: { unlocked: state.unlocked, announced: [...state.announced, ...announce.map((achievement) => achievement.id)] } };
}

/** Two states merged: every unlock (the earlier time wins) and every announcement. */
export function mergeAchievementStates(a: AchievementState, b: AchievementState): AchievementState {
  const unlocked = { ...a.unlocked };
  for (const [id, at] of Object.entries(b.unlocked)) if (unlocked[id] === undefined || at < unlocked[id]!) unlocked[id] = at;
  return { unlocked, announced: [...new Set([...a.announced, ...b.announced])] };
}

/** `★ achievement unlocked: Make it so! — first deployment`. */
export const announcementText = (achievement: Achievement) => `★ achievement unlocked: ${achievement.quote} — ${achievement.description}`;

/** The description as a sentence, for a persona's line: `A rollback started within a minute of the deploy it undid.` */
export const descriptionSentence = (achievement: Achievement) => `${achievement.description[0]!.toUpperCase()}${achievement.description.slice(1)}.`;

/** `▰▰▰▱▱▱▱▱▱▱ 37/100`. */
export function progressBar(current: number, target: number, width = 10): string {
  const filled = target > 0 ? Math.min(width, Math.floor((current / target) * width)) : 0;
  return `${'▰'.repeat(filled)}${'▱'.repeat(width - filled)} ${current}/${target}`;
}
