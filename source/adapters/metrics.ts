import type { BlockedQuery, MetricsSample, RunningQuery } from '../domain/metrics.js';
import type { Database } from './postgres.js';

/** How much of a query's text a sample carries. */
export const QUERY_TEXT_LENGTH = 200;

/**
 * Everything a metrics sample needs about the current database, in one
 * statement and one row. The session that runs it leaves itself out of the
 * activity it reports. Counters are float8 so they map the same under any
 * int8 type parser. pg_blocking_pids() and pg_locks take the lock manager's
 * locks, so they run only for sessions already waiting on a lock.
 * Works on PostgreSQL 14 and later (pg_locks.waitstart).
 */
export const METRICS_QUERY = `
WITH activity AS MATERIALIZED (
  SELECT pid, usename, state, query, query_start, wait_event_type
    FROM pg_stat_activity
   WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
),
waiting AS MATERIALIZED (
  SELECT pid, usename, query, query_start FROM activity WHERE wait_event_type = 'Lock'
),
blocked AS (
  SELECT w.pid, w.usename, w.query,
         extract(epoch FROM clock_timestamp() - coalesce(
           (SELECT min(l.waitstart) FROM pg_locks l WHERE l.pid = w.pid AND NOT l.granted), w.query_start))::float8 AS waiting_seconds,
         blockers.list AS blocked_by
    FROM waiting w
   CROSS JOIN LATERAL (
     SELECT json_agg(json_build_object('pid', b.pid, 'user', a.usename, 'query', left(a.query, ${QUERY_TEXT_LENGTH})) ORDER BY b.pid) AS list
       FROM unnest(pg_blocking_pids(w.pid)) AS b(pid)
       LEFT JOIN pg_stat_activity a ON a.pid = b.pid
   ) blockers
   WHERE blockers.list IS NOT NULL
)
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS taken_at,
       (d.xact_commit + d.xact_rollback)::float8 AS transactions,
       d.blks_hit::float8 AS blks_hit,
       d.blks_read::float8 AS blks_read,
       c.active, c.idle, c.idle_in_transaction, c.total,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS server_connections,
       current_setting('max_connections')::int AS max_connections,
       coalesce((
         SELECT json_agg(json_build_object(
                  'pid', pid, 'user', usename, 'query', left(query, ${QUERY_TEXT_LENGTH}),
                  'waitingSeconds', waiting_seconds, 'blockedBy', blocked_by) ORDER BY waiting_seconds DESC, pid)
           FROM blocked), '[]'::json) AS blocked,
       (SELECT json_build_object(
                 'pid', pid, 'user', usename, 'query', left(query, ${QUERY_TEXT_LENGTH}),
                 'seconds', extract(epoch FROM clock_timestamp() - query_start)::float8)
          FROM activity
         WHERE state = 'active' AND query_start IS NOT NULL
         ORDER BY query_start, pid
         LIMIT 1) AS longest,
       pg_database_size(current_database())::float8 AS database_bytes
  FROM pg_stat_database d
 CROSS JOIN (
   SELECT count(*) FILTER (WHERE state = 'active')::int AS active,
          count(*) FILTER (WHERE state = 'idle')::int AS idle,
          count(*) FILTER (WHERE state IN ('idle in transaction', 'idle in transaction (aborted)'))::int AS idle_in_transaction,
          count(*)::int AS total
     FROM activity
 ) c
 WHERE d.datname = current_database()`;

interface MetricsRow {
  taken_at: number;
  transactions: number;
  blks_hit: number;
  blks_read: number;
  active: number;
  idle: number;
  idle_in_transaction: number;
  total: number;
  server_connections: number;
  max_connections: number;
  blocked: BlockedQuery[];
  longest: RunningQuery | null;
  database_bytes: number;
}

/** Reads one sample of the database db is connected to: exactly one query. */
export async function readMetricsSample(db: Pick<Database, 'query'>): Promise<MetricsSample> {
  const result = await db.query<MetricsRow>(METRICS_QUERY);
  const row = result.rows[0];
  if (!row) throw new Error('the metrics query returned no row: pg_stat_database has no row for the current database');
  return {
    takenAt: row.taken_at,
    transactions: row.transactions,
    blksHit: row.blks_hit,
    blksRead: row.blks_read,
    connections: { active: row.active, idle: row.idle, idleInTransaction: row.idle_in_transaction, total: row.total },
    serverConnections: row.server_connections,
    maxConnections: row.max_connections,
    blocked: row.blocked,
    longest: row.longest,
    databaseBytes: row.database_bytes,
  };
}
