import type { Command } from 'commander';
import { durationMs, type Deployment } from '../domain/deployment.js';
import { formatDuration } from '../domain/duration.js';
import { failedAt } from '../domain/deployment.js';
import { deploymentJson, table } from './output.js';
import { execute, positiveInteger } from './run.js';

export function renderHistory(deployments: Deployment[]): string {
  if (deployments.length === 0) return 'no deployments yet';
  const rows = [
    ['ID', 'KIND', 'STATUS', 'MIGRATIONS', 'STARTED (UTC)', 'DURATION', 'OPERATOR', 'TAG'],
    ...deployments.map((d) => {
      const took = durationMs(d);
      return [
        `#${d.id}`,
        d.kind,
        d.interrupted ? 'interrupted' : d.status,
        String(d.migrations.length),
        d.startedAt.toISOString().replace('T', ' ').slice(0, 19),
        took === null ? '-' : formatDuration(took),
        d.operator,
        d.gitTag ?? '-',
      ];
    }),
  ];
  const errors = deployments
    .filter((d) => d.error)
    .map((d) => `#${d.id} ${d.error!.migration ? `${d.error!.migration}${failedAt(d.error!)}: ` : ''}${d.error!.message}`);
  return [table(rows), ...(errors.length ? ['', ...errors] : [])].join('\n');
}

export function registerHistory(program: Command) {
  program
    .command('history <env>')
    .description('deployments of an environment, newest first')
    .option('--limit <n>', 'show at most N deployments', positiveInteger('--limit'))
    .option('--json', 'print {"deployments":[...]} on stdout')
    .action((env: string, options: { limit?: number }, command: Command) =>
      execute(command, async (context, output) => {
        const { readHistory } = await import('../engine/history.js');
        const deployments = await readHistory(context, env, options.limit);
        if (output.json) output.printJson({ deployments: deployments.map(deploymentJson) });
        else output.print(`${env}:\n${renderHistory(deployments)}`);
      }),
    );
}
