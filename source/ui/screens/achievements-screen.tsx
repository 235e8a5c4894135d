import { progressBar, type AchievementProgress } from '../../domain/achievements.js';
import { useDashboard, useTheme } from '../dashboard-context.js';
import type { Theme } from '../theme.js';
import { cell } from '../text.js';
import { errorRows, ScrollingScreen, type Row } from '../widgets/scrolling-screen.js';
import type { PaneSize } from '../panes/environments-pane.js';

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
    ? errorRows(modal.error, theme.danger)
    : modal.progress
      ? screenRows(modal.progress, modal.fresh, theme, inner)
      : [{ text: 'reading your deployments in every environment…', color: theme.muted }];
  return <ScrollingScreen rows={rows} scroll={modal.scroll} width={width} height={height} />;
}
