import type { Key } from 'ink';

/** A one-line text field: its characters (code points) and the cursor, an index into them. */
export interface LineState {
  chars: readonly string[];
  cursor: number;
}

export const lineOf = (text: string): LineState => {
  const chars = [...text];
  return { chars, cursor: chars.length };
};

export const textOf = (line: LineState): string => line.chars.join('');

const erase = ({ chars, cursor }: LineState): LineState =>
  cursor === 0 ? { chars, cursor } : { chars: [...chars.slice(0, cursor - 1), ...chars.slice(cursor)], cursor: cursor - 1 };

const insert = ({ chars, cursor }: LineState, character: string): LineState => ({ chars: [...chars.slice(0, cursor), character, ...chars.slice(cursor)], cursor: cursor + 1 });

const CLEARED: LineState = { chars: [], cursor: 0 };

/** C0 controls, DEL and C1 controls: never stored, never drawn. */
const isControl = (character: string) => /^[\x00-\x1f\x7f-\x9f]$/u.test(character);

/**
 * One Ink input event applied to a line. Ink hands over a chunk of several
 * characters as one event (a paste, key repeat, keys typed faster than a frame,
 * a slow link), with no key flag set even when it holds Backspace (DEL, BS) or
 * Ctrl-U: every character of it is applied in order. Printable characters
 * insert at the cursor, DEL/BS erase the one before it, Ctrl-U clears the line,
 * Enter submits (what follows it in the chunk is dropped), and every other
 * control character is ignored. `submit` is true when Enter was pressed.
 */
export function editLine(line: LineState, input: string, key: Key): { line: LineState; submit: boolean } {
  if (key.return) return { line, submit: true };
  if (key.backspace || key.delete) return { line: erase(line), submit: false };
  if (key.leftArrow) return { line: { ...line, cursor: Math.max(0, line.cursor - 1) }, submit: false };
  if (key.rightArrow) return { line: { ...line, cursor: Math.min(line.chars.length, line.cursor + 1) }, submit: false };
  if (key.home) return { line: { ...line, cursor: 0 }, submit: false };
  if (key.end) return { line: { ...line, cursor: line.chars.length }, submit: false };
  // A single Ctrl key arrives as its letter with key.ctrl: Ctrl-U clears, the others do nothing here.
  if (key.ctrl) return { line: input === 'u' ? CLEARED : line, submit: false };
  if (key.meta || key.escape || key.tab || key.upArrow || key.downArrow || key.pageUp || key.pageDown) return { line, submit: false };
  let next = line;
  for (const character of input) {
    if (character === '\r' || character === '\n') return { line: next, submit: true };
    if (character === '\x7f' || character === '\b') next = erase(next);
    else if (character === '\x15') next = CLEARED;
    else if (!isControl(character)) next = insert(next, character);
  }
  return { line: next, submit: false };
}
