import pg from 'pg';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { METRICS_QUERY, readMetricsSample } from '../../source/adapters/metrics.js';
import { Database } from '../../source/adapters/postgres.js';
import { isDataError } from '../../source/domain/errors.js';
import { derivePoint, type MetricsSample } from '../../source/domain/metrics.js';
import { METRICS_APPLICATION_NAME, openMetricsSource } from '../../source/engine/metrics.js';
import { databasesForFile, query } from '../helpers/database.js';
import { contextFor, makeProject } from '../helpers/project.js';
import { waitFor } from '../helpers/wait.js';

const newDatabase = databasesForFile();

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

/** A plain session of its own, closed after the test. */
async function session(url: string): Promise<{ client: pg.Client; pid: number }> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  cleanups.push(() => client.end());
  const pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  return { client, pid };
}

/** The polling connection the adapter reads through, closed after the test. */
async function pollingDatabase(url: string): Promise<Database> {
  const db = await Database.connect({ url, environment: 'test', connectTimeoutMs: 5_000 });
  cleanups.push(() => db.close());
  return db;
}

describe('readMetricsSample', () => {
  it('counts the transactions run between two samples', async () => {
    const { url } = await newDatabase();
    const db = await pollingDatabase(url);
    const first = await readMetricsSample(db);
    const { client } = await session(url);
    for (let i = 0; i < 50; i += 1) await client.query('SELECT 1');
    // A backend reports its counters at least once a second and when it exits.
    await client.end();
    const second = await waitFor(async () => {
      const next = await readMetricsSample(db);
      return next.transactions - first.transactions >= 50 && next;
    }, 'the 50 transactions to reach pg_stat_database');
    const point = derivePoint(first, second);
    expect(second.takenAt).toBeGreaterThan(first.takenAt);
    expect(point.tps).toBeGreaterThan(0);
    expect(point.tps).toBeGreaterThanOrEqual(((second.transactions - first.transactions) / (second.takenAt - first.takenAt)) * 1000 - 1e-9);
    expect(point.cacheHitRatio).toBeGreaterThan(0);
    expect(point.cacheHitRatio).toBeLessThanOrEqual(1);
  });

  it('shows a query waiting for a lock with the pid, user and query of the session holding it', async () => {
    const { url } = await newDatabase();
    await query(url, 'CREATE TABLE t (id int)');
    const db = await pollingDatabase(url);
    const holder = await session(url);
    const waiter = await session(url);
    await holder.client.query('BEGIN');
    await holder.client.query('LOCK TABLE t');
    const waiting = waiter.client.query('SELECT * FROM t');

    const sample = await waitFor(async () => {
      const next = await readMetricsSample(db);
      return next.blocked.length > 0 && next;
    }, 'the SELECT to wait for the lock');
    const user = (await query<{ user: string }>(url, 'SELECT current_user AS user'))[0]!.user;
    expect(sample.blocked).toEqual([
      {
        pid: waiter.pid,
        user,
        query: 'SELECT * FROM t',
        waitingSeconds: expect.any(Number),
        blockedBy: [{ pid: holder.pid, user, query: 'LOCK TABLE t' }],
      },
    ]);
    expect(sample.blocked[0]!.waitingSeconds).toBeGreaterThanOrEqual(0);
    expect(sample.blocked[0]!.waitingSeconds).toBeLessThan(60);
    expect(sample.connections.idleInTransaction).toBe(1);
    expect(sample.connections.active).toBe(1);

    await holder.client.query('COMMIT');
    await waiting;
    expect((await readMetricsSample(db)).blocked).toEqual([]);
  });

  it('shows the longest running query while pg_sleep runs', async () => {
    const { url } = await newDatabase();
    const db = await pollingDatabase(url);
    const sleeper = await session(url);
    const sleeping = sleeper.client.query('select pg_sleep(5)').then(
      () => null,
      (error: { code?: string }) => error,
    );
    try {
      const sample = await waitFor(async () => {
        const next = await readMetricsSample(db);
        return next.longest?.pid === sleeper.pid && next.longest.seconds > 0.2 && next;
      }, 'pg_sleep to be the longest query');
      expect(sample.longest).toMatchObject({ pid: sleeper.pid, query: 'select pg_sleep(5)', user: expect.any(String) });
      expect(sample.longest!.seconds).toBeLessThan(5);
      expect(sample.blocked).toEqual([]);
    } finally {
      await query(url, 'SELECT pg_cancel_backend($1)', [sleeper.pid]);
    }
    expect((await sleeping)?.code).toBe('57014');
    expect((await readMetricsSample(db)).longest).toBeNull();
  });

  it('cuts long query texts to 200 characters', async () => {
    const { url } = await newDatabase();
    const db = await pollingDatabase(url);
    const sleeper = await session(url);
    const text = `select pg_sleep(5) /* ${'x'.repeat(300)} */`;
    const sleeping = sleeper.client.query(text).catch(() => undefined);
    try {
      const sample = await waitFor(async () => {
        const next = await readMetricsSample(db);
        return next.longest?.pid === sleeper.pid && next;
      }, 'the long query to run');
      expect(sample.longest!.query).toBe(text.slice(0, 200));
    } finally {
      await query(url, 'SELECT pg_cancel_backend($1)', [sleeper.pid]);
      await sleeping;
    }
  });

  it('reads the size of the database, max_connections and the sessions by state, leaving itself out', async () => {
    const { url } = await newDatabase();
    const db = await pollingDatabase(url);
    await session(url);
    const [{ max_connections }] = (await query<{ max_connections: string }>(url, 'SHOW max_connections')) as [{ max_connections: string }];
    const sample = await waitFor(async () => {
      const next = await readMetricsSample(db);
      return next.connections.idle >= 1 && next;
    }, 'the idle session to show');
    expect(sample.maxConnections).toBe(Number(max_connections));
    expect(sample.databaseBytes).toBeGreaterThan(0);
    expect(Number.isInteger(sample.databaseBytes)).toBe(true);
    // The polling session is the only active one, and it does not count itself.
    expect(sample.connections.active).toBe(0);
    expect(sample.longest).toBeNull();
    expect(sample.connections.total).toBeGreaterThanOrEqual(sample.connections.idle);
    expect(sample.serverConnections).toBeGreaterThanOrEqual(sample.connections.total + 1);
    expect(sample.serverConnections).toBeLessThanOrEqual(sample.maxConnections);
    expect(sample.blksHit + sample.blksRead).toBeGreaterThan(0);
    expect(sample.takenAt).toBeGreaterThan(Date.now() - 60_000);
  });

  it('sends exactly one query per sample', async () => {
    const { url } = await newDatabase();
    const db = await pollingDatabase(url);
    const sent = vi.spyOn(db.client, 'query');
    await readMetricsSample(db);
    expect(sent).toHaveBeenCalledTimes(1);
    await readMetricsSample(db);
    await readMetricsSample(db);
    expect(sent).toHaveBeenCalledTimes(3);
    expect(sent.mock.calls.every(([text]) => text === METRICS_QUERY)).toBe(true);
  });
});

