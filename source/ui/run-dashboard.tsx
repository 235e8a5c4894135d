import { render, type Instance } from 'ink';
import { failureAftermath } from '../domain/deployment.js';
import type { PersonaCatalogue } from '../domain/personas.js';
import type { EngineContext } from '../engine/context.js';
import { createDashboardStore, type Modal } from '../store/dashboard-store.js';
import { App } from './app.js';
import { DashboardContext } from './dashboard-context.js';
import { keymapFor } from './keymap.js';
import { DEFAULT_THEME } from './theme.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?25h\x1b[?1049l';

export interface DashboardRun {
  context: EngineContext;
  readOnly?: boolean;
  environment?: string;
  pollMs?: number;
  /** Whose words the footer speaks and whose colours the dashboard wears; null or absent: plain text, default colours. */
  persona?: PersonaCatalogue | null;
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  /** Route console output of libraries into the frame (default true; vitest's console cannot be patched). */
  patchConsole?: boolean;
}

/**
 * Opens the dashboard on the alternate screen and resolves when it closes.
 * The normal screen comes back on quit, Ctrl-C, SIGTERM/SIGHUP and on an
 * uncaught error, which is then printed there.
 */
export async function runDashboard(run: DashboardRun): Promise<void> {
  const stdout = run.stdout ?? process.stdout;
  const stdin = run.stdin ?? process.stdin;
  const store = createDashboardStore({ context: run.context, readOnly: run.readOnly, environment: run.environment, pollMs: run.pollMs, persona: run.persona });

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE_ALTERNATE_SCREEN);
  };
  let instance: Instance | undefined;
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    // Mid-operation the operation is cancelled and recorded first (below); a second signal does not wait.
    if (signalled || !store.getState().operation?.running) {
      instance?.unmount();
      restore();
      process.exit(signal === 'SIGTERM' ? 143 : 129);
    }
    signalled = signal;
    instance?.unmount();
  };
  let crash: unknown = null;
  const onCrash = (error: unknown) => {
    crash = error;
    instance?.unmount();
  };

  stdout.write(ENTER_ALTERNATE_SCREEN);
  process.on('exit', restore);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  instance = render(
    <DashboardContext.Provider value={{ store, bindings: keymapFor(run.readOnly ?? false), theme: run.persona?.colors ?? DEFAULT_THEME, now: () => run.context.clock() }}>
      <App />
    </DashboardContext.Provider>,
    { stdout, stdin, exitOnCtrlC: false, patchConsole: run.patchConsole ?? true },
  );
  void store.getState().start();
  try {
    await instance.waitUntilExit();
  } catch (error) {
    crash ??= error;
  } finally {
    const running = store.getState().operation?.running ? store.getState().operation : null;
    instance.cleanup();
    restore();
    // Quitting mid-operation: the normal screen says what happens to it, and then what happened.
    if (running) stdout.write(`data: quitting: cancelling the ${running.action} of ${running.environment}; its running statement is cancelled and its transaction rolls back\n`);
    await store.getState().stop();
    if (running) stdout.write(`${operationOutcome(store.getState().modal)}\n`);
    process.off('exit', restore);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  if (crash) throw crash;
  if (signalled) process.exit(signalled === 'SIGTERM' ? 143 : 129);
}

/** The line the normal screen keeps about an operation that quitting interrupted. */
function operationOutcome(modal: Modal | null): string {
  if (modal?.kind !== 'operation') return 'data: the operation ended';
  if (modal.error) return `data: ${modal.action} of ${modal.environment}: ${modal.error.message}`;
  const result = modal.result;
  if (!result) return `data: ${modal.action} of ${modal.environment}: nothing to do`;
  if (result.status === 'failed') return `data: ${result.kind} #${result.id} of ${modal.environment} failed: ${result.error?.message ?? 'unknown error'}; ${failureAftermath(result)} (data history ${modal.environment})`;
  return `data: ${result.kind} #${result.id} of ${modal.environment} ${result.status}: it had finished before the cancel arrived (data history ${modal.environment})`;
}
