import { Box } from 'ink';
import { useBindings, useDashboard, useTheme } from '../dashboard-context.js';
import { activeBindings, typing } from '../keymap.js';
import { Line } from './line.js';

/** Two rows: the keys that work here (from the keymap), then what just happened and any warning. */
export function Footer({ width }: { width: number }) {
  const theme = useTheme();
  const bindings = useBindings();
  const state = useDashboard((s) => s);
  const hints = activeBindings(bindings, state)
    .filter((binding) => binding.hint || state.modal || typing(state))
    .filter((binding, index, all) => all.findIndex((other) => other.label === binding.label) === index)
    .map((binding) => `${binding.label} ${binding.short ?? binding.id}${binding.disabled?.(state) ? '(off)' : ''}`);
  const warning = state.warnings[0];
  return (
    <Box flexDirection="column" width={width}>
      <Line text={hints.join('  ')} width={width} color={theme.muted} />
      <Line text={warning ? `⚠ ${warning}` : state.statusLine} width={width} color={warning ? theme.warning : theme.accent} />
    </Box>
  );
}
