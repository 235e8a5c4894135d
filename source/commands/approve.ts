import type { Command } from 'commander';
import { execute } from './run.js';

export function registerApprove(program: Command) {
  program
    .command('approve <env>')
    .description('approve the exact pending plan of an environment as the current git user (for require_approvals)')
    .option('--json', 'print the approval as JSON')
    .action((env: string, _options, command: Command) =>
      execute(command, async (context, output) => {
        const { approvePlan } = await import('../engine/approve.js');
        const result = await approvePlan(context, env);
        if (output.json) return output.printJson({ approval: result });
        output.print(
          `${result.recorded ? 'approved' : 'already approved'} by ${result.approver}: ${result.migrations.length} migration(s) to ${env} (${result.migrations.join(', ')}), plan ${result.planHash.slice(0, 12)}\n` +
            `approvals of this exact plan: ${result.approvers.length} (${result.approvers.join(', ')}); any change to the migrations or to ${env} voids them`,
        );
      }),
    );
}
