import { hostname, userInfo } from 'node:os';
import type { GitRepository } from '../adapters/git.js';

/** Who is running this: the git identity, else user@host. */
export async function operatorName(repository: GitRepository | null): Promise<string> {
  const identity = repository ? await repository.identity() : null;
  return identity ?? `${userInfo().username}@${hostname()}`;
}

export interface GitState {
  repository: GitRepository | null;
  sha: string | null;
  /** Why the deployment will not be tagged, when it will not. */
  untaggedReason: string | null;
}

export async function readGitState(repository: GitRepository | null, projectRoot: string): Promise<GitState> {
  if (!repository) return { repository, sha: null, untaggedReason: `${projectRoot} is not a git repository` };
  const sha = await repository.headSha();
  if (!sha) return { repository, sha, untaggedReason: 'the repository has no commit yet' };
  const dirty = await repository.uncommittedFiles();
  if (dirty.length > 0) {
    const shown = dirty.slice(0, 3).join(', ') + (dirty.length > 3 ? ` and ${dirty.length - 3} more` : '');
    return { repository, sha, untaggedReason: `the working tree has uncommitted changes (${shown}), so no commit matches what was deployed` };
  }
  return { repository, sha, untaggedReason: null };
}
