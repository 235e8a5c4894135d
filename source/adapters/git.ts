import { simpleGit, type SimpleGit } from 'simple-git';

/** The project's git repository, through simple-git. */
export class GitRepository {
  private constructor(
    private readonly git: SimpleGit,
    readonly root: string,
  ) {}

  /** Repositories found in this process, by the folder asked about: a repository's root does not move. */
  private static readonly found = new Map<string, GitRepository>();

  /** The repository holding dir, or null when dir is not inside one. */
  static async open(dir: string): Promise<GitRepository | null> {
    const known = GitRepository.found.get(dir);
    if (known) return known;
    try {
      // One git process: outside a work tree (or inside .git) this fails.
      const root = (await simpleGit({ baseDir: dir }).revparse(['--show-toplevel'])).trim();
      if (!root) return null;
      const repository = new GitRepository(simpleGit({ baseDir: root }), root);
      GitRepository.found.set(dir, repository);
      return repository;
    } catch {
      return null;
    }
  }

  static async init(dir: string): Promise<GitRepository> {
    const git = simpleGit({ baseDir: dir });
    await git.init(['--initial-branch=main']);
    return new GitRepository(git, dir);
  }

  /** The commit HEAD points at, or null in a repository without commits. */
  async headSha(): Promise<string | null> {
    try {
      return (await this.git.revparse(['--verify', '--quiet', 'HEAD^{commit}'])).trim() || null;
    } catch {
      return null;
    }
  }

  /** Changed, staged or untracked files (ignored files do not count). */
  async uncommittedFiles(): Promise<string[]> {
    const status = await this.git.status();
    return status.files.map((file) => file.path);
  }

  async tagExists(name: string): Promise<boolean> {
    const output = await this.git.raw(['tag', '--list', name]);
    return output.trim() !== '';
  }

  async tagNames(pattern: string): Promise<Set<string>> {
    const output = await this.git.raw(['tag', '--list', pattern]);
    return new Set(output.split('\n').map((line) => line.trim()).filter(Boolean));
  }

  /** Creates an annotated tag; `tagger` signs it when git has no identity configured. */
  async createAnnotatedTag(name: string, message: string, sha: string, tagger: string): Promise<void> {
    const args = ['tag', '--annotate', name, '--message', message, sha];
    if (await this.identity()) {
      await this.git.raw(args);
      return;
    }
    const match = /^(.*?)\s*<([^>]+)>$/.exec(tagger);
    const email = match ? match[2]! : tagger.includes('@') ? tagger : `${tagger}@localhost`;
    await this.git.raw(['-c', `user.name=${match ? match[1] || email : tagger}`, '-c', `user.email=${email}`, ...args]);
  }

  /** `Name <email>` from git config, or null when unset. */
  async identity(): Promise<string | null> {
    let output = '';
    try {
      // One git process for both keys; git exits 1 when neither is set.
      output = await this.git.raw(['config', '--get-regexp', '^user\\.(name|email)$']);
    } catch {
      return null;
    }
    const values = new Map<string, string>();
    for (const line of output.split('\n')) {
      const space = line.indexOf(' ');
      // The last value of a key wins, as in git itself.
      if (space > 0 && line.slice(space + 1).trim()) values.set(line.slice(0, space), line.slice(space + 1).trim());
    }
    const name = values.get('user.name') ?? null;
    const email = values.get('user.email') ?? null;
    if (!name && !email) return null;
    return email ? `${name ?? email} <${email}>` : name;
  }

  /** True when git ignores the path (relative to the repository root or absolute). */
  async isIgnored(path: string): Promise<boolean> {
    const ignored = await this.git.checkIgnore([path]);
    return ignored.length > 0;
  }

  async setLocalConfig(key: string, value: string): Promise<void> {
    await this.git.addConfig(key, value, false, 'local');
  }

  async commitAll(message: string): Promise<string> {
    await this.git.add(['--all']);
    const result = await this.git.commit(message);
    return result.commit;
  }
}
