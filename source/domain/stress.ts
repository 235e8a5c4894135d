/**
 * Stress detection: moments when a deployment is more likely to go wrong, or
 * when going wrong costs more, because of the people rather than the SQL.
 *
 * All times are read on the repository's clock (an IANA time zone such as
 * Europe/Berlin), so 23:00 means 23:00 where the team lives, daylight saving
 * time included. The clock is passed in; nothing here reads the system time.
 *
 * - late_night: 22:00 to 05:59 local time.
 * - friday_afternoon: Friday from 15:00 to midnight, local time.
 * - friday_13th: the whole of a Friday that is the 13th of the month.
 * - repeated_failures: three or more deployments or rollbacks of the
 *   environment failed in the last hour (a failure counts by when it
 *   finished; an interrupted run is recorded as failed and counts too).
 * - deploy_after_failure: on a protected environment only, the latest
 *   deployment or rollback that finished failed, at most 30 minutes ago.
 *   A success after the failure clears it; runs still going are ignored.
 *
 * Every warning asks for an extra confirmation on a protected environment.
 * The words come from a catalogue passed in as a lookup function; the neutral
 * one below is the default (plain mode); a persona brings its own (domain/personas.ts).
 */
import type { Deployment } from './deployment.js';
import { usageError } from './errors.js';
import { formatMessage } from './format-message.js';
import { canonicalTimeZone, localTimeReader } from './local-time.js';

// ---------------------------------------------------------------------------
// The local clock

export interface LocalTime {
  /** 0 Sunday .. 6 Saturday. */
  weekday: number;
  /** Day of the month, 1..31. */
  day: number;
  /** 0..23. */
  hour: number;
  minute: number;
}

/** Reads an instant on one time zone's wall clock. */
export type LocalClock = (instant: Date) => LocalTime;

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/** A clock for an IANA time zone; fails with a usage error naming the zone when it is unknown. */
export function localClock(timeZone: string): LocalClock {
  if (!canonicalTimeZone(timeZone)) {
    throw usageError(`unknown time zone "${timeZone}"`, { fix: 'use an IANA time zone name such as Europe/Berlin or UTC' });
  }
  const read = localTimeReader(timeZone);
  return (instant) => {
    const local = read(instant);
    // localTime counts weekdays from Monday; this clock from Sunday, like Date.
    return { weekday: (local.weekday + 1) % 7, day: Number(local.date.slice(8, 10)), hour: Math.floor(local.minute / 60), minute: local.minute % 60 };
  };
}

/** '16:40'. */
export const formatClockTime = (time: LocalTime): string =>
  `${String(time.hour).padStart(2, '0')}:${String(time.minute).padStart(2, '0')}`;

export const isLateNight = (time: LocalTime): boolean => time.hour >= 22 || time.hour < 6;
export const isFridayAfternoon = (time: LocalTime): boolean => time.weekday === 5 && time.hour >= 15;
export const isFriday13th = (time: LocalTime): boolean => time.weekday === 5 && time.day === 13;
export const isWeekend = (time: LocalTime): boolean => time.weekday === 0 || time.weekday === 6;

// ---------------------------------------------------------------------------
// Words

export type StressId = 'late_night' | 'friday_afternoon' | 'friday_13th' | 'repeated_failures' | 'deploy_after_failure';
export type StressMessageKey = `stress.${StressId}`;

/** What a stress message may say: the environment, a local HH:MM, and a count. */
export interface StressVars {
  env: string;
  time: string;
  count: number;
}

/**
 * Finds the template for a key; a persona catalogue replaces the neutral one.
 * The variables let a persona pick its variant deterministically; they are filled in afterwards.
 */
export type StressMessages = (key: StressMessageKey, vars: StressVars) => string;

/** Variables: {env} the environment, {time} a local HH:MM, {count} a number (failures, or minutes since the failure). */
export const NEUTRAL_STRESS_MESSAGES: Record<StressMessageKey, string> = {
  'stress.late_night': 'It is {time} local time: late at night, fewer people are awake to help if {env} breaks.',
  'stress.friday_afternoon': 'It is Friday {time}: a problem in {env} now may last into the weekend.',
  'stress.friday_13th': 'It is Friday the 13th: take extra care with the deployment to {env}.',
  'stress.repeated_failures': '{count} deployments to {env} failed in the last hour: find the cause before trying again.',
  'stress.deploy_after_failure':
    'The last deployment to {env} failed at {time}, {count} min ago: make sure you know why before deploying again.',
};

export const neutralStressMessages: StressMessages = (key) => NEUTRAL_STRESS_MESSAGES[key];

// ---------------------------------------------------------------------------
// Detection

/** How many failures within how long make `repeated_failures`. */
export const REPEATED_FAILURES = { count: 3, withinMs: 60 * 60_000 } as const;
/** How soon after a failure a deploy to a protected environment is "right after" it. */
export const AFTER_FAILURE_WITHIN_MS = 30 * 60_000;

export interface StressInput {
  now: Date;
  /** The repository's IANA time zone. */
  timeZone: string;
  environment: { name: string; protected: boolean };
  /** The environment's recent deployments and rollbacks, any order; rows of other environments are ignored. */
  history: readonly Deployment[];
}

export interface StressWarning {
  id: StressId;
  message: string;
  /** The operator confirms once more: true on a protected environment. */
  extraConfirmation: boolean;
}

/** The warnings that apply now, in a fixed order: clock first, then the environment's record. */
export function detectStress(input: StressInput, messages: StressMessages = neutralStressMessages): StressWarning[] {
  const { now, environment } = input;
  const clock = localClock(input.timeZone);
  const time = clock(now);
  const finished = input.history.filter(
    (row) => row.environment === environment.name && row.status !== 'running' && endOf(row) <= now.getTime(),
  );

  const found: Array<{ id: StressId; count?: number; time?: string }> = [];
  if (isLateNight(time)) found.push({ id: 'late_night' });
  if (isFridayAfternoon(time)) found.push({ id: 'friday_afternoon' });
  if (isFriday13th(time)) found.push({ id: 'friday_13th' });

  const recentFailures = finished.filter(
    (row) => row.status === 'failed' && now.getTime() - endOf(row) < REPEATED_FAILURES.withinMs,
  ).length;
  if (recentFailures >= REPEATED_FAILURES.count) found.push({ id: 'repeated_failures', count: recentFailures });

  const latest = finished.reduce<Deployment | undefined>(
    (newest, row) => (!newest || endOf(row) > endOf(newest) ? row : newest),
    undefined,
  );
  if (environment.protected && latest?.status === 'failed' && now.getTime() - endOf(latest) <= AFTER_FAILURE_WITHIN_MS) {
    found.push({
      id: 'deploy_after_failure',
      count: Math.floor((now.getTime() - endOf(latest)) / 60_000),
      time: formatClockTime(clock(new Date(endOf(latest)))),
    });
  }

  return found.map(({ id, count, time: at }) => {
    const vars: StressVars = { env: environment.name, time: at ?? formatClockTime(time), count: count ?? 0 };
    return { id, message: formatMessage(messages(`stress.${id}`, vars), { ...vars }), extraConfirmation: environment.protected };
  });
}

/** When a row stopped running: its finish, or its start for a row that never recorded one. */
const endOf = (row: Deployment): number => (row.finishedAt ?? row.startedAt).getTime();
