import type { Key } from 'ink';
import { needsStressConfirmation } from '../store/dashboard-store.js';
import { completePaletteInput } from '../store/palette.js';
import { activeBindings, type Dashboard, type KeyBinding } from './keymap.js';
import { editLine, lineOf, textOf } from './line-edit.js';

/**
 * A key typed into a one-line field (the same editing as the setup prompts:
 * characters insert, Backspace erases, Ctrl-U clears, other controls do
 * nothing); null when the key is not for the field (Enter, Esc, Tab, arrows).
 */
function edited(text: string, input: string, key: Key): string | null {
  if (key.return || key.escape || key.tab) return null;
  const next = textOf(editLine(lineOf(text), input, key).line);
  return next !== text || key.backspace || key.delete ? next : null;
}

/** Text typed into the open field (palette, typed confirmation, history filter); true when the key was used. */
function typeIntoField(dashboard: Dashboard, input: string, key: Key): boolean {
  const modal = dashboard.modal;
  if (modal?.kind === 'palette') {
    const text = key.tab ? completePaletteInput(modal.input, dashboard.environments.map((environment) => environment.name)) : edited(modal.input, input, key);
    if (text === null) return false;
    dashboard.editPalette(text);
    return true;
  }
  if (modal?.kind === 'operation' && modal.phase === 'review' && !modal.blocked && needsStressConfirmation(modal)) {
    if (input !== 'y') return false;
    dashboard.confirmStress();
    return true;
  }
  if (modal?.kind === 'operation' && modal.phase === 'review' && modal.protected && !modal.blocked) {
    const text = edited(modal.typed, input, key);
    if (text === null) return false;
    dashboard.typeConfirmation(text);
    return true;
  }
  if (!modal && dashboard.filtering) {
    if (key.return) dashboard.endFilter(true);
    else if (key.escape) dashboard.endFilter(false);
    else {
      const text = edited(dashboard.historyFilter, input, key);
      if (text !== null) dashboard.editFilter(text);
    }
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
