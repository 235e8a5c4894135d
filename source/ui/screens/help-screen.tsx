import { Box } from 'ink';
import { useBindings, useDashboard, useTheme } from '../dashboard-context.js';
import type { KeyBinding, KeyScope } from '../keymap.js';
import { Line } from '../widgets/line.js';
import type { PaneSize } from '../panes/environments-pane.js';

const SCOPE_TITLES: Record<KeyScope, string> = {
  global: 'everywhere',
  environments: '1 Environments',
  history: '2 History',
  timeline: '3 Diff timeline',
  performance: '4 Performance',
  modal: 'in a dialog',
};

/** `?`: every key of this session, generated from the keymap; dangerous ones are marked. */
export function HelpScreen({ width, height }: PaneSize) {
  const theme = useTheme();
  const bindings = useBindings();
  const readOnly = useDashboard((state) => state.readOnly);
  const state = useDashboard((s) => s);
  const scroll = useDashboard((s) => (s.modal?.kind === 'help' ? s.modal.scroll : 0));
  const inner = width - 4;
  const lines: Array<{ text: string; color?: string; bold?: boolean }> = [
    { text: `Keys${readOnly ? ' (read-only: dangerous actions are removed)' : ''}. Esc closes.`, bold: true, color: theme.primary },
  ];
  for (const scope of Object.keys(SCOPE_TITLES) as KeyScope[]) {
    const inScope = bindings.filter((binding: KeyBinding) => binding.scope === scope);
    if (inScope.length === 0) continue;
    lines.push({ text: SCOPE_TITLES[scope], bold: true });
    for (const binding of inScope) {
      const reason = binding.disabled?.(state);
      lines.push({
        text: `  ${binding.label.padEnd(10)} ${binding.dangerous ? '[dangerous] ' : ''}${binding.description}${reason ? `  (now: ${reason})` : ''}`,
        color: binding.dangerous ? theme.warning : reason ? theme.muted : undefined,
      });
    }
  }
  const columns = width >= 160 && lines.length > height - 3 ? 2 : 1;
  const perColumn = Math.ceil(lines.length / columns);
  const rows = height - 3;
  const top = Math.min(scroll, Math.max(0, perColumn - rows));
  const more = perColumn > rows;
  const columnWidth = Math.floor(inner / columns);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.primary} width={width} height={height} paddingX={1} overflow="hidden">
      <Box height={rows}>
        {Array.from({ length: columns }, (_, column) => (
          <Box key={column} flexDirection="column" width={columnWidth}>
            {lines.slice(column * perColumn, (column + 1) * perColumn).slice(top, top + rows).map((line, index) => (
              <Line key={index} text={line.text} width={columnWidth - 1} color={line.color} bold={line.bold} />
            ))}
          </Box>
        ))}
      </Box>
      <Line text={more ? `[j/k] scroll ${top + 1}-${Math.min(perColumn, top + rows)} of ${perColumn}   [Esc] close` : '[Esc] close'} width={inner} color={theme.muted} />
    </Box>
  );
}
