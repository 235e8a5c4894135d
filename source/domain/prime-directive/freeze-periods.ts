import { addDays, isCalendarDate, type LocalTime } from '../local-time.js';
import type { FreezePeriod } from './types.js';

export const MOMENT_FORMATS = 'a date such as 2026-12-18 or a local date and time such as 2026-12-18 18:00';

/**
 * Reads `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (a `T` may replace the space), local
 * to the directive's time zone. Returns the moment as `YYYY-MM-DD HH:MM` and
 * whether only a date was given; undefined when it is neither.
 */
export function parseLocalMoment(text: string): { moment: string; isDate: boolean } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isCalendarDate(year, month, day)) return undefined;
  const date = `${match[1]}-${match[2]}-${match[3]}`;
  if (match[4] === undefined) return { moment: `${date} 00:00`, isDate: true };
  if (Number(match[4]) > 23 || Number(match[5]) > 59) return undefined;
  return { moment: `${date} ${match[4]}:${match[5]}`, isDate: false };
}

/** The exclusive end of a period whose `to` is the given moment: a date lasts through its whole day. */
export function exclusiveEnd(to: { moment: string; isDate: boolean }): string {
  return to.isDate ? `${addDays(to.moment.slice(0, 10), 1)} 00:00` : to.moment;
}

export function activePeriods(periods: readonly FreezePeriod[], now: LocalTime): FreezePeriod[] {
  return periods.filter((period) => period.from <= now.text && now.text < period.until);
}

/** When the freeze that holds now ends, following periods that overlap or touch one another. */
export function freezeEnd(periods: readonly FreezePeriod[], now: LocalTime): string {
  let end = now.text;
  for (let changed = true; changed; ) {
    changed = false;
    for (const period of periods) {
      if (period.from <= end && end < period.until) {
        end = period.until;
        changed = true;
      }
    }
  }
  return end;
}

export function nextPeriod(periods: readonly FreezePeriod[], now: LocalTime): FreezePeriod | undefined {
  return periods.filter((period) => period.from > now.text).sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))[0];
}

/** `through 2027-01-04` for a date, `until 2027-01-04 09:00` for a moment. */
export function describeEnd(period: FreezePeriod): string {
  return period.toIsDate ? `through ${period.toText}` : `until ${period.until}`;
}
