import { describe, expect, it } from 'vitest';
import { appendPoint, derivePoint, formatBytes, formatRatio, sparkline, type MetricsSample } from '../../source/domain/metrics.js';

const sample = (overrides: Partial<MetricsSample> = {}): MetricsSample => ({
  takenAt: 1_000_000,
  transactions: 1_000,
  blksHit: 900,
  blksRead: 100,
  connections: { active: 1, idle: 2, idleInTransaction: 0, total: 3 },
  serverConnections: 5,
  maxConnections: 100,
  blocked: [],
  longest: null,
  databaseBytes: 8_000_000,
  ...overrides,
});

describe('derivePoint', () => {
  it('has no rate for the first sample, and the cumulative cache hit ratio', () => {
    const point = derivePoint(null, sample());
    expect(point.tps).toBeNull();
    expect(point.cacheHitRatio).toBe(0.9);
  });

  it('divides the transactions since the previous sample by the seconds between them', () => {
    const point = derivePoint(sample(), sample({ takenAt: 1_002_000, transactions: 1_050 }));
    expect(point.tps).toBe(25);
  });

  it('reports zero transactions per second when nothing happened', () => {
    expect(derivePoint(sample(), sample({ takenAt: 1_001_000 })).tps).toBe(0);
  });

  it('has no rate when the statistics were reset in between', () => {
    expect(derivePoint(sample(), sample({ takenAt: 1_001_000, transactions: 3 })).tps).toBeNull();
  });

  it.each([0, -500])('has no rate when the clock moved %i ms', (ms) => {
    expect(derivePoint(sample(), sample({ takenAt: 1_000_000 + ms, transactions: 1_010 })).tps).toBeNull();
  });

  it('takes the cache hit ratio of the interval when blocks were read in it', () => {
    const point = derivePoint(sample(), sample({ takenAt: 1_001_000, blksHit: 930, blksRead: 110 }));
    expect(point.cacheHitRatio).toBe(0.75);
  });

  it('falls back to the cumulative ratio when no block was read in the interval', () => {
    expect(derivePoint(sample(), sample({ takenAt: 1_001_000 })).cacheHitRatio).toBe(0.9);
  });

  it('falls back to the cumulative ratio after a statistics reset', () => {
    expect(derivePoint(sample(), sample({ takenAt: 1_001_000, blksHit: 3, blksRead: 1 })).cacheHitRatio).toBe(0.75);
  });

  it('has no cache hit ratio before anything was read', () => {
    expect(derivePoint(null, sample({ blksHit: 0, blksRead: 0 })).cacheHitRatio).toBeNull();
    expect(derivePoint(sample({ blksHit: 0, blksRead: 0 }), sample({ takenAt: 1_001_000, blksHit: 0, blksRead: 0 })).cacheHitRatio).toBeNull();
  });

  it('carries the readings of the current sample', () => {
    const blocked = [{ pid: 7, user: 'app', query: 'SELECT * FROM t', waitingSeconds: 3, blockedBy: [{ pid: 6, user: 'dba', query: 'LOCK TABLE t' }] }];
    const longest = { pid: 8, user: 'app', query: 'SELECT pg_sleep(5)', seconds: 4.2 };
    const current = sample({ takenAt: 1_001_000, blocked, longest, databaseBytes: 9_000, serverConnections: 12, maxConnections: 50 });
    expect(derivePoint(sample(), current)).toEqual({
      takenAt: 1_001_000,
      tps: 0,
      cacheHitRatio: 0.9,
      connections: current.connections,
      serverConnections: 12,
      maxConnections: 50,
      blocked,
      longest,
      databaseBytes: 9_000,
    });
  });
});

describe('appendPoint', () => {
  it('appends without changing the series it was given', () => {
    const series = Object.freeze([1, 2]);
    const next = appendPoint(series, 3, 5);
    expect(next).toEqual([1, 2, 3]);
    expect(series).toEqual([1, 2]);
    expect(next).not.toBe(series);
  });

  it('keeps the newest points up to the capacity', () => {
    expect(appendPoint([1, 2, 3], 4, 3)).toEqual([2, 3, 4]);
    expect(appendPoint([], 1, 1)).toEqual([1]);
    expect(appendPoint([1], 2, 1)).toEqual([2]);
  });

  it('trims a series longer than a capacity that shrank', () => {
    expect(appendPoint([1, 2, 3, 4, 5], 6, 2)).toEqual([5, 6]);
  });

  it.each([0, -1, 0.5])('keeps nothing with capacity %s', (capacity) => {
    expect(appendPoint([1, 2], 3, capacity)).toEqual([]);
  });
});

describe('sparkline', () => {
  it('scales the values between the minimum and maximum of the window', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([10, 20], 2)).toBe('▁█');
    expect(sparkline([100, 150, 200], 3)).toBe('▁▅█');
  });

  it('shows only the newest values that fit, scaled among themselves', () => {
    expect(sparkline([1000, 0, 1, 2], 3)).toBe('▁▅█');
  });

  it('pads on the left while the series is shorter than the width', () => {
    expect(sparkline([1, 2], 4)).toBe('  ▁█');
    expect(sparkline([], 3)).toBe('   ');
  });

  it('draws a flat line on the bottom', () => {
    expect(sparkline([5, 5, 5], 3)).toBe('▁▁▁');
    expect(sparkline([0], 1)).toBe('▁');
  });

  it('leaves a gap for a missing value', () => {
    expect(sparkline([null, 0, null, 7], 4)).toBe(' ▁ █');
    expect(sparkline([null, null], 2)).toBe('  ');
    expect(sparkline([Number.NaN, 3], 2)).toBe(' ▁');
  });

  it('handles negative values', () => {
    expect(sparkline([-7, 0], 2)).toBe('▁█');
  });

  it.each([0, -3])('is empty for width %i', (width) => {
    expect(sparkline([1, 2, 3], width)).toBe('');
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 kB'],
    [1536, '1.5 kB'],
    [12.3 * 1024 * 1024, '12.3 MB'],
    [99.94 * 1024, '99.9 kB'],
    [99.96 * 1024, '100 kB'],
    [148 * 1024 ** 3, '148 GB'],
    [1023.97 * 1024, '1.0 MB'],
    [1024 ** 4, '1.0 TB'],
    [2048 * 1024 ** 5, '2048 PB'],
    [-1536, '-1.5 kB'],
  ])('writes %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('writes %s as a dash', (bytes) => {
    expect(formatBytes(bytes)).toBe('—');
  });
});

describe('formatRatio', () => {
  it.each([
    [0, '0.0%'],
    [0.29, '29.0%'],
    [0.9876, '98.7%'],
    [0.99999, '99.9%'],
    [1, '100.0%'],
  ])('writes %d as %s', (ratio, text) => {
    expect(formatRatio(ratio)).toBe(text);
  });

  it('writes a missing ratio as a dash', () => {
    expect(formatRatio(null)).toBe('—');
  });
});
