import { useState } from 'react';
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import type { Theme } from '../theme.js';

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

/** One question with a text answer, checked when Enter is pressed. */
export function FieldPrompt({ label, fallback, initial = '', secret, hint, theme, validate, onSubmit }: FieldPromptProps) {
  const [value, setValue] = useState(initial);
  const [problem, setProblem] = useState<string | undefined>();
  const submit = (typed: string) => {
    const answer = typed === '' && fallback !== undefined ? fallback : typed;
    const invalid = validate(answer);
    if (invalid) setProblem(invalid);
    else onSubmit(answer);
  };
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold color={theme.primary}>{label}</Text>
        {fallback !== undefined && fallback !== '' ? <Text color={theme.muted}> ({fallback})</Text> : null}
        <Text>: </Text>
        <TextInput
          value={value}
          mask={secret ? '*' : undefined}
          onChange={(next) => {
            setValue(next);
            setProblem(undefined);
          }}
          onSubmit={submit}
        />
      </Box>
      {problem ? <Text color={theme.danger}>{problem}</Text> : hint ? <Text color={theme.muted}>{hint}</Text> : null}
    </Box>
  );
}
