import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll } from 'vitest';
import { nonInteractive, type EngineContext, type EngineEvent, type Interaction } from '../../source/engine/context.js';

export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');

export const DEFAULT_CONFIG = `project: shop
migrations: migrations
environments:
  dev:
    url: \${DATA_TEST_URL}
    lock_wait: 2s
  prod:
    url: \${DATA_TEST_URL}
    protected: true
`;

export interface TestProject {
  dir: string;
  /** Variables for ${VAR} in the config: DATA_TEST_URL is the project's database. */
  vars: Record<string, string>;
  write(path: string, content: string): Promise<void>;
  remove(path: string): Promise<void>;
  git(...args: string[]): string;
  commit(message: string): string;
}

export interface ProjectOptions {
  url: string;
  migrations?: Record<string, string>;
  config?: string;
  /** Make it a git repository with everything committed (default true). */
  git?: boolean;
}

const made: string[] = [];
afterAll(async () => {
  for (const dir of made.splice(0)) await rm(dir, { recursive: true, force: true });
});

export async function makeProject(options: ProjectOptions): Promise<TestProject> {
  const dir = await mkdtemp(join(tmpdir(), 'data-project-'));
  made.push(dir);
  const write = async (path: string, content: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  await write('data.config.yaml', options.config ?? DEFAULT_CONFIG);
  await mkdir(join(dir, 'migrations'), { recursive: true });
  for (const [name, sql] of Object.entries(options.migrations ?? {})) await write(`migrations/${name}`, sql);
  const project: TestProject = {
    dir,
    vars: { DATA_TEST_URL: options.url },
    write,
    remove: (path) => rm(join(dir, path), { force: true }),
    git,
    commit: (message) => {
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
  if (options.git !== false) {
    await write('.gitignore', '.data/\n');
    git('init', '--quiet', '--initial-branch=main');
    git('config', 'user.name', 'Test Operator');
    git('config', 'user.email', 'operator@example.test');
    git('config', 'commit.gpgsign', 'false');
    git('config', 'tag.gpgsign', 'false');
    project.commit('initial');
  }
  return project;
}

export interface CapturedContext extends EngineContext {
  events: EngineEvent[];
}

/** An engine context for a project, capturing its events. */
export function contextFor(project: TestProject, overrides: Partial<EngineContext> = {}): CapturedContext {
  const events: EngineEvent[] = [];
  return {
    cwd: project.dir,
    vars: project.vars,
    clock: () => new Date(),
    report: (event) => events.push(event),
    interaction: nonInteractive,
    events,
    ...overrides,
  };
}

/** Answers prompts from a script; records what was asked. */
export function scriptedInteraction(answers: { confirm?: boolean; typed?: string }): Interaction & { asked: string[] } {
  const asked: string[] = [];
  return {
    interactive: true,
    asked,
    confirm: async (question) => {
      asked.push(question);
      return answers.confirm ?? false;
    },
    typeToConfirm: async (prompt, expected) => {
      asked.push(prompt);
      return answers.typed === expected;
    },
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `data` binary as a user would. */
export async function runCli(args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<CliResult> {
  const result = await execa('node', [CLI, ...args], {
    cwd: options.cwd,
    reject: false,
    stdin: 'ignore',
    // The machine's own DATABASE_URL and NO_COLOR never leak in; a test that wants one passes it.
    env: { DATABASE_URL: undefined, NO_COLOR: undefined, CI: 'true', ...options.env },
  });
  return { code: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}
