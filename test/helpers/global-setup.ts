import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { destroyEmbeddedServer, ensureEmbeddedServer, instanceUrl } from '../../source/adapters/embedded-postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the test server; each test file creates its own database there. */
    adminUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole run: the embedded one (a real server
 * from the npm registry), or DATA_TEST_DATABASE_URL's.
 */
export default async function setup(project: TestProject) {
  // The run's settings folder (vitest.config.ts names it after this process) goes with the run.
  const removeSettings = () => rm(join(tmpdir(), `data-test-settings-${process.pid}`), { recursive: true, force: true });
  const external = process.env.DATA_TEST_DATABASE_URL;
  if (external) {
    project.provide('adminUrl', external);
    return removeSettings;
  }
  const stateDir = await mkdtemp(join(tmpdir(), 'data-test-server-'));
  const instance = await ensureEmbeddedServer(stateDir, { settings: ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] });
  project.provide('adminUrl', instanceUrl(instance, 'postgres'));
  return async () => {
    await destroyEmbeddedServer(stateDir);
    await removeSettings();
  };
}
