import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { FieldPrompt, type FieldPromptProps } from '../../source/ui/setup/field-prompt.js';
import { DEFAULT_THEME } from '../../source/ui/theme.js';
import { waitFor } from '../helpers/wait.js';

// One text question of `data setup`, fed stdin chunks as a terminal delivers them: a paste, key repeat
// or a slow link hands Ink several keys in one read, Backspaces (DEL, BS) and Ctrl-U included.
const tick = () => new Promise((resolve) => setImmediate(resolve));
const opened: Array<ReturnType<typeof render>> = [];
afterEach(() => {
  for (const ui of opened.splice(0)) ui.unmount();
});

async function prompt(props: Partial<FieldPromptProps> = {}) {
  const submitted: string[] = [];
  const ui = render(createElement(FieldPrompt, { label: 'Field', theme: DEFAULT_THEME, validate: () => undefined, onSubmit: (value: string) => submitted.push(value), ...props }));
  opened.push(ui);
  const frame = () => ui.lastFrame() ?? '';
  // The line of the prompt, without the cursor's trailing cell.
  const field = () => frame().split('\n')[0]!.trimEnd();
  await waitFor(async () => frame().includes(`${props.label ?? 'Field'}`), 'the prompt');
  await tick();
  /** One chunk: a single read from the terminal, however many keys it holds. */
  const chunk = async (data: string) => {
    ui.stdin.write(data);
    await tick();
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return { ui, submitted, field, chunk };
}

describe('a setup text field', () => {
  it('masked: Backspaces in one chunk erase, one * per stored character, the secret never drawn', async () => {
    const { ui, submitted, field, chunk } = await prompt({ label: 'Password', secret: true });
    await chunk('xyz');
    expect(field()).toBe('Password: ***');
    await chunk('\x7f\x7f\x7f');
    expect(field()).toBe('Password:');
    // A Backspace on an empty field does nothing; BS (Ctrl-H) erases as DEL does.
    await chunk('\x7f\b');
    expect(field()).toBe('Password:');
    await chunk('s3cr\x7f\x7fcret');
    expect(field()).toBe('Password: ******');
    await chunk('\b');
    expect(field()).toBe('Password: *****');
    await chunk('\r');
    expect(submitted).toEqual(['s3cre']);
    // Every frame drew stars and nothing else, never more than the six stored at most.
    for (const text of ui.frames) expect(text.split('\n')[0]).toMatch(/^Password:\s*\*{0,6}\s*$/);
  });

  it('plain: "hostxx" and two Backspaces in one chunk is "host"', async () => {
    const { ui, submitted, field, chunk } = await prompt({ label: 'Host', fallback: 'localhost' });
    await chunk('hostxx\x7f\x7f');
    expect(field()).toBe('Host (localhost): host');
    await chunk('\r');
    expect(submitted).toEqual(['host']);
    expect(ui.frames.some((text) => text.includes('hostxx'))).toBe(false);
  });

  it('Ctrl-U clears the field, alone or inside a chunk', async () => {
    const { submitted, field, chunk } = await prompt({ label: 'Database' });
    await chunk('abc\x15def');
    expect(field()).toBe('Database: def');
    await chunk('\x15');
    expect(field()).toBe('Database:');
    await chunk('app');
    await chunk('\r');
    expect(submitted).toEqual(['app']);
  });

  it('never stores other control characters; Enter in a pasted chunk submits what came before it', async () => {
    const { ui, submitted, field, chunk } = await prompt({ label: 'User' });
    await chunk('a\x00b\x07c\td\x1b');
    await new Promise((resolve) => setTimeout(resolve, 100)); // a lone Esc is flushed after a moment
    await chunk('e\x17f');
    expect(field()).toBe('User: abcdef');
    await chunk('\x15me\x7fe\rignored');
    expect(submitted).toEqual(['me']);
    expect(field()).toBe('User: me');
    for (const text of ui.frames) expect(text).not.toMatch(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f]/);
  });

  it('keys that arrive before the next frame all count, each after the one before', async () => {
    const { ui, submitted, field, chunk } = await prompt({ label: 'Port' });
    // Several reads in a row, before React draws again.
    for (const data of ['54', '\x7f', '3', '2', '\x1b[D', '\x1b[D', '\x7f', '5']) ui.stdin.write(data);
    await chunk('');
    // 54, 5, 53, 532, the cursor two to the left (after the 5), erase the 5, type 5 there.
    expect(field()).toBe('Port: 532');
    ui.stdin.write('\r');
    ui.stdin.write('\r');
    await chunk('');
    expect(submitted).toEqual(['532']);
  });
});
