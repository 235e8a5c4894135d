import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOfYear, stardate, stardateTag } from '../../source/domain/stardate.js';

const utc = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0) =>
  new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));

// A local time zone far from UTC, so that any use of local time shows.
const originalTz = process.env.TZ;
beforeAll(() => {
  process.env.TZ = 'Pacific/Kiritimati'; // UTC+14
});
afterAll(() => {
  if (originalTz === undefined) delete process.env.TZ;
  else process.env.TZ = originalTz;
});

describe('dayOfYear (UTC)', () => {
  it.each([
    ['Jan 1', 1, utc(2026, 1, 1)],
    ['Jan 31', 31, utc(2026, 1, 31)],
    ['Feb 1', 32, utc(2026, 2, 1)],
    ['Mar 1 in a common year', 60, utc(2026, 3, 1)],
    ['Feb 29 in a leap year', 60, utc(2028, 2, 29)],
    ['Mar 1 in a leap year', 61, utc(2028, 3, 1)],
    ['Nov 22', 326, utc(2026, 11, 22)],
    ['Dec 31 in a common year', 365, utc(2026, 12, 31)],
    ['Dec 31 in a leap year', 366, utc(2028, 12, 31)],
    ['Dec 31 in 2000 (leap: divisible by 400)', 366, utc(2000, 12, 31)],
    ['Dec 31 in 2100 (not leap: divisible by 100)', 365, utc(2100, 12, 31)],
  ])('%s is day %i', (_label, expected, date) => {
    expect(dayOfYear(date)).toBe(expected);
  });

  it('is the same from the first to the last millisecond of a day', () => {
    expect(dayOfYear(utc(2026, 12, 31, 0, 0, 0, 0))).toBe(365);
    expect(dayOfYear(utc(2026, 12, 31, 23, 59, 59, 999))).toBe(365);
    expect(dayOfYear(utc(2027, 1, 1, 0, 0, 0, 0))).toBe(1);
  });

  it('uses the UTC date, not the local one', () => {
    // 2026-12-31T23:30:00-02:00 is already Jan 1 2027 in UTC.
    expect(dayOfYear(new Date('2026-12-31T23:30:00-02:00'))).toBe(1);
    // 2027-01-01T05:00:00+09:00 is still Dec 31 2026 in UTC.
    expect(dayOfYear(new Date('2027-01-01T05:00:00+09:00'))).toBe(365);
  });
});

describe('stardate', () => {
  it('is <YYYY>.<DDD>.<HHMM> in UTC', () => {
    expect(stardate(utc(2026, 11, 22, 9, 30, 45))).toBe('2026.326.0930');
  });

  it('pads the day to three digits and hours and minutes to two', () => {
    expect(stardate(utc(2026, 1, 5, 0, 7))).toBe('2026.005.0007');
    expect(stardate(utc(2026, 2, 14, 4, 0))).toBe('2026.045.0400');
  });

  it('ends a leap year on day 366 at 2359', () => {
    expect(stardate(utc(2028, 12, 31, 23, 59, 59))).toBe('2028.366.2359');
  });

  it('ends a common year on day 365', () => {
    expect(stardate(utc(2027, 12, 31, 12, 0))).toBe('2027.365.1200');
  });

  it('uses the UTC year, day, hour and minute', () => {
    expect(stardate(new Date('2026-12-31T23:30:00-02:00'))).toBe('2027.001.0130');
    expect(stardate(new Date('2026-03-01T00:15:00+05:45'))).toBe('2026.059.1830');
  });

  it('ignores seconds', () => {
    expect(stardate(utc(2026, 6, 1, 12, 34, 0))).toBe(stardate(utc(2026, 6, 1, 12, 34, 59, 999)));
  });
});

describe('stardateTag', () => {
  const at = utc(2026, 11, 22, 9, 30);

  it('is data/<env>/stardate-<stardate> when the name is free', () => {
    expect(stardateTag('prod', at, () => false)).toBe('data/prod/stardate-2026.326.0930');
  });

  it('adds -2 when the name is taken', () => {
    const taken = new Set(['data/prod/stardate-2026.326.0930']);
    expect(stardateTag('prod', at, (name) => taken.has(name))).toBe('data/prod/stardate-2026.326.0930-2');
  });

  it('adds -3 when the name and -2 are taken', () => {
    const taken = new Set(['data/prod/stardate-2026.326.0930', 'data/prod/stardate-2026.326.0930-2']);
    expect(stardateTag('prod', at, (name) => taken.has(name))).toBe('data/prod/stardate-2026.326.0930-3');
  });

  it('counts up past -9', () => {
    const base = 'data/staging/stardate-2026.326.0930';
    const taken = new Set([base, ...Array.from({ length: 10 }, (_, i) => `${base}-${i + 2}`)]);
    expect(stardateTag('staging', at, (name) => taken.has(name))).toBe(`${base}-12`);
  });

  it('asks about names in order and stops at the first free one', () => {
    const asked: string[] = [];
    const taken = new Set(['data/dev/stardate-2026.326.0930', 'data/dev/stardate-2026.326.0930-2']);
    stardateTag('dev', at, (name) => {
      asked.push(name);
      return taken.has(name);
    });
    expect(asked).toEqual([
      'data/dev/stardate-2026.326.0930',
      'data/dev/stardate-2026.326.0930-2',
      'data/dev/stardate-2026.326.0930-3',
    ]);
  });

  it('is independent per environment', () => {
    const taken = new Set(['data/prod/stardate-2026.326.0930']);
    expect(stardateTag('dev', at, (name) => taken.has(name))).toBe('data/dev/stardate-2026.326.0930');
  });
});
