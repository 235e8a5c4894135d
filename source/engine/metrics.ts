import { readMetricsSample } from '../adapters/metrics.js';
import type { Database } from '../adapters/postgres.js';
import { isDataError, operationError } from '../domain/errors.js';
import type { MetricsSample } from '../domain/metrics.js';
import type { EngineContext } from './context.js';
import { loadProject } from './project.js';
import { connect, resolveTarget, type Target } from './target.js';

/** How the polling session shows up in pg_stat_activity. */
export const METRICS_APPLICATION_NAME = 'data dashboard metrics';

/** A sample slower than this is cancelled rather than piling up behind the next poll. */
const SAMPLE_TIMEOUT = '5s';

export interface MetricsSource {
  /** One query on the source's connection (after a failed sample, a new connection first). */
  sample(): Promise<MetricsSample>;
  close(): Promise<void>;
}

async function openPollingConnection(target: Target): Promise<Database> {
  const db = await connect(target);
  try {
    await db.query(`SELECT set_config('application_name', $1, false), set_config('statement_timeout', $2, false), set_config('lock_timeout', $2, false)`, [
      METRICS_APPLICATION_NAME,
      SAMPLE_TIMEOUT,
    ]);
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/**
 * The Performance pane's source: one connection to the environment's
 * database, kept open for polling. Read-only. A sample that fails drops its
 * connection, so the next one reconnects after a server restart or a
 * terminated backend.
 */
export async function openMetricsSource(context: EngineContext, environment: string): Promise<MetricsSource> {
  const project = await loadProject(context);
  const target = await resolveTarget(project, environment, context);
  let connection: Promise<Database> | null = Promise.resolve(await openPollingConnection(target));
  let closed = false;
  return {
    sample: async () => {
      if (closed) throw new Error(`the metrics source of environment ${environment} is closed`);
      const current: Promise<Database> = (connection ??= openPollingConnection(target));
      try {
        return await readMetricsSample(await current);
      } catch (error) {
        if (connection === current) connection = null;
        await current.then((db) => db.close(), () => undefined);
        if (isDataError(error)) throw error;
        throw operationError(`cannot read metrics from environment ${environment}: ${(error as Error).message}`, {
          where: `environment ${environment}`,
          fix: 'check that the server is up and reachable; the next sample reconnects',
          cause: error,
        });
      }
    },
    close: async () => {
      closed = true;
      const current = connection;
      connection = null;
      await current?.then((db) => db.close(), () => undefined);
    },
  };
}
