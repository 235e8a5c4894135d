import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { useTheme } from '../dashboard-context.js';
import { fit } from '../text.js';

export interface PaneProps {
  number: number;
  title: string;
  focused: boolean;
  width: number;
  height: number;
  /** Right side of the title row: a count, a filter, a mark. */
  note?: string;
  children: ReactNode;
}

/** Rows a pane of this height has for its content: two borders and the title row. */
export const paneContentRows = (height: number) => Math.max(0, height - 3);
/** Columns for content: two borders and one space of padding each side. */
export const paneContentColumns = (width: number) => Math.max(0, width - 4);

/** A bordered pane with a numbered title; the focused one is drawn in the primary colour. */
export function Pane({ number, title, focused, width, height, note, children }: PaneProps) {
  const theme = useTheme();
  const inner = paneContentColumns(width);
  const heading = `${number} ${title}`;
  const right = note ? fit(note, Math.max(0, inner - heading.length - 2)) : '';
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle={focused ? 'bold' : 'round'} borderColor={focused ? theme.primary : theme.muted} paddingX={1} overflow="hidden">
      <Box justifyContent="space-between" height={1}>
        <Text bold color={focused ? theme.primary : undefined} wrap="truncate-end">{fit(heading, inner)}</Text>
        {right ? <Text color={theme.muted} wrap="truncate-end">{right}</Text> : null}
      </Box>
      <Box flexDirection="column" height={paneContentRows(height)} overflow="hidden">
        {children}
      </Box>
    </Box>
  );
}
