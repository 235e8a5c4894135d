import { appendFile, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { GitRepository } from '../adapters/git.js';
import { usageError } from '../domain/errors.js';
import type { EngineContext } from './context.js';
import type { Project } from './project.js';

/** The .gitignore line that keeps local state out of the repository. */
export const DATA_DIR_IGNORE_LINE = '.data/';

/** Appends `line` to the .gitignore in dir, on a line of its own. */
export async function addIgnoreLine(dir: string, line: string): Promise<void> {
  const file = join(dir, '.gitignore');
  let existing = '';
  try {
    existing = await readFile(file, 'utf8');
  } catch {
    // no .gitignore yet
  }
  if (existing.split(/\r?\n/).some((entry) => entry.trim() === line)) return;
  await appendFile(file, `${existing && !existing.endsWith('\n') ? '\n' : ''}${line}\n`);
}

const stateDirChecks = new Map<string, Promise<void>>();

/**
 * Before anything is written under .data/: the repository must ignore it.
 * Interactive runs are offered the fix; others fail with exit 2 and the fix.
 */
export function ensureStateDirIgnored(project: Project, context: Pick<EngineContext, 'interaction'>): Promise<void> {
  // One check per folder and process, shared by the embedded environments that
  // resolve at the same time (one question, two git processes, not one per
  // environment per refresh). A failed check is forgotten, so the next one asks again.
  let check = stateDirChecks.get(project.stateDir);
  if (!check) {
    check = checkStateDirIgnored(project, context);
    stateDirChecks.set(project.stateDir, check);
    check.catch(() => stateDirChecks.delete(project.stateDir));
  }
  return check;
}

async function checkStateDirIgnored(project: Project, context: Pick<EngineContext, 'interaction'>): Promise<void> {
  const repository = await GitRepository.open(project.root);
  if (!repository) return;
  const stateDir = relative(repository.root, project.stateDir) || '.data';
  if (await repository.isIgnored(`${stateDir}/`)) return;
  const ignoreDir = project.root;
  const question = `${stateDir}/ holds local state (the embedded server, worktrees) and is not git-ignored. Add "${DATA_DIR_IGNORE_LINE}" to ${join(ignoreDir, '.gitignore')}?`;
  if (context.interaction.interactive && (await context.interaction.confirm(question))) {
    await addIgnoreLine(ignoreDir, DATA_DIR_IGNORE_LINE);
    return;
  }
  throw usageError(`${stateDir}/ is not ignored by git, and data would write local state there`, {
    where: repository.root,
    fix: `echo '${DATA_DIR_IGNORE_LINE}' >> ${join(ignoreDir, '.gitignore')}`,
  });
}
