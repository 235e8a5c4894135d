import type { Command } from 'commander';
import { announcementText, descriptionSentence, type Achievement, type AchievementProgress } from '../domain/achievements.js';
import type { EngineContext } from '../engine/context.js';
import type { Output } from './output.js';
import { loadUi } from './load-ui.js';
import { execute } from './run.js';

/** After a deploy or rollback the check gets this long; then it gives up quietly. */
export const ANNOUNCE_BUDGET_MS = 3000;

/** The factual line of each, on stderr, then the persona's (none in plain mode). */
function announce(output: Output, achievements: readonly Achievement[]): void {
  for (const achievement of achievements) {
    output.line(announcementText(achievement));
    output.say('achievement.unlocked', { title: achievement.title, description: descriptionSentence(achievement) }, achievement.id);
  }
}

/**
 * After a deploy or rollback: announces new achievements on stderr. Never
 * changes the outcome: a failure is one note line, never a stack or an exit code.
 */
export async function announceAchievements(context: EngineContext, output: Output): Promise<void> {
  try {
    const { checkAchievements } = await import('../engine/achievements.js');
    announce(output, (await checkAchievements(context, { budgetMs: ANNOUNCE_BUDGET_MS })).announce);
  } catch (error) {
    const message = ((error as Error)?.message ?? String(error)).split('\n')[0];
    output.line(`data: note: achievements not updated: ${message}`);
  }
}

export function achievementsJson(progress: readonly AchievementProgress[]) {
  return {
    achievements: progress.map((entry) => ({
      id: entry.achievement.id,
      title: entry.achievement.title,
      quote: entry.achievement.quote,
      unlocked: entry.unlocked,
      unlockedAt: entry.unlockedAt ?? null,
      current: entry.current,
      target: entry.target,
      description: entry.achievement.description,
    })),
  };
}

/** The ink-table, rendered once to text: the same on a terminal and in a pipe. */
async function renderTable(progress: readonly AchievementProgress[], columns: number | undefined): Promise<string> {
  const [{ renderToString }, { createElement }, { AchievementsTable, achievementRows, tableWidth }] = await loadUi(() =>
    Promise.all([import('ink'), import('react'), import('../ui/widgets/achievements-table.js')]),
  );
  // On a narrow terminal the "to unlock" column goes first, so nothing wraps.
  let rows = achievementRows(progress, { howToUnlock: true });
  if (columns !== undefined && tableWidth(rows) > columns) rows = achievementRows(progress, { howToUnlock: false });
  return renderToString(createElement(AchievementsTable, { rows }), { columns: Math.max(columns ?? 0, tableWidth(rows)) });
}

export function registerAchievements(program: Command) {
  program
    .command('achievements')
    .description('your achievements in this project: ★ unlocked, progress for the rest')
    .option('--json', 'print {"achievements":[...]} on stdout')
    .action((_options, command: Command) =>
      execute(command, async (context, output) => {
        const { checkAchievements } = await import('../engine/achievements.js');
        const report = await checkAchievements(context);
        for (const { environment, reason } of report.skipped) output.line(`data: note: ${environment} skipped: ${reason.split('\n')[0]}`);
        announce(output, report.announce);
        const progress = report.evaluation.progress;
        if (output.json) return output.printJson(achievementsJson(progress));
        const unlocked = progress.filter((entry) => entry.unlocked).length;
        const table = await renderTable(progress, process.stdout.isTTY ? process.stdout.columns : undefined);
        output.print(`Achievements of ${report.operator}: ${unlocked} of ${progress.length} unlocked\n${table}`);
      }),
    );
}
