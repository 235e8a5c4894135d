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
export interface ExecuteOptions {
  /**
   * Deploy and rollback: the first Ctrl-C (or SIGTERM) cancels the running
   * statement, so the transaction rolls back and the deployment is recorded
   * as failed; the command then exits 130 (143). A second one quits at once.
   */
  interruptible?: boolean;
}

export async function execute(
  command: Command,
  action: (context: EngineContext, output: Output, options: GlobalOptions & Record<string, unknown>) => Promise<number | void>,
  executeOptions: ExecuteOptions = {},
): Promise<void> {
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
  const interrupt = executeOptions.interruptible ? onInterrupt(output) : null;
  if (interrupt) context.signal = interrupt.signal;
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
  } finally {
    // Interrupted and it did not finish: the shell's code for the signal.
    if (interrupt?.signal.aborted && process.exitCode !== ExitCode.ok) process.exitCode = interrupt.exitCode();
    interrupt?.dispose();
  }
}

const REPEAT_MS = 1000;

function onInterrupt(output: Output) {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  let receivedAt = 0;
  const exitCode = () => (received === 'SIGTERM' ? 143 : 130);
  const handler = (signal: NodeJS.Signals) => {
    // A repeat within a second is not the operator's second press: when-exit (conf's
    // atomic writes) re-raises the signal it saw, and `timeout` sends it twice.
    if (received) {
      if (Date.now() - receivedAt >= REPEAT_MS) process.exit(exitCode());
      return;
    }
    received = signal;
    receivedAt = Date.now();
    output.line(`data: ${signal === 'SIGINT' ? 'Ctrl-C' : signal}: cancelling the running statement; its transaction rolls back (${signal === 'SIGINT' ? 'Ctrl-C' : 'send it'} again to quit at once)`);
    controller.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    exitCode,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export function positiveInteger(name: string) {
  return (value: string) => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < 1) throw new InvalidArgumentError(`${name} must be a whole number of at least 1, not "${value}"`);
    return number;
  };
}
