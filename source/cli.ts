#!/usr/bin/env node
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { registerAchievements } from './commands/achievements.js';
import { registerApprove } from './commands/approve.js';
import { registerAudit } from './commands/audit.js';
import { registerConfig } from './commands/config.js';
import { canOpenDashboard, registerDashboard } from './commands/dashboard.js';
import { registerDemo } from './commands/demo.js';
import { registerDeploy } from './commands/deploy.js';
import { registerHistory } from './commands/history.js';
import { registerInit } from './commands/init.js';
import { registerLint } from './commands/lint.js';
import { registerLocal } from './commands/local.js';
import { registerPlan } from './commands/plan.js';
import { registerRollback } from './commands/rollback.js';
import { registerSetup } from './commands/setup.js';
import { registerStatus } from './commands/status.js';
import { ExitCode, usageError } from './domain/errors.js';
import { errorJson } from './commands/output.js';
import { isPersonaName, PERSONAS, PLAIN } from './domain/personas.js';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The flags `data` alone accepts; anything else names a command. */
function isBare(args: string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--config' || args[i] === '--url' || args[i] === '--poll' || args[i] === '--persona') i++;
    else if (args[i] !== '--read-only' && !/^--(config|url|poll|persona)=/.test(args[i]!)) return false;
  }
  return true;
}

/** Cheap: the dashboard's own loading reports a bad config properly. */
function insideProject(args: string[]): boolean {
  if (args.some((arg) => arg === '--config' || arg.startsWith('--config='))) return true;
  for (let dir = resolve(process.cwd()); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'data.config.yaml'))) return true;
    if (dirname(dir) === dir) return false;
  }
}

function personaFlag(value: string): string {
  if (value !== PLAIN && !isPersonaName(value)) throw new InvalidArgumentError(`choose one of ${[...PERSONAS, PLAIN].join(', ')}, not "${value}"`);
  return value;
}

const program = new Command('data')
  .description('Boring, safe and fast PostgreSQL schema deployments from git.')
  .version(version)
  .option('--config <path>', 'data.config.yaml to use (default: the nearest one above the current folder)')
  .option('--url <url>', 'connect here instead of the environment\'s own settings (also DATABASE_URL)')
  .option('--persona <name>', `who speaks: ${[...PERSONAS, PLAIN].join(', ')} (none: plain text); wins over your setting, the project's persona:, NO_COLOR and non-terminal output`, personaFlag)
  .showHelpAfterError('(run `data --help` for the commands)')
  .exitOverride();

registerInit(program);
registerStatus(program);
registerPlan(program);
registerDeploy(program);
registerRollback(program);
registerHistory(program);
registerLint(program);
registerApprove(program);
registerAudit(program);
registerLocal(program);
registerDemo(program);
registerDashboard(program);
registerSetup(program);
registerConfig(program);
registerAchievements(program);
const overrideExits = (command: Command): void => {
  command.exitOverride();
  command.commands.forEach(overrideExits);
};
overrideExits(program);

try {
  // `data` alone: the dashboard in a terminal inside a project, else the help.
  const args = process.argv.slice(2);
  const bare = isBare(args);
  if (bare && !(canOpenDashboard() && insideProject(args))) program.help();
  await program.parseAsync(bare ? [...process.argv.slice(0, 2), 'dashboard', ...args] : process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help and version exit 0; every other parse error is bad usage.
    process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    // Commander has said it on stderr; with --json, stdout still holds the one JSON document.
    if (error.exitCode !== 0 && process.argv.slice(2).includes('--json')) {
      process.stdout.write(errorJson(usageError(error.message.replace(/^error: /, ''), { fix: 'run `data <command> --help` for its arguments and options' })));
    }
  } else {
    throw error;
  }
}
