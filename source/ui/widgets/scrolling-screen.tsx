import { Box } from 'ink';
import type { ErrorInfo } from '../../store/dashboard-store.js';
import { useTheme } from '../dashboard-context.js';
import { Line } from './line.js';

/** One row of a screen: text cut to the width, in a token colour. */
export type Row = { text: string; color?: string; bold?: boolean };

/** The rows of a screen that failed to load: what went wrong and how to fix it. */
export const errorRows = (error: ErrorInfo, danger: string): Row[] => [{ text: `✗ ${error.message}`, color: danger }, ...(error.fix ? [{ text: error.fix }] : [])];

export interface ScrollingScreenProps {
  rows: Row[];
  /** The first row asked for; clamped so the last page stays full. */
  scroll: number;
  width: number;
  height: number;
}

/** A bordered full-body screen of rows that j/k scroll, with Esc to close (details, achievements). */
export function ScrollingScreen({ rows, scroll, width, height }: ScrollingScreenProps) {
  const theme = useTheme();
  const inner = width - 4;
  const visible = height - 3;
  const top = Math.min(scroll, Math.max(0, rows.length - visible));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.primary} width={width} height={height} paddingX={1} overflow="hidden">
      {rows.slice(top, top + visible).map((row, index) => <Line key={index} text={row.text} width={inner} color={row.color} bold={row.bold} />)}
      <Box flexGrow={1} />
      <Line text={`[Esc] close${rows.length > visible ? `   [j/k] scroll ${top + 1}-${Math.min(rows.length, top + visible)} of ${rows.length}` : ''}`} width={inner} color={theme.muted} />
    </Box>
  );
}
