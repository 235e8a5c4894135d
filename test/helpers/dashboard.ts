import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach } from 'vitest';
import type { EngineContext } from '../../source/engine/context.js';
import { createDashboardStore, type DashboardOptions, type DashboardStore } from '../../source/store/dashboard-store.js';
import { App } from '../../source/ui/app.js';
import { DashboardContext } from '../../source/ui/dashboard-context.js';
import { keymapFor } from '../../source/ui/keymap.js';
import { DEFAULT_THEME } from '../../source/ui/theme.js';
import { waitFor } from './wait.js';

export const KEYS = { enter: '\r', escape: '\x1b', tab: '\t', shiftTab: '\x1b[Z', down: '\x1b[B', up: '\x1b[A', backspace: '\x7f', ctrlC: '\x03' } as const;

export interface DashboardHarness {
  store: DashboardStore;
  /** The last frame Ink drew. */
  frame(): string;
  /** Types keys, one press per string, waiting a tick after each as a person would. */
  press(...keys: string[]): Promise<void>;
  /** Waits until the frame contains every text (strings or patterns). */
  waitForFrame(...texts: Array<string | RegExp>): Promise<string>;
  resize(columns: number, rows: number): void;
  unmount(): Promise<void>;
}

const opened: DashboardHarness[] = [];
afterEach(async () => {
  for (const harness of opened.splice(0)) await harness.unmount();
});

const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The real App over a real store and engine, in ink-testing-library's terminal, at a given size. */
export async function renderDashboard(options: Partial<DashboardOptions> & { context: EngineContext; columns?: number; rows?: number; start?: boolean }): Promise<DashboardHarness> {
  const store = createDashboardStore({ pollMs: 60_000, refreshMs: 60_000, ...options });
  const tree = createElement(DashboardContext.Provider, { value: { store, bindings: keymapFor(options.readOnly ?? false), theme: options.persona?.colors ?? DEFAULT_THEME, now: options.context.clock } }, createElement(App));
  const instance = render(tree);
  const stdout = instance.stdout as unknown as NodeJS.EventEmitter & { columns: number; rows: number };
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(stdout, 'rows', { value: rows, configurable: true });
    stdout.emit('resize');
  };
  resize(options.columns ?? 120, options.rows ?? 35);
  const frame = () => instance.lastFrame() ?? '';
  const harness: DashboardHarness = {
    store,
    frame,
    async press(...keys) {
      for (const key of keys) {
        instance.stdin.write(key);
        await tick();
        await tick();
      }
    },
    async waitForFrame(...texts) {
      try {
        return await waitFor(async () => {
          const current = frame();
          return texts.every((text) => (typeof text === 'string' ? current.includes(text) : text.test(current))) ? current : null;
        }, `a frame showing ${texts.map(String).join(', ')}`, 15_000);
      } catch (error) {
        throw new Error(`${(error as Error).message}; the last frame was:\n${frame()}`);
      }
    },
    resize,
    async unmount() {
      instance.unmount();
      await store.getState().stop();
    },
  };
  opened.push(harness);
  if (options.start !== false) await store.getState().start();
  return harness;
}
