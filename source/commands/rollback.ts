import type { Command } from 'commander';
import { failedAt, failureAftermath } from '../domain/deployment.js';
import { announceAchievements } from './achievements.js';
import { deploymentJson } from './output.js';
import { execute, positiveInteger } from './run.js';

export function registerRollback(program: Command) {
  program
    .command('rollback <env>')
    .description('undo the last deployment (or --steps N, or --to <deployment-id|tag>) with its down files')
    .option('--steps <n>', 'undo the last N deployments', positiveInteger('--steps'))
    .option('--to <deployment>', 'undo every deployment after this one (id or git tag)')
    .option('--yes', 'no prompt: confirms a protected environment')
    .option('--json', 'print {"deployment":{...}} on stdout')
    .action((env: string, options: { steps?: number; to?: string; yes?: boolean }, command: Command) =>
      execute(command, async (context, output) => {
        const { rollback } = await import('../engine/rollback.js');
        const deployment = await rollback(context, env, options);
        if (output.json) output.printJson({ deployment: deploymentJson(deployment) });
        if (deployment.status !== 'succeeded') {
          const error = deployment.error;
          output.line(
            `data: rollback #${deployment.id} of ${env} failed${error?.migration ? ` in ${error.migration}${failedAt(error)}` : ''}: ${error?.message ?? 'unknown error'}` +
              `\n  ${failureAftermath(deployment)}` +
              `\n  the failure is recorded (data history ${env})`,
          );
          return 1;
        }
        output.line(`${env}: reverted ${deployment.migrations.length} migration(s) of deployment(s) ${deployment.reverts.map((id) => `#${id}`).join(', ')}`);
        await announceAchievements(context, output);
        return 0;
      }, { interruptible: true }),
    );
}
