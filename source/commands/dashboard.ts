import type { Command } from 'commander';
import { usageError } from '../domain/errors.js';
import type { EngineContext } from '../engine/context.js';
import { execute } from './run.js';

/** The dashboard needs a terminal on both ends. */
export const canOpenDashboard = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

export async function openDashboard(context: EngineContext, options: { readOnly?: boolean; environment?: string }): Promise<void> {
  if (!canOpenDashboard()) {
    throw usageError('the dashboard needs a terminal (stdin and stdout are not a TTY)', { fix: 'run it in a terminal, or use `data status`, `data history <env>` and the other commands in scripts' });
  }
  const { runDashboard } = await import('../ui/run-dashboard.js');
  await runDashboard({ context, readOnly: options.readOnly, environment: options.environment });
}

export function registerDashboard(program: Command) {
  program
    .command('dashboard [env]')
    .description('full-screen dashboard: environments, history, diff timeline, performance; deploy and roll back by keyboard (also `data` alone)')
    .option('--read-only', 'remove every dangerous action (deploy, rollback)')
    .action((env: string | undefined, options: { readOnly?: boolean }, command: Command) =>
      execute(command, async (context) => {
        const { loadProject } = await import('../engine/project.js');
        const project = await loadProject(context);
        if (env !== undefined && !project.config.environments.has(env)) {
          throw usageError(`no environment "${env}" in ${project.configFile}`, { fix: `use one of: ${project.config.environmentNames.join(', ')}` });
        }
        await openDashboard({ ...context, report: () => {} }, { readOnly: options.readOnly, environment: env });
      }),
    );
}
