import { Table } from '@alcalzone/ink-table';
import { progressBar, type AchievementProgress } from '../../domain/achievements.js';

type Row = Record<string, string>;

/** One row per achievement: ★ for unlocked (with the date), a progress bar for the rest. */
export function achievementRows(progress: readonly AchievementProgress[], options: { howToUnlock: boolean }): Row[] {
  return progress.map((entry) => ({
    '★': entry.unlocked ? '★' : '',
    Achievement: entry.achievement.title,
    Quote: `"${entry.achievement.quote}"`,
    Progress: entry.unlocked ? `unlocked ${entry.unlockedAt!.slice(0, 10)}` : progressBar(entry.current, entry.target),
    ...(options.howToUnlock ? { 'To unlock': entry.achievement.description } : {}),
  }));
}

/** Columns the table needs to draw without wrapping: each cell plus padding, and the borders. */
export function tableWidth(rows: readonly Row[]): number {
  const keys = Object.keys(rows[0] ?? {});
  const widths = keys.map((key) => Math.max(key.length, ...rows.map((row) => (row[key] ?? '').length)) + 2);
  return widths.reduce((sum, width) => sum + width, keys.length + 1);
}

/** `data achievements`: the table, drawn with ink-table. */
export function AchievementsTable({ rows }: { rows: Row[] }) {
  return <Table data={rows} />;
}
