import { readDeployments } from '../adapters/postgres.js';
import { loadSqlParser } from '../adapters/sql-parser.js';
import type { Deployment } from '../domain/deployment.js';
import { usageError } from '../domain/errors.js';
import { splitStatements } from '../domain/statements.js';
import type { EngineContext } from './context.js';
import { loadMigrations, loadProject } from './project.js';
import { connect, resolveTarget } from './target.js';

export interface MigrationDetails {
  version: string;
  name: string;
  /** The file as it is in this checkout (up for a deploy, down for a rollback); null when it is not here. */
  file: string | null;
  statements: string[];
}

export interface DeploymentDetails {
  deployment: Deployment;
  migrations: MigrationDetails[];
}

/** One deployment with its migrations and their statements, read from the files in this checkout. */
export async function readDeploymentDetails(context: EngineContext, environment: string, id: number): Promise<DeploymentDetails> {
  await loadSqlParser();
  const project = await loadProject(context);
  const migrations = new Map((await loadMigrations(project)).map((migration) => [migration.version, migration]));
  const db = await connect(await resolveTarget(project, environment, context));
  try {
    const [deployment] = await readDeployments(db, environment, { ids: [id] });
    if (!deployment) throw usageError(`deployment #${id} is not a deployment of ${environment}`);
    return {
      deployment,
      migrations: deployment.migrations.map((version) => {
        const migration = migrations.get(version);
        const script = deployment.kind === 'rollback' ? migration?.down : migration?.up;
        let statements: string[] = [];
        try {
          statements = script ? splitStatements(script.sql).map((statement) => statement.text) : [];
        } catch {
          statements = script ? [script.sql] : [];
        }
        return { version, name: migration?.name ?? '(file not in this checkout)', file: script?.file ?? null, statements };
      }),
    };
  } finally {
    await db.close();
  }
}
