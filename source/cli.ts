#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerDemo } from './commands/demo.js';
import { registerDeploy } from './commands/deploy.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerLocal } from './commands/local.js';
import { registerPlan } from './commands/plan.js';
import { registerRollback } from './commands/rollback.js';
import { registerStatus } from './commands/status.js';
import { ExitCode } from './domain/errors.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('data')
  .description('Boring, safe and fast PostgreSQL schema deployments from git.')
  .version(version)
  .option('--config <path>', 'data.config.yaml to use (default: the nearest one above the current folder)')
  .option('--url <url>', 'connect here instead of the environment\'s own settings (also DATABASE_URL)')
  .showHelpAfterError('(run `data --help` for the commands)')
  .exitOverride();

registerInit(program);
registerStatus(program);
registerPlan(program);
registerDeploy(program);
registerRollback(program);
registerHistory(program);
registerAudit(program);
registerLocal(program);
registerDemo(program);
const overrideExits = (command: Command): void => {
  command.exitOverride();
  command.commands.forEach(overrideExits);
};
overrideExits(program);

try {
  if (process.argv.length <= 2) program.help();
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other parse error is bad usage.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  } else {
    throw error;
  }
}
