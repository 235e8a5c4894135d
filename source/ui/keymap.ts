import type { Key } from 'ink';
import { type DashboardActions, type DashboardState, type PaneId } from '../store/dashboard-store.js';

/** Where a key works: everywhere, in one pane, or inside an open modal. */
export type KeyScope = 'global' | PaneId | 'modal';

export type Dashboard = DashboardState & DashboardActions;

/** One key binding: the single source for dispatch, the help overlay and the footer hints. */
export interface KeyBinding {
  id: string;
  /** As shown in help and hints. */
  label: string;
  description: string;
  scope: KeyScope;
  /** Changes a database; removed by --read-only. */
  dangerous?: boolean;
  /** Shown in the footer when its scope is active. */
  hint?: boolean;
  /** The footer's word for it, when not its id. */
  short?: string;
  matches(input: string, key: Key): boolean;
  /** Why it cannot run now; null when it can. */
  disabled?(state: DashboardState): string | null;
  run(dashboard: Dashboard, input: string, key: Key): void;
}

const char = (c: string) => (input: string, key: Key) => input === c && !key.ctrl && !key.meta;

function selectedRow(state: DashboardState) {
  return state.environments.find((environment) => environment.name === state.selected);
}

function deployDisabled(state: DashboardState): string | null {
  if (state.operation?.running) return `${state.operation.action} of ${state.operation.environment} is running`;
  const row = selectedRow(state);
  if (!row) return 'no environment selected';
  if (!row.reachable) return `${row.name} is not reachable: ${row.error?.message ?? 'no connection'}`;
  if (row.pending.length === 0) return `${row.name} has nothing pending`;
  return null;
}

function rollbackDisabled(state: DashboardState): string | null {
  if (state.operation?.running) return `${state.operation.action} of ${state.operation.environment} is running`;
  const deployment = state.visibleDeployments[state.cursor.history];
  if (!deployment) return 'no deployment under the cursor';
  if (deployment.kind === 'rollback') return `#${deployment.id} is itself a rollback; roll back by deploying again`;
  // A failure after a no-transaction file committed leaves those migrations applied: they can be undone.
  if ((deployment.status === 'failed' || deployment.interrupted) && !deployment.error?.committed?.length) return `#${deployment.id} failed: it applied nothing to undo`;
  if (deployment.status === 'rolled_back') return `#${deployment.id} is already rolled back`;
  if (deployment.status === 'running') return `#${deployment.id} is still running`;
  return null;
}

const PANE_KEYS = new Map<string, PaneId>([['1', 'environments'], ['2', 'history'], ['3', 'timeline'], ['4', 'performance']]);

