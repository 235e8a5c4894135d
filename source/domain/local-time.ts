export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A moment as the wall clock of a time zone shows it. */
export interface LocalTime {
  /** `YYYY-MM-DD`. */
  date: string;
  /** 0 = Monday ... 6 = Sunday. */
  weekday: number;
  /** Minutes after local midnight. */
  minute: number;
  /** `YYYY-MM-DD HH:MM`: sorts like the moment it names. */
  text: string;
}

/** The canonical name of an IANA time zone, or undefined when Intl does not know it. */
export function canonicalTimeZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** A reader of one time zone's wall clock; it builds its formatter once, for callers that read many moments. */
export function localTimeReader(timeZone: string): (now: Date) => LocalTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (now) => {
    const parts = format.formatToParts(now);
    const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
    const date = `${part('year')}-${part('month')}-${part('day')}`;
    const hour = Number(part('hour'));
    const minute = Number(part('minute'));
    return { date, weekday: weekdayOf(date), minute: hour * 60 + minute, text: `${date} ${clock(hour * 60 + minute)}` };
  };
}

export function localTime(now: Date, timeZone: string): LocalTime {
  return localTimeReader(timeZone)(now);
}

/** `HH:MM` for minutes after midnight (1440 is `24:00`). */
export function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

const utcOf = (date: string) => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day));
};

/** 0 = Monday ... 6 = Sunday, for a calendar date `YYYY-MM-DD`. */
export function weekdayOf(date: string): number {
  return (utcOf(date).getUTCDay() + 6) % 7;
}

/** Calendar arithmetic on `YYYY-MM-DD`, free of any time zone. */
export function addDays(date: string, days: number): string {
  const moved = utcOf(date);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/** Whether year, month and day name a real calendar date. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}
