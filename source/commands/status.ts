import type { Command } from 'commander';
import { formatError } from '../domain/errors.js';
import type { EnvironmentStatus } from '../engine/status.js';
import { deploymentJson, deploymentSummary, table } from './output.js';
import { execute } from './run.js';

export function renderStatus(statuses: EnvironmentStatus[], now: Date): string {
  const rows = [['ENVIRONMENT', 'REACHABLE', 'APPLIED', 'PENDING', 'DRIFT', 'LAST DEPLOYMENT']];
  for (const status of statuses) {
    const known = (value: number) => (status.reachable ? String(value) : '-');
    rows.push([
      `${status.name}${status.protected ? ' (protected)' : ''}`,
      status.reachable ? 'yes' : 'no',
      known(status.applied.length),
      known(status.pending.length),
      known(status.drift.length),
      status.lastDeployment ? deploymentSummary(status.lastDeployment, now) : status.reachable ? 'never' : '-',
    ]);
  }
  const notes: string[] = [];
  for (const status of statuses) {
    if (status.error) notes.push(`${status.name}: ${formatError(status.error)}`);
    for (const drift of status.drift) notes.push(`${status.name}: drift in ${drift.version}: ${drift.reason}`);
    if (status.lastDeployment?.interrupted) {
      notes.push(`${status.name}: ${status.lastDeployment.kind} #${status.lastDeployment.id} was interrupted (its process ended mid-run); PostgreSQL rolled back its open transaction (what its no-transaction files committed before stays), and the next deploy or rollback marks it failed`);
    }
  }
  return [table(rows), ...notes.map((note) => `\n${note}`)].join('\n');
}

export function statusJson(statuses: EnvironmentStatus[]) {
  return {
    environments: statuses.map((status) => ({
      name: status.name,
      reachable: status.reachable,
      ...(status.error ? { error: formatError(status.error) } : {}),
      protected: status.protected,
      applied: status.applied,
      pending: status.pending,
      drift: status.drift,
      lastDeployment: status.lastDeployment && deploymentJson(status.lastDeployment),
    })),
  };
}

export function registerStatus(program: Command) {
  program
    .command('status [env]')
    .description('per environment: reachable, applied, pending, drift, last deployment')
    .option('--json', 'print {"environments":[...]} on stdout')
    .action((env: string | undefined, _options, command: Command) =>
      execute(command, async (context, output) => {
        const { readStatus } = await import('../engine/status.js');
        const statuses = await readStatus(context, env);
        if (output.json) output.printJson(statusJson(statuses));
        else output.print(renderStatus(statuses, context.clock()));
        for (const status of statuses) if (status.drift.length > 0) output.say('drift.found', { env: status.name, count: status.drift.length }, status.name);
        return statuses.every((status) => status.reachable) ? 0 : 1;
      }),
    );
}
