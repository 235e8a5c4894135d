/** Client sessions of one database, by state. */
export interface ConnectionCounts {
  active: number;
  idle: number;
  /** Also counts sessions idle in an aborted transaction. */
  idleInTransaction: number;
  /** Every client session of the database, whatever its state. */
  total: number;
}

/** A session that holds a lock another one waits for; user and query are null when the server does not say (a prepared transaction, or one gone meanwhile). */
export interface BlockingSession {
  pid: number;
  user: string | null;
  query: string | null;
}

export interface BlockedQuery {
  pid: number;
  user: string | null;
  query: string;
  waitingSeconds: number;
  blockedBy: BlockingSession[];
}

export interface RunningQuery {
  pid: number;
  user: string | null;
  query: string;
  seconds: number;
}

/** Raw readings of one database at one instant; counters only mean something against an earlier sample. */
export interface MetricsSample {
  /** The server's clock, in ms since the epoch. */
  takenAt: number;
  /** Committed plus rolled back transactions since the statistics were reset. */
  transactions: number;
  blksHit: number;
  blksRead: number;
  connections: ConnectionCounts;
  /** Client sessions of the whole server, the polling one included: what max_connections limits. */
  serverConnections: number;
  maxConnections: number;
  /** Queries waiting for a lock, longest wait first. */
  blocked: BlockedQuery[];
  /** The longest running active query, or null when none runs. */
  longest: RunningQuery | null;
  databaseBytes: number;
}

/** What the Performance pane shows for one sample. */
export interface MetricsPoint {
  takenAt: number;
  /** Transactions per second since the previous sample; null for the first one or after a statistics reset. */
  tps: number | null;
  /** Share of block reads served from shared buffers (0..1); null before anything was read. */
  cacheHitRatio: number | null;
  connections: ConnectionCounts;
  serverConnections: number;
  maxConnections: number;
  blocked: BlockedQuery[];
  longest: RunningQuery | null;
  databaseBytes: number;
}

export function derivePoint(previous: MetricsSample | null, current: MetricsSample): MetricsPoint {
  return {
    takenAt: current.takenAt,
    tps: transactionsPerSecond(previous, current),
    cacheHitRatio: cacheHitRatio(previous, current),
    connections: current.connections,
    serverConnections: current.serverConnections,
    maxConnections: current.maxConnections,
    blocked: current.blocked,
    longest: current.longest,
    databaseBytes: current.databaseBytes,
  };
}

function transactionsPerSecond(previous: MetricsSample | null, current: MetricsSample): number | null {
  if (!previous) return null;
  const seconds = (current.takenAt - previous.takenAt) / 1000;
  const transactions = current.transactions - previous.transactions;
  // A negative delta means the statistics were reset in between: no honest rate.
  if (!(seconds > 0) || transactions < 0) return null;
  return transactions / seconds;
}

function cacheHitRatio(previous: MetricsSample | null, current: MetricsSample): number | null {
  if (previous) {
    const hits = current.blksHit - previous.blksHit;
    const reads = current.blksRead - previous.blksRead;
    if (hits >= 0 && reads >= 0 && hits + reads > 0) return hits / (hits + reads);
  }
  const total = current.blksHit + current.blksRead;
  return total > 0 ? current.blksHit / total : null;
}

/** The series with point appended, keeping the newest `capacity` points; never changes `series`. */
export function appendPoint<T>(series: readonly T[], point: T, capacity: number): T[] {
  const keep = Math.max(0, Math.floor(capacity));
  if (keep === 0) return [];
  const next = [...series, point];
  return next.length > keep ? next.slice(next.length - keep) : next;
}

const BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * The newest `width` values as block characters scaled between the window's
 * minimum and maximum, right-aligned; a missing value is a space and a flat
 * line sits on the bottom.
 */
export function sparkline(values: ReadonlyArray<number | null>, width: number): string {
  const columns = Math.max(0, Math.floor(width));
  if (columns === 0) return '';
  const window = values.slice(-columns).map((value) => (value !== null && Number.isFinite(value) ? value : null));
  const present = window.filter((value): value is number => value !== null);
  const min = Math.min(...present);
  const range = Math.max(...present) - min;
  const line = window
    .map((value) => {
      if (value === null) return ' ';
      const level = range > 0 ? Math.round(((value - min) / range) * (BLOCKS.length - 1)) : 0;
      return BLOCKS[level]!;
    })
    .join('');
  return line.padStart(columns, ' ');
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

/** A size as PostgreSQL users read it (1024-based, pg_size_pretty's unit names): '512 B', '12.3 MB', '148 GB'. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  if (bytes < 0) return `-${formatBytes(-bytes)}`;
  let unit = 0;
  let value = Math.round(bytes);
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} B`;
  const decimals = value < 99.95 ? 1 : 0;
  // 1023.97 kB would print as "1024 kB": say "1.0 MB" instead.
  if (Number(value.toFixed(decimals)) >= 1024 && unit < BYTE_UNITS.length - 1) return `1.0 ${BYTE_UNITS[unit + 1]}`;
  return `${value.toFixed(decimals)} ${BYTE_UNITS[unit]}`;
}

/** A ratio as a percentage with one decimal, rounded down so that 99.99% never reads as 100.0%. */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return '—';
  // The epsilon keeps float noise (0.29 * 1000 = 289.99...) from costing a tenth.
  return `${(Math.floor(ratio * 1000 + 1e-9) / 10).toFixed(1)}%`;
}
