import type { Command } from 'commander';
import { failedAt } from '../domain/deployment.js';
import { deploymentJson } from './output.js';
import { execute } from './run.js';

export function registerDeploy(program: Command) {
  program
    .command('deploy <env>')
    .description('apply the pending migrations in one transaction, record the deployment, tag the commit')
    .option('--yes', 'no prompt: confirms a protected environment')
    .option('--allow-drift', 'deploy although applied migrations changed on disk')
    .option('--json', 'print {"deployment":{...}} on stdout')
    .action((env: string, options: { yes?: boolean; allowDrift?: boolean }, command: Command) =>
      execute(command, async (context, output) => {
        const { deploy } = await import('../engine/deploy.js');
        const { deployment } = await deploy(context, env, { yes: options.yes, allowDrift: options.allowDrift });
        if (output.json) output.printJson({ deployment: deployment && deploymentJson(deployment) });
        if (!deployment) {
          output.line(`${env}: nothing to deploy, every migration is applied`);
          return 0;
        }
        if (deployment.status !== 'succeeded') {
          const error = deployment.error;
          output.line(
            `data: deployment #${deployment.id} to ${env} failed${error?.migration ? ` in ${error.migration}${failedAt(error)}` : ''}: ${error?.message ?? 'unknown error'}` +
              (error?.detail ? `\n  detail: ${error.detail}` : '') +
              (error?.hint ? `\n  hint: ${error.hint}` : '') +
              `\n  nothing of the transactional batch was applied; the failure is recorded (data history ${env})`,
          );
          return 1;
        }
        return 0;
      }),
    );
}
