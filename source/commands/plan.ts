import type { Command } from 'commander';
import { table } from './output.js';
import { execute } from './run.js';

export function registerPlan(program: Command) {
  program
    .command('plan <env>')
    .description('what deploy would do: the pending migrations, in order, with their statements counted')
    .option('--json', 'print the plan as JSON')
    .action((env: string, _options, command: Command) =>
      execute(command, async (context, output) => {
        const { planDeployment, planJson } = await import('../engine/plan.js');
        const plan = await planDeployment(context, env);
        const json = planJson(plan);
        if (output.json) return output.printJson(json);
        if (json.pending.length === 0) output.print(`${env}: nothing to deploy (${json.applied.length} applied)`);
        else {
          output.print(`${env}: ${json.pending.length} pending migration(s), ${json.applied.length} applied\n`);
          output.print(table([
            ['VERSION', 'NAME', 'STATEMENTS', 'TRANSACTION', 'DOWN FILE'],
            ...json.pending.map((m) => [m.version, m.name, String(m.statements), m.noTransaction ? 'no (runs alone)' : 'yes', m.reversible ? 'yes' : 'no']),
          ]));
        }
        for (const drift of plan.drift) output.print(`drift in ${drift.version}: ${drift.reason}`);
      }),
    );
}
