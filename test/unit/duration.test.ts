import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../source/domain/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['0ms', 0],
    ['3s', 3_000],
    ['3sec', 3_000],
    ['2min', 120_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1.5s', 1_500],
    ['0.25h', 900_000],
    ['2.5min', 150_000],
    ['250', 250],
    ['0', 0],
    [' 3 s ', 3_000],
    ['10 min', 600_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('takes a number as milliseconds', () => {
    expect(parseDuration(0)).toBe(0);
    expect(parseDuration(1500)).toBe(1500);
    expect(parseDuration(2.5)).toBe(2.5);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])('rejects the number %s', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });

  it.each(['', '   ', 's', '3 days', '3d', '-3s', '+3s', '3S', '3 Min', '3s5', '1,5s', '.5s', '5.s', '3 s s', '1e3', 'three seconds', '${TIMEOUT}'])(
    'rejects the text %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it.each([null, undefined, true, false, {}, [], ['3s']])('rejects the non-duration %j', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it('carries rounding into the next unit', () => {
    expect(formatDuration(999.6)).toBe('1.00s');
    expect(formatDuration(9_999)).toBe('10.0s');
    expect(formatDuration(59_999)).toBe('1m00s');
    expect(formatDuration(119_500)).toBe('2m00s');
    expect(formatDuration(119_999)).toBe('2m00s');
  });

  it.each([
    [0, '0ms'],
    [1, '1ms'],
    [12.4, '12ms'],
    [999, '999ms'],
    [1_000, '1.00s'],
    [1_234, '1.23s'],
    [9_990, '9.99s'],
    [10_000, '10.0s'],
    [12_345, '12.3s'],
    [59_000, '59.0s'],
    [60_000, '1m00s'],
    [61_000, '1m01s'],
    [125_000, '2m05s'],
    [599_000, '9m59s'],
    [3_600_000, '60m00s'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('rounds seconds within a minute', () => {
    expect(formatDuration(61_400)).toBe('1m01s');
    expect(formatDuration(61_600)).toBe('1m02s');
  });

  it('reads back what parseDuration understands for whole units', () => {
    expect(formatDuration(parseDuration('3s')!)).toBe('3.00s');
    expect(formatDuration(parseDuration('2min')!)).toBe('2m00s');
    expect(formatDuration(parseDuration('500ms')!)).toBe('500ms');
  });
});
