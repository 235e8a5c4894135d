import { Box } from 'ink';
import { progressBar, type AchievementProgress } from '../../domain/achievements.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import type { Theme } from '../theme.js';
import { cell } from '../text.js';
import { Line } from '../widgets/line.js';
import type { PaneSize } from '../panes/environments-pane.js';

type Row = { text: string; color?: string; bold?: boolean };

function screenRows(progress: AchievementProgress[], fresh: string[], theme: Theme, inner: number): Row[] {
  const title = Math.max(...progress.map((entry) => entry.achievement.title.length));
  const quote = Math.max(...progress.map((entry) => entry.achievement.quote.length)) + 2;
  const status = 19;
  // The quote column goes first when there is no room for it.
  const withQuote = 2 + title + 2 + quote + 2 + status + 10 <= inner;
  const unlocked = progress.filter((entry) => entry.unlocked).length;
  return [
    { text: `Achievements: ${unlocked} of ${progress.length} unlocked. Esc closes.`, bold: true, color: theme.primary },
    { text: '' },
    ...progress.map((entry): Row => {
      const { achievement } = entry;
      const state = entry.unlocked ? `unlocked ${entry.unlockedAt!.slice(0, 10)}` : progressBar(entry.current, entry.target);
      const columns = [entry.unlocked ? '★' : ' ', cell(achievement.title, title), ...(withQuote ? [cell(`"${achievement.quote}"`, quote)] : []), cell(state, status)];
      const isFresh = fresh.includes(achievement.id);
      return {
        text: `${columns.join('  ')}  ${isFresh ? 'new! ' : ''}${achievement.description}`,
        color: isFresh ? theme.accent : entry.unlocked ? theme.success : theme.muted,
        bold: isFresh,
      };
    }),
  ];
}

/** `a`: every achievement of the user in this project: ★ unlocked, a progress bar for the rest. Scrolls with j/k. */
export function AchievementsScreen({ width, height }: PaneSize) {
  const theme = useTheme();
  const modal = useDashboard((state) => (state.modal?.kind === 'achievements' ? state.modal : null));
  if (!modal) return null;
  const inner = width - 4;
  const rows: Row[] = modal.error
    ? [{ text: `✗ ${modal.error.message}`, color: theme.danger }, ...(modal.error.fix ? [{ text: modal.error.fix }] : [])]
    : modal.progress
      ? screenRows(modal.progress, modal.fresh, theme, inner)
      : [{ text: 'reading your deployments in every environment…', color: theme.muted }];
  const visible = height - 3;
  const scroll = Math.min(modal.scroll, Math.max(0, rows.length - visible));
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.primary} width={width} height={height} paddingX={1} overflow="hidden">
      {rows.slice(scroll, scroll + visible).map((row, index) => <Line key={index} text={row.text} width={inner} color={row.color} bold={row.bold} />)}
      <Box flexGrow={1} />
      <Line text={`[Esc] close${rows.length > visible ? `   [j/k] scroll ${scroll + 1}-${Math.min(rows.length, scroll + visible)} of ${rows.length}` : ''}`} width={inner} color={theme.muted} />
    </Box>
  );
}
