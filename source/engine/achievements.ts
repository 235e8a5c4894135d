import { GitRepository } from '../adapters/git.js';
import { readDeployments } from '../adapters/postgres.js';
import { UserSettings } from '../adapters/user-settings.js';
import {
  evaluateAchievements,
  mergeAchievementStates,
  ownDeployments,
  takeAnnouncements,
  type Achievement,
  type AchievementEvaluation,
  type AchievementState,
} from '../domain/achievements.js';
import { resolveEnvironment } from '../domain/config.js';
import type { Deployment } from '../domain/deployment.js';
import { formatDuration } from '../domain/duration.js';
import { operationError } from '../domain/errors.js';
import { nonInteractive, type EngineContext } from './context.js';
import { operatorName } from './operator.js';
import { loadProject, type Project } from './project.js';
import { loadPrimeDirective, repositoryTimeZone } from './safety.js';
import { connect, embeddedStateDir, resolveTarget } from './target.js';

/** The newest deployments read per environment. */
export const ACHIEVEMENT_HISTORY_LIMIT = 5000;

/** Where unlocks are kept: the user's settings file. */
export interface AchievementStore {
  achievements(): AchievementState;
  setAchievements(state: AchievementState): void;
}

export interface AchievementOptions {
  /** Default: the user's settings file (DATA_SETTINGS_DIR in context.vars moves it). */
  store?: AchievementStore;
  /** The whole check must end within this; then it fails and nothing is saved. */
  budgetMs?: number;
  limit?: number;
}

export interface AchievementReport {
  operator: string;
  evaluation: AchievementEvaluation;
  /** Unlocked and not announced before: now marked announced. */
  announce: Achievement[];
  /** Environments left out (unreachable, no connection, embedded server stopped). */
  skipped: Array<{ environment: string; reason: string }>;
}

type EnvironmentHistory = { environment: string; deployments: Deployment[] } | { environment: string; skipped: string };

async function readEnvironment(project: Project, name: string, context: EngineContext, limit: number, connectTimeoutMs: number | undefined): Promise<EnvironmentHistory> {
  try {
    const environment = resolveEnvironment(project.config, name, context.vars);
    if (!context.urlOverride && !environment.url && environment.embedded) {
      // Counting achievements never starts a server.
      const { embeddedServerStatus } = await import('../adapters/embedded-postgres.js');
      if (!(await embeddedServerStatus(embeddedStateDir(project))).running) return { environment: name, skipped: 'the embedded server is not running' };
    }
    const target = await resolveTarget(project, name, context);
    const timeout = connectTimeoutMs === undefined ? target.environment.connectTimeoutMs : Math.min(target.environment.connectTimeoutMs, connectTimeoutMs);
    const db = await connect({ ...target, environment: { ...target.environment, connectTimeoutMs: timeout } });
    try {
      return { environment: name, deployments: await readDeployments(db, name, { limit }) };
    } finally {
      await db.close();
    }
  } catch (error) {
    return { environment: name, skipped: (error as Error)?.message ?? String(error) };
  }
}

function withinBudget<T>(work: Promise<T>, budgetMs: number | undefined): Promise<T> {
  if (budgetMs === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(operationError(`not checked within ${formatDuration(budgetMs)}`)), budgetMs);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

/**
 * Reads the user's own deployments in every environment of the project
 * (the newest `limit` of each; unreachable ones are skipped), evaluates the
 * achievements, saves the unlocks to the user's settings and returns the
 * ones to announce, marked announced so each is announced once.
 */
export async function checkAchievements(context: EngineContext, options: AchievementOptions = {}): Promise<AchievementReport> {
  const quiet: EngineContext = { ...context, report: () => {}, interaction: nonInteractive };
  const limit = options.limit ?? ACHIEVEMENT_HISTORY_LIMIT;
  // An environment that does not answer is skipped in half the budget, so the others still count.
  const connectTimeoutMs = options.budgetMs === undefined ? undefined : Math.floor(options.budgetMs / 2);
  const read = async () => {
    const project = await loadProject(quiet);
    const [operator, timeZone, histories] = await Promise.all([
      GitRepository.open(project.root).then(operatorName),
      loadPrimeDirective(project).then(repositoryTimeZone, () => repositoryTimeZone(null)),
      Promise.all(project.config.environmentNames.map((name) => readEnvironment(project, name, quiet, limit, connectTimeoutMs))),
    ]);
    return { operator, timeZone, histories };
  };
  const { operator, timeZone, histories } = await withinBudget(read(), options.budgetMs);

  const deployments = histories.flatMap((history) => ('deployments' in history ? history.deployments : []));
  const skipped = histories.flatMap((history) => ('skipped' in history ? [{ environment: history.environment, reason: history.skipped }] : []));
  const store = options.store ?? UserSettings.open(context.vars);
  const evaluation = evaluateAchievements(ownDeployments(deployments, operator), store.achievements(), context.clock(), timeZone);
  // Read again just before writing: another data process may have saved meanwhile.
  const { announce, state } = takeAnnouncements(mergeAchievementStates(store.achievements(), evaluation.state));
  store.setAchievements(state);
  return { operator, evaluation, announce, skipped };
}
