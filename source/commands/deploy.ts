import type { Command } from 'commander';
import { failedAt, failureAftermath } from '../domain/deployment.js';
import { usageError } from '../domain/errors.js';
import { announceAchievements } from './achievements.js';
import { deploymentJson } from './output.js';
import { execute } from './run.js';

interface DeployFlags {
  yes?: boolean;
  allowDrift?: boolean;
  override: string[];
  justification?: string;
  rikerMode?: boolean;
  iUnderstand?: string;
}

export function registerDeploy(program: Command) {
  program
    .command('deploy <env>')
    .description('apply the pending migrations in one transaction, record the deployment, tag the commit')
    .option('--yes', 'no prompt: confirms a protected environment')
    .option('--allow-drift', 'deploy although applied migrations changed on disk')
    .option('--override <rule>', 'set aside a safety rule that refused (repeatable; needs --justification)', (rule: string, all: string[]) => [...all, rule], [] as string[])
    .option('--justification <text>', 'why the overrides are right (at least 20 characters; kept in the deployment row and the audit log)')
    .option('--riker-mode', 'bypass every rule and warning that can be overridden; asks for the sentence of responsibility')
    .option('--i-understand <sentence>', `Riker mode without a terminal: "I understand the consequences and take full responsibility"`)
    .option('--json', 'print {"deployment":{...}} on stdout')
    .action((env: string, options: DeployFlags, command: Command) =>
      execute(command, async (context, output) => {
        if (options.override.length > 0 && options.justification === undefined) {
          throw usageError(`--override ${options.override.join(', ')} needs --justification "<why, in at least 20 characters>"`);
        }
        if (options.justification !== undefined && options.override.length === 0) throw usageError('--justification goes with --override <rule>');
        if (options.iUnderstand !== undefined && !options.rikerMode) throw usageError('--i-understand goes with --riker-mode');
        const { deploy } = await import('../engine/deploy.js');
        const { deployment } = await deploy(context, env, {
          yes: options.yes,
          allowDrift: options.allowDrift,
          overrides: options.override.map((rule) => ({ rule, justification: options.justification! })),
          riker: options.rikerMode,
          iUnderstand: options.iUnderstand,
        });
        if (output.json) output.printJson({ deployment: deployment && deploymentJson(deployment) });
        if (!deployment) {
          output.line(`${env}: nothing to deploy, every migration is applied`);
          output.say('nothing_to_deploy', { env }, env);
          return 0;
        }
        if (deployment.status !== 'succeeded') {
          const error = deployment.error;
          output.line(
            `data: deployment #${deployment.id} to ${env} failed${error?.migration ? ` in ${error.migration}${failedAt(error)}` : ''}: ${error?.message ?? 'unknown error'}` +
              (error?.detail ? `\n  detail: ${error.detail}` : '') +
              (error?.hint ? `\n  hint: ${error.hint}` : '') +
              `\n  ${failureAftermath(deployment)}` +
              `\n  the failure is recorded (data history ${env})`,
          );
          return 1;
        }
        await announceAchievements(context, output);
        return 0;
      }, { interruptible: true }),
    );
}
