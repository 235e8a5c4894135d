import { InvalidArgumentError, type Command } from 'commander';
import { terminalInteraction } from '../adapters/terminal-prompt.js';
import { ExitCode, formatError, isDataError, operationError } from '../domain/errors.js';
import { personaStressMessages, type PersonaCatalogue } from '../domain/personas.js';
import { nonInteractive, type EngineContext } from '../engine/context.js';
import { createOutput, type Output } from './output.js';
import { terminalConnectionSetup } from './setup.js';
import { inCI } from './in-ci.js';
import { selectPersona } from './persona.js';

export interface GlobalOptions {
  config?: string;
  url?: string;
  json?: boolean;
  yes?: boolean;
  /** `--persona <name|none>`. */
  persona?: string;
}

/**
 * Runs a command's action with its context and output, and turns what it
 * returns or throws into an exit code: a DataError prints its one-paragraph
 * message; anything else is a bug, printed without a stack unless DATA_DEBUG.
 */
export async function execute(command: Command, action: (context: EngineContext, output: Output, options: GlobalOptions & Record<string, unknown>) => Promise<number | void>): Promise<void> {
  const options = command.optsWithGlobals<GlobalOptions & Record<string, unknown>>();
  const json = Boolean(options.json);
  let persona: PersonaCatalogue | null = null;
  let personaNote: string | null = null;
  try {
    ({ persona } = await selectPersona({ flag: options.persona, json, cwd: process.cwd(), configPath: options.config, env: process.env, stderrIsTTY: Boolean(process.stderr.isTTY) }));
  } catch (error) {
    // A persona is never worth failing a command over: say why, and speak plainly.
    personaNote = `data: note: no persona for this run: ${isDataError(error) ? formatError(error) : (error as Error)?.message}`;
  }
  const output = createOutput({ json, stdout: process.stdout, stderr: process.stderr, persona });
  if (personaNote) output.line(personaNote);
  const interactive = !json && Boolean(process.stdin.isTTY) && Boolean(process.stderr.isTTY) && !inCI(process.env);
  const context: EngineContext = {
    cwd: process.cwd(),
    configPath: options.config,
    urlOverride: options.url ?? (process.env.DATABASE_URL || undefined),
    vars: process.env,
    clock: () => new Date(),
    report: output.reporter,
    interaction: interactive ? { ...terminalInteraction(process.stdin, process.stderr), setUpConnection: terminalConnectionSetup(process.env) } : nonInteractive,
    ...(output.persona ? { stressMessages: personaStressMessages(output.persona), persona: output.persona.name } : {}),
  };
  try {
    process.exitCode = (await action(context, output, options)) ?? ExitCode.ok;
  } catch (error) {
    if (isDataError(error)) {
      output.error(error);
      if (error.exitCode === ExitCode.refused) output.say('refused', {}, error.message);
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