export const KEYMAP: readonly KeyBinding[] = [
  { id: 'help', label: '?', description: 'help: every key', scope: 'global', hint: true, matches: char('?'), run: (d) => d.openHelp() },
  { id: 'palette', label: ':', description: 'command palette (deploy staging, rollback prod --steps 2, history dev)', scope: 'global', hint: true, matches: char(':'), run: (d) => d.openPalette() },
  { id: 'quit', label: 'q', description: 'quit (asks while an operation runs)', scope: 'global', hint: true, matches: char('q'), run: (d) => d.requestQuit() },
  { id: 'refresh', label: 'R', description: 'refresh environments and history now', scope: 'global', matches: char('R'), run: (d) => void d.refresh() },
  { id: 'achievements', label: 'a', description: 'achievements: ★ unlocked, progress for the rest', scope: 'global', matches: char('a'), run: (d) => void d.openAchievements() },
  {
    id: 'pane', label: 'Tab/S-Tab', description: 'next / previous pane', scope: 'global', hint: true,
    matches: (_, key) => key.tab, run: (d, _, key) => d.cyclePane(key.shift ? -1 : 1),
  },
  {
    id: 'focus', label: '1-4', description: 'focus a pane: 1 environments, 2 history, 3 timeline, 4 performance', scope: 'global',
    matches: (input, key) => PANE_KEYS.has(input) && !key.ctrl && !key.meta, run: (d, input) => d.focusPane(PANE_KEYS.get(input)!),
  },
  { id: 'move', label: 'j/k ↓/↑', description: 'move down / up', scope: 'global', matches: (input, key) => key.downArrow || key.upArrow || input === 'j' || input === 'k', run: (d, input, key) => d.move(key.downArrow || input === 'j' ? 1 : -1) },
  { id: 'page', label: 'PgDn/PgUp', description: 'move a page down / up', scope: 'global', matches: (_, key) => key.pageDown || key.pageUp, run: (d, _, key) => d.move(key.pageDown ? 20 : -20) },
  { id: 'ends', label: 'g/G', description: 'first / last row', scope: 'global', matches: (input) => input === 'g' || input === 'G', run: (d, input) => d.move(input === 'g' ? -1_000_000 : 1_000_000) },
  {
    id: 'deploy', label: 'd', description: 'deploy the selected environment (plan, confirm, run)', scope: 'global', dangerous: true, hint: true,
    matches: char('d'), disabled: deployDisabled, run: (d) => void d.openDeploy(),
  },
  { id: 'open-history', label: 'Enter', description: 'show the environment\'s history', scope: 'environments', matches: (_, key) => key.return, run: (d) => d.focusPane('history') },
  { id: 'details', label: 'Enter', description: 'open the deployment: migrations, statements, error', scope: 'history', hint: true, matches: (_, key) => key.return, run: (d) => void d.openDetails() },
  { id: 'filter', label: '/', description: 'filter by id, tag, kind, status, operator or version', scope: 'history', hint: true, matches: char('/'), run: (d) => d.startFilter() },
  {
    id: 'rollback', label: 'r', description: 'roll back this deployment and every later one (shows what, then asks)', scope: 'history', dangerous: true, hint: true,
    matches: char('r'), disabled: rollbackDisabled, run: (d) => void d.openRollback(),
  },
  { id: 'mark', label: 'Space', description: 'mark a point; two marks show the change between them', scope: 'timeline', hint: true, matches: char(' '), run: (d) => d.toggleMark() },
  { id: 'clear-marks', label: 'Esc', description: 'clear the marks', scope: 'timeline', matches: (_, key) => key.escape, run: (d) => d.clearMarks() },
  { id: 'confirm', label: 'Enter', description: 'confirm (on a protected environment: after typing its name)', scope: 'modal', matches: (_, key) => key.return, run: (d) => (d.modal?.kind === 'palette' ? d.runPalette() : void d.confirmOperation()) },
  { id: 'cancel', label: 'Esc', description: 'close / cancel (a running operation: q asks, then cancels it)', scope: 'modal', matches: (_, key) => key.escape, run: (d) => d.closeModal() },
  { id: 'dialog-quit', short: 'quit', label: 'q', description: 'quit (asks while an operation runs)', scope: 'modal', matches: char('q'), run: (d) => d.requestQuit() },
  { id: 'scroll', label: 'j/k ↓/↑', description: 'scroll help, details and achievements', scope: 'modal', matches: (input, key) => key.downArrow || key.upArrow || input === 'j' || input === 'k', run: (d, input, key) => d.scrollModal(key.downArrow || input === 'j' ? 1 : -1) },
];

/** The bindings of this session: --read-only drops every dangerous one, here and only here. */
export function keymapFor(readOnly: boolean): readonly KeyBinding[] {
  return readOnly ? KEYMAP.filter((binding) => !binding.dangerous) : KEYMAP;
}

/** Bindings that act in the current state, most specific scope first. */
/** A one-line field has the keyboard (palette, history filter, a protected environment's name): letters go into it. */
export function typing(state: DashboardState): boolean {
  const modal = state.modal;
  if (!modal) return state.filtering;
  return modal.kind === 'palette' || (modal.kind === 'operation' && modal.phase === 'review' && modal.protected && !modal.blocked);
}

export function activeBindings(bindings: readonly KeyBinding[], state: DashboardState): KeyBinding[] {
  // While typing, only Enter and Esc act; the footer shows just those.
  if (typing(state)) return bindings.filter((binding) => binding.id === 'confirm' || binding.id === 'cancel');
  if (state.modal) return bindings.filter((binding) => binding.scope === 'modal');
  return [...bindings.filter((binding) => binding.scope === state.focused), ...bindings.filter((binding) => binding.scope === 'global')];
}
