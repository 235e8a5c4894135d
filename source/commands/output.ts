import { deploymentRecord, type Deployment } from '../domain/deployment.js';
import { age, formatDuration } from '../domain/duration.js';
import { formatError, type DataError } from '../domain/errors.js';
import { personaMessage, type MessageKey, type MessageVars, type PersonaCatalogue } from '../domain/personas.js';
import type { EngineEvent, Reporter } from '../engine/context.js';
import { personaLine, spoken } from '../engine/event-persona.js';
import { describeEvent } from '../engine/event-text.js';
import { inCI } from './in-ci.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Where a command writes: results on stdout, messages and progress on stderr. */
export interface Output {
  json: boolean;
  /** A message line on stderr. */
  line(message: string): void;
  /** The one JSON document of a --json run, on stdout. */
  printJson(value: unknown): void;
  /** Human result text on stdout (not in --json runs). */
  print(text: string): void;
  error(error: DataError): void;
  reporter: Reporter;
  /** The persona that speaks; null in plain mode (always in --json runs). */
  persona: PersonaCatalogue | null;
  /**
   * The persona's line for a key on stderr, after the factual line it
   * accompanies; nothing in plain mode. `seed` is the event's identity.
   */
  say<K extends MessageKey>(key: K, vars: MessageVars<K>, seed: string, persona?: PersonaCatalogue): void;
}

/** The one JSON document of a failed --json run: `{"error":{...}}`, with its newline. */
export const errorJson = (error: DataError): string =>
  `${JSON.stringify({ error: { message: error.message, where: error.where ?? null, fix: error.fix ?? null, exitCode: error.exitCode } }, null, 2)}\n`;

export function createOutput(options: { json: boolean; stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream; persona?: PersonaCatalogue | null }): Output {
  const { stdout, stderr, json } = options;
  // Persona words never go near a --json run's output.
  const persona = json ? null : (options.persona ?? null);
  const tty = Boolean(stderr.isTTY) && !inCI(process.env);
  const started = Date.now();
  let spinner: { timer: NodeJS.Timeout; text: string; frame: number } | null = null;

  const stopSpinner = () => {
    if (!spinner) return;
    clearInterval(spinner.timer);
    stderr.write('\r\x1b[K');
    spinner = null;
  };
  const line = (message: string) => {
    stopSpinner();
    stderr.write(`${message}\n`);
  };
  const stamp = () => `[${formatDuration(Date.now() - started).padStart(6)}]`;
  const spin = (text: string) => {
    if (!tty) return;
    stopSpinner();
    const state = { text, frame: 0, timer: setInterval(() => {
      state.frame = (state.frame + 1) % SPINNER.length;
      stderr.write(`\r\x1b[K${SPINNER[state.frame]} ${state.text}`);
    }, 80) };
    state.timer.unref();
    spinner = state;
    stderr.write(`${SPINNER[0]} ${text}`);
  };

  const reporter = (event: EngineEvent) => {
    const text = describeEvent(event);
    if (event.type === 'migration.started') return spin(text);
    line(`${stamp()} ${text}`);
    const voiced = persona && personaLine(persona, event);
    if (voiced) line(`${stamp()} ${spoken(persona, voiced)}`);
    if (event.type === 'lock.waiting') spin(`waiting for the lock on ${event.environment}`);
  };

  return {
    json,
    line,
    printJson: (value) => {
      stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    print: (text) => {
      if (!json) stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    error: (error) => {
      stopSpinner();
      if (json) stdout.write(errorJson(error));
      stderr.write(`data: ${formatError(error)}\n`);
    },
    reporter,
    persona,
    say: (key, vars, seed, speaker = persona ?? undefined) => {
      if (persona && speaker) line(spoken(speaker, personaMessage(speaker, key, vars, seed)));
    },
  };
}

export function deploymentSummary(deployment: Deployment, now: Date): string {
  const status = deployment.interrupted ? 'interrupted' : deployment.status;
  return `#${deployment.id} ${deployment.kind} ${status} ${age(deployment.startedAt, now)}`;
}

export const deploymentJson = deploymentRecord;

/** Left-aligned columns. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ').trimEnd()).join('\n');
}
