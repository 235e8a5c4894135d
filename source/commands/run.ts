import { InvalidArgumentError, type Command } from 'commander';
import { terminalInteraction } from '../adapters/terminal-prompt.js';
import { ExitCode, isDataError, operationError } from '../domain/errors.js';
import { nonInteractive, type EngineContext } from '../engine/context.js';
import { createOutput, type Output } from './output.js';

export interface GlobalOptions {
  config?: string;
  url?: string;
  json?: boolean;
  yes?: boolean;
}

/**
 * Runs a command's action with its context and output, and turns what it
 * returns or throws into an exit code: a DataError prints its one-paragraph
 * message; anything else is a bug, printed without a stack unless DATA_DEBUG.
 */
export async function execute(command: Command, action: (context: EngineContext, output: Output, options: GlobalOptions & Record<string, unknown>) => Promise<number | void>): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  const json = Boolean(options.json);
  const output = createOutput({ json, stdout: process.stdout, stderr: process.stderr });
  const interactive = !json && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY) && !process.env.CI;
  const context: EngineContext = {
    cwd: process.cwd(),
    configPath: options.config,
    urlOverride: options.url ?? (process.env.DATABASE_URL || undefined),
    vars: process.env,
    clock: () => new Date(),
    report: output.reporter,
    interaction: interactive ? terminalInteraction(process.stdin, process.stderr) : nonInteractive,
  };
  try {
    process.exitCode = (await action(context, output, options)) ?? ExitCode.ok;
  } catch (error) {
    if (isDataError(error)) {
      output.error(error);
      process.exitCode = error.exitCode;
      return;
    }
    if (process.env.DATA_DEBUG) console.error(error);
    output.error(operationError(`unexpected error: ${(error as Error)?.message ?? String(error)}`, {
      fix: 'run again with DATA_DEBUG=1 for the stack trace, and report it with that output',
    }));
    process.exitCode = ExitCode.failed;
  }
}

export function positiveInteger(name: string) {
  return (value: string) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1, not "${value}"`);
    return number;
  };
}
