import { readAppliedMigrations, readDeployments } from '../adapters/postgres.js';
import type { Deployment } from '../domain/deployment.js';
import { requireEnvironment } from '../domain/config.js';
import { isDataError, type DataError } from '../domain/errors.js';
import type { Migration } from '../domain/migrations.js';
import { compareMigrations, type Drift } from '../domain/plan.js';
import type { EngineContext } from './context.js';
import { loadMigrations, loadProject, type Project } from './project.js';
import { connect, resolveTarget } from './target.js';

export interface EnvironmentStatus {
  name: string;
  reachable: boolean;
  /** Why it is not reachable. */
  error: DataError | null;
  protected: boolean;
  embedded: boolean;
  applied: string[];
  pending: string[];
  drift: Drift[];
  lastDeployment: Deployment | null;
}

async function statusOf(project: Project, migrations: Migration[], name: string, context: EngineContext): Promise<EnvironmentStatus> {
  const environment = project.config.environments.get(name)!;
  const flag = (key: 'protected' | 'embedded') => environment.keys[key]?.value === true;
  const base = { name, protected: flag('protected'), embedded: flag('embedded') };
  const target = await resolveTarget(project, name, context);
  const db = await connect(target);
  try {
    const state = compareMigrations(migrations, await readAppliedMigrations(db));
    const [lastDeployment] = await readDeployments(db, name, { limit: 1 });
    return {
      ...base,
      protected: target.environment.protected,
      embedded: target.environment.embedded,
      reachable: true,
      error: null,
      applied: state.applied.map((row) => row.version),
      pending: state.pending.map((migration) => migration.version),
      drift: state.drift,
      lastDeployment: lastDeployment ?? null,
    };
  } finally {
    await db.close();
  }
}

/**
 * `data status [env]`: per environment, reachable, applied, pending, drift
 * and the last deployment. Read-only. With no env, an environment that
 * cannot be reached is reported in its row instead of failing the command.
 */
export async function readStatus(context: EngineContext, only?: string): Promise<EnvironmentStatus[]> {
  const project = await loadProject(context);
  const migrations = await loadMigrations(project);
  if (only) {
    requireEnvironment(project.config, only);
    return [await statusOf(project, migrations, only, context)];
  }
  return Promise.all(
    project.config.environmentNames.map(async (name) => {
      try {
        return await statusOf(project, migrations, name, context);
      } catch (error) {
        if (!isDataError(error)) throw error;
        const environment = project.config.environments.get(name)!;
        return {
          name,
          reachable: false,
          error,
          protected: environment.keys.protected?.value === true,
          embedded: environment.keys.embedded?.value === true,
          applied: [],
          pending: [],
          drift: [],
          lastDeployment: null,
        };
      }
    }),
  );
}
