import { Box } from 'ink';
import { useDashboard, useTheme } from '../dashboard-context.js';
import { Line } from '../widgets/line.js';

/** Rows the quit screen takes: its four lines and its border. */
export const QUIT_SCREEN_HEIGHT = 6;

/** Quitting while a deploy or rollback runs: say what happens to it. */
export function QuitScreen({ width }: { width: number }) {
  const theme = useTheme();
  const operation = useDashboard((state) => state.operation);
  const inner = width - 4;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warning} width={width} paddingX={1}>
      <Line text={`${operation?.action ?? 'an operation'} of ${operation?.environment ?? '?'} is still running.`} width={inner} bold color={theme.warning} />
      <Line text="Quitting now cancels it: its running statement is cancelled and its transaction rolls back." width={inner} />
      <Line text="The failure is recorded; what a no-transaction file committed before stays." width={inner} />
      <Line text="[n / Esc] keep watching   [y] quit anyway" width={inner} color={theme.muted} />
    </Box>
  );
}
