import { nearest } from '../config.js';
import { WEEKDAYS, addDays, clock, type LocalTime } from '../local-time.js';
import type { WeeklyWindow } from './types.js';

/** Why a window text was rejected, and what to write instead. */
export interface WindowProblem {
  message: string;
  fix: string;
}

const EXAMPLE = 'write it like "mon-thu 09:00-17:00" or "mon,wed,fri 08:00-12:00"';

/**
 * Parses `<days> <HH:MM>-<HH:MM>`: days are mon ... sun, as a list (`mon,wed`)
 * or ranges (`mon-thu`, `fri-mon` wraps over the weekend). The end is exclusive
 * and may be 24:00; a window across midnight is written as two windows.
 */
export function parseWeeklyWindow(text: string): WeeklyWindow | WindowProblem {
  const match = /^\s*(\S+)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})\s*$/.exec(text);
  if (!match) return { message: `"${text}" is not a weekly window`, fix: EXAMPLE };
  const [, dayText, startText, endText] = match as unknown as [string, string, string, string];

  const days = new Set<number>();
  for (const piece of dayText.toLowerCase().split(',')) {
    const ends = piece.split('-');
    if (ends.length > 2 || ends.some((end) => end === '')) return { message: `"${piece}" in "${text}" is not a weekday or a range of weekdays`, fix: EXAMPLE };
    const indexes: number[] = [];
    for (const end of ends) {
      const index = (WEEKDAYS as readonly string[]).indexOf(end);
      if (index < 0) {
        const guess = nearest(end, WEEKDAYS);
        return {
          message: `unknown weekday "${end}" in "${text}"`,
          fix: `${guess ? `did you mean "${guess}"? ` : ''}weekdays are ${WEEKDAYS.join(', ')}`,
        };
      }
      indexes.push(index);
    }
    const first = indexes[0]!;
    const last = indexes[indexes.length - 1]!;
    for (let day = first; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === last) break;
    }
  }

  const start = minuteOf(startText);
  const end = minuteOf(endText);
  if (start === undefined || end === undefined || start === 1440) {
    return { message: `bad time range "${startText}-${endText}" in "${text}": times run from 00:00 to 24:00`, fix: EXAMPLE };
  }
  if (end <= start) {
    return {
      message: `bad time range "${startText}-${endText}" in "${text}": the end must come after the start`,
      fix: 'a window across midnight is two windows, e.g. "mon 22:00-24:00" and "tue 00:00-02:00"',
    };
  }
  return { text: text.trim(), days: [...days].sort((a, b) => a - b), startMinute: start, endMinute: end };
}

export const isWindowProblem = (value: WeeklyWindow | WindowProblem): value is WindowProblem => 'message' in value;

function minuteOf(text: string): number | undefined {
  const [hour, minute] = text.split(':').map(Number) as [number, number];
  if (minute > 59 || hour > 24 || (hour === 24 && minute !== 0)) return undefined;
  return hour * 60 + minute;
}

export function insideAnyWindow(windows: readonly WeeklyWindow[], now: LocalTime): boolean {
  return windows.some((window) => window.days.includes(now.weekday) && window.startMinute <= now.minute && now.minute < window.endMinute);
}

/** The next local moment at which one of the windows opens, as `ddd YYYY-MM-DD HH:MM`. */
export function nextOpening(windows: readonly WeeklyWindow[], now: LocalTime): string | undefined {
  for (let offset = 0; offset <= 7; offset++) {
    const weekday = (now.weekday + offset) % 7;
    const starts = windows
      .filter((window) => window.days.includes(weekday))
      .map((window) => window.startMinute)
      .filter((start) => offset > 0 || start > now.minute)
      .sort((a, b) => a - b);
    if (starts.length > 0) return `${WEEKDAYS[weekday]} ${addDays(now.date, offset)} ${clock(starts[0]!)}`;
  }
  return undefined;
}
