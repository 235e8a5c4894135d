import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../domain/duration.js';
import { usageError } from '../domain/errors.js';
import type { PersonaCatalogue } from '../domain/personas.js';
import type { EngineContext } from '../engine/context.js';
import { loadUi } from './load-ui.js';
import { execute } from './run.js';

/** The dashboard needs a terminal on both ends. */
export const canOpenDashboard = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

export interface DashboardFlags {
  readOnly?: boolean;
  environment?: string;
  pollMs?: number;
  /** Whose words the footer speaks and whose colours it wears; null: plain text, default colours. */
  persona?: PersonaCatalogue | null;
}

export async function openDashboard(context: EngineContext, options: DashboardFlags): Promise<void> {
  if (!canOpenDashboard()) {
    throw usageError('the dashboard needs a terminal (stdin and stdout are not a TTY)', { fix: 'run it in a terminal, or use `data status`, `data history <env>` and the other commands in scripts' });
  }
  // Ink draws only the last frame when it thinks it runs in CI; a person at this terminal asked for the live view.
  for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[name] !== undefined) process.env[name] = 'false';
  const { runDashboard } = await loadUi(() => import('../ui/run-dashboard.js'));
  await runDashboard({ context, ...options });
}

function pollInterval(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 200) throw new InvalidArgumentError(`--poll must be a duration of at least 200ms (500ms, 2s, 1m), not "${value}"`);
  return ms;
}

export function registerDashboard(program: Command) {
  program
    .command('dashboard [env]')
    .description('full-screen dashboard: environments, history, diff timeline, performance; deploy and roll back by keyboard (also `data` alone)')
    .option('--read-only', 'remove every dangerous action (deploy, rollback)')
    .option('--poll <duration>', 'how often the performance pane samples the server (500ms, 2s, 1m)', pollInterval, 2000)
    .action((env: string | undefined, options: { readOnly?: boolean; poll: number }, command: Command) =>
      execute(command, async (context, output) => {
        const { loadProject } = await import('../engine/project.js');
        const project = await loadProject(context);
        if (env !== undefined && !project.config.environments.has(env)) {
          throw usageError(`no environment "${env}" in ${project.configFile}`, { fix: `use one of: ${project.config.environmentNames.join(', ')}` });
        }
        await openDashboard({ ...context, report: () => {} }, { readOnly: options.readOnly, environment: env, pollMs: options.poll, persona: output.persona });
        output.say('farewell', { project: project.config.project }, project.config.project);
      }),
    );
}
