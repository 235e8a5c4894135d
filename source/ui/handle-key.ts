import type { Key } from 'ink';
import { needsStressConfirmation } from '../store/dashboard-store.js';
import { completePaletteInput } from '../store/palette.js';
import { activeBindings, type Dashboard, type KeyBinding } from './keymap.js';

const printable = (input: string, key: Key) => input.length > 0 && !key.ctrl && !key.meta && !key.return && !key.escape && !key.tab && !key.backspace && !key.delete && !/[\x00-\x1f\x7f]/.test(input);
const erase = (key: Key) => key.backspace || key.delete;

/** Text typed into the open field (palette, typed confirmation, history filter); true when the key was used. */
function typeIntoField(dashboard: Dashboard, input: string, key: Key): boolean {
  const modal = dashboard.modal;
  if (modal?.kind === 'palette') {
    if (key.tab) dashboard.editPalette(completePaletteInput(modal.input, dashboard.environments.map((environment) => environment.name)));
    else if (erase(key)) dashboard.editPalette(modal.input.slice(0, -1));
    else if (printable(input, key)) dashboard.editPalette(modal.input + input);
    else return false;
    return true;
  }
  if (modal?.kind === 'operation' && modal.phase === 'review' && !modal.blocked && needsStressConfirmation(modal)) {
    if (input !== 'y') return false;
    dashboard.confirmStress();
    return true;
  }
  if (modal?.kind === 'operation' && modal.phase === 'review' && modal.protected && !modal.blocked) {
    if (erase(key)) dashboard.typeConfirmation(modal.typed.slice(0, -1));
    else if (printable(input, key)) dashboard.typeConfirmation(modal.typed + input);
    else return false;
    return true;
  }
  if (!modal && dashboard.filtering) {
    if (key.return) dashboard.endFilter(true);
    else if (key.escape) dashboard.endFilter(false);
    else if (erase(key)) dashboard.editFilter(dashboard.historyFilter.slice(0, -1));
    else if (printable(input, key)) dashboard.editFilter(dashboard.historyFilter + input);
    return true;
  }
  return false;
}

/** One key press: Ctrl-C, then the open text field, then the keymap. A disabled binding says why in the footer. */
export function handleKey(dashboard: Dashboard, bindings: readonly KeyBinding[], input: string, key: Key): void {
  if (key.ctrl && input === 'c') return dashboard.forceQuit();
  if (dashboard.quitAsked) {
    if (input === 'y') dashboard.forceQuit();
    else if (input === 'n' || key.escape) dashboard.cancelQuit();
    return;
  }
  if (typeIntoField(dashboard, input, key)) return;
  const binding = activeBindings(bindings, dashboard).find((candidate) => candidate.matches(input, key));
  if (!binding) return;
  const reason = binding.disabled?.(dashboard);
  if (reason) return dashboard.say(`${binding.label} ${binding.id}: ${reason}`);
  binding.run(dashboard, input, key);
}

/** The key flags Ink would give one typed character. */
function keyOfCharacter(template: Key, character: string): Key {
  const none = Object.fromEntries(Object.keys(template).map((name) => [name, false])) as unknown as Key;
  return { ...none, tab: character === '\t', return: character === '\r' || character === '\n', backspace: character === '\x7f' || character === '\b' };
}

/**
 * Ink hands over a chunk of several characters at once (a paste, or keys
 * typed faster than a frame): each character is then its own key press.
 */
export function handleInput(dashboard: () => Dashboard, bindings: readonly KeyBinding[], input: string, key: Key): void {
  if (input.length > 1 && !input.includes('\x1b') && !key.ctrl && !key.meta) {
    for (const character of input) {
      const characterKey = keyOfCharacter(key, character);
      handleKey(dashboard(), bindings, characterKey.tab || characterKey.return || characterKey.backspace ? '' : character, characterKey);
    }
    return;
  }
  handleKey(dashboard(), bindings, input, key);
}
