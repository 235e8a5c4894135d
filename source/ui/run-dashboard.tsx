import { render, type Instance } from 'ink';
import type { PersonaCatalogue } from '../domain/personas.js';
import type { EngineContext } from '../engine/context.js';
import { createDashboardStore } from '../store/dashboard-store.js';
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
  const onSignal = (signal: NodeJS.Signals) => {
    instance?.unmount();
    restore();
    process.exit(signal === 'SIGTERM' ? 143 : 129);
  };
  let crash: unknown = null;
  const onCrash = (error: unknown) => {
    crash = error;
    instance?.unmount();
  };

  stdout.write(ENTER_ALTERNATE_SCREEN);
  process.on('exit', restore);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
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
    await store.getState().stop();
    instance.cleanup();
    restore();
    process.off('exit', restore);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  if (crash) throw crash;
}