describe('openMetricsSource', () => {
  const pollingSessions = (url: string) =>
    query<{ pid: number }>(url, 'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1', [METRICS_APPLICATION_NAME]);

  async function openSource() {
    const { url } = await newDatabase();
    const project = await makeProject({ url });
    const source = await openMetricsSource(contextFor(project), 'dev');
    cleanups.push(() => source.close());
    return { url, source };
  }

  it("keeps one named connection to the environment's database and sends one query per sample", async () => {
    const { url, source } = await openSource();
    const [polling, ...others] = await pollingSessions(url);
    expect(others).toEqual([]);

    const sent = vi.spyOn(pg.Client.prototype, 'query');
    const samples: MetricsSample[] = [];
    for (let i = 0; i < 3; i += 1) samples.push(await source.sample());
    expect(sent).toHaveBeenCalledTimes(3);
    expect(sent.mock.calls.every(([text]) => text === METRICS_QUERY)).toBe(true);
    sent.mockRestore();

    expect(samples[2]!.takenAt).toBeGreaterThan(samples[0]!.takenAt);
    expect(samples.every((sample) => sample.databaseBytes > 0)).toBe(true);
    expect(await pollingSessions(url)).toEqual([polling]);

    await source.close();
    await waitFor(async () => (await pollingSessions(url)).length === 0, 'the polling session to end');
    await expect(source.sample()).rejects.toThrow(/closed/);
  });

  it('fails a sample whose connection was terminated, and reconnects for the next one', async () => {
    const { url, source } = await openSource();
    const [polling] = await pollingSessions(url);
    await query(url, 'SELECT pg_terminate_backend($1)', [polling!.pid]);
    await waitFor(async () => (await pollingSessions(url)).length === 0, 'the polling session to end');

    const failure = await source.sample().catch((error: unknown) => error);
    expect(isDataError(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/^cannot read metrics from environment dev: /);

    const sample = await source.sample();
    expect(sample.maxConnections).toBeGreaterThan(0);
    const [reconnected, ...others] = await pollingSessions(url);
    expect(others).toEqual([]);
    expect(reconnected!.pid).not.toBe(polling!.pid);
  });
});
