import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GitRepository } from '../adapters/git.js';
import { CONFIG_FILE_NAME } from '../domain/config.js';
import { usageError } from '../domain/errors.js';
import { nonInteractive, type EngineContext } from './context.js';
import { deploy } from './deploy.js';
import { DEMO_CONFIG, DEMO_STEPS } from './demo-project.js';
import { startLocalServer } from './local.js';
import { rollback } from './rollback.js';
import { DATA_DIR_IGNORE_LINE } from './workspace.js';

export interface DemoResult {
  dir: string;
  /** False when an existing demo project was reused. */
  created: boolean;
}

async function isDemoProject(dir: string): Promise<boolean> {
  try {
    return (await readFile(join(dir, CONFIG_FILE_NAME), 'utf8')) === DEMO_CONFIG;
  } catch {
    return false;
  }
}

/**
 * `data demo`: a git repository with the sample shop migrations, built
 * commit by commit, deployed to an embedded server as it grows: several
 * deployments, one failed, one rollback. An existing demo is reused.
 */
export async function createDemo(context: EngineContext, dirOption: string): Promise<DemoResult> {
  const dir = resolve(context.cwd, dirOption);
  const demo: EngineContext = { ...context, cwd: dir, configPath: undefined, urlOverride: undefined, interaction: nonInteractive };
  if (await isDemoProject(dir)) {
    context.report({ type: 'step', message: `reusing the demo project in ${dir}` });
    await startLocalServer(demo);
    return { dir, created: false };
  }
  if (existsSync(dir) && (await readdir(dir)).length > 0) {
    throw usageError(`${dir} exists and is not an empty folder or a data demo project`, { fix: 'pass --dir with a new folder, or remove that one' });
  }

  await mkdir(join(dir, 'migrations'), { recursive: true });
  await writeFile(join(dir, CONFIG_FILE_NAME), DEMO_CONFIG);
  await writeFile(join(dir, '.gitignore'), `${DATA_DIR_IGNORE_LINE}\n`);
  const repository = await GitRepository.init(dir);
  await repository.setLocalConfig('user.name', 'Data Demo');
  await repository.setLocalConfig('user.email', 'demo@data.invalid');
  await repository.setLocalConfig('commit.gpgsign', 'false');
  await repository.setLocalConfig('tag.gpgsign', 'false');

  for (const step of DEMO_STEPS) {
    for (const file of step.files) await writeFile(join(dir, 'migrations', file.name), file.sql);
    await repository.commitAll(step.message);
    context.report({ type: 'step', message: `commit: ${step.message}` });
    for (const action of step.actions) {
      if (action.kind === 'rollback') {
        await rollback(demo, action.environment, { yes: true });
        continue;
      }
      const { deployment } = await deploy(demo, action.environment, { yes: true });
      if (deployment && deployment.status === 'failed' && !action.expectFailure) {
        throw new Error(`the demo's deployment #${deployment.id} to ${action.environment} failed: ${deployment.error?.message}`);
      }
    }
  }
  return { dir, created: true };
}
