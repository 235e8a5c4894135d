import { useRef, useState } from 'react';
import { Box, Text, useInput } from 'ink';
import type { Theme } from '../theme.js';
import { editLine, lineOf, textOf, type LineState } from '../line-edit.js';

export interface FieldPromptProps {
  label: string;
  /** Shown after the label; Enter on an empty answer takes it. */
  fallback?: string;
  /** What the answer starts as (editing an earlier one). */
  initial?: string;
  /** Masks every character with `*` (the password). */
  secret?: boolean;
  hint?: string;
  theme: Theme;
  /** Returns why the answer is not usable, or undefined to accept it. */
  validate(value: string): string | undefined;
  onSubmit(value: string): void;
}

/**
 * One question with a text answer, checked when Enter is pressed. Every
 * character of a chunk of input counts (see editLine): a Backspace typed fast
 * or pasted erases, Ctrl-U clears, control characters are never stored.
 */
export function FieldPrompt({ label, fallback, initial = '', secret, hint, theme, validate, onSubmit }: FieldPromptProps) {
  // The line lives in a ref too: Ink can hand over several events before React draws again, and each must see the one before.
  const current = useRef<LineState>(lineOf(initial));
  const submitted = useRef(false);
  const [line, setLine] = useState<LineState>(current.current);
  const [problem, setProblem] = useState<string | undefined>();

  useInput((input, key) => {
    if (submitted.current) return;
    const before = current.current;
    const edit = editLine(before, input, key);
    current.current = edit.line;
    if (edit.line !== before) {
      setLine(edit.line);
      if (textOf(edit.line) !== textOf(before)) setProblem(undefined);
    }
    if (!edit.submit) return;
    const typed = textOf(edit.line);
    const answer = typed === '' && fallback !== undefined ? fallback : typed;
    const invalid = validate(answer);
    if (invalid) return setProblem(invalid);
    submitted.current = true;
    onSubmit(answer);
  });

  // One `*` per character stored for a secret: its characters are never drawn.
  const shown = secret ? line.chars.map(() => '*') : line.chars;
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold color={theme.primary}>{label}</Text>
        {fallback !== undefined && fallback !== '' ? <Text color={theme.muted}> ({fallback})</Text> : null}
        <Text>: </Text>
        <Text>
          {shown.slice(0, line.cursor).join('')}
          <Text inverse>{shown[line.cursor] ?? ' '}</Text>
          {shown.slice(line.cursor + 1).join('')}
        </Text>
      </Box>
      {problem ? <Text color={theme.danger}>{problem}</Text> : hint ? <Text color={theme.muted}>{hint}</Text> : null}
    </Box>
  );
}
