import { Box } from 'ink';
import { paletteCompletions } from '../../store/palette.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import { Line } from '../widgets/line.js';

/** `:`: one line of input with completions under it; Tab completes, Enter runs, Esc closes. */
export function PaletteScreen({ width }: { width: number }) {
  const theme = useTheme();
  const modal = useDashboard((state) => (state.modal?.kind === 'palette' ? state.modal : null));
  const environments = useDashboard((state) => state.environments);
  if (!modal) return null;
  const names = environments.map((environment) => environment.name);
  const completions = paletteCompletions(modal.input, names);
  const inner = width - 4;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} width={width} paddingX={1}>
      <Line text={`:${modal.input}▌`} width={inner} bold />
      <Line text={modal.message ?? (completions.length ? `Tab: ${completions.join('  ')}` : 'Enter runs · Esc closes · e.g. deploy staging, rollback prod --steps 2, history dev')} width={inner} color={modal.message ? theme.danger : theme.muted} />
    </Box>
  );
}
