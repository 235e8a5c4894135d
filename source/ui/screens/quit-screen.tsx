import { Box } from 'ink';
import { useDashboard, useTheme } from '../dashboard-context.js';
import { Line } from '../widgets/line.js';

/** Quitting while a deploy or rollback runs: say what happens to it. */
export function QuitScreen({ width }: { width: number }) {
  const theme = useTheme();
  const operation = useDashboard((state) => state.operation);
  const inner = width - 4;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warning} width={width} paddingX={1}>
      <Line text={`${operation?.action ?? 'an operation'} of ${operation?.environment ?? '?'} is still running.`} width={inner} bold color={theme.warning} />
      <Line text="Quitting now ends it: its transaction rolls back and the database stays as it was before it began." width={inner} />
      <Line text="[n / Esc] keep watching   [y] quit anyway" width={inner} color={theme.muted} />
    </Box>
  );
}
