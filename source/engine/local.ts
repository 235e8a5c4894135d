import { embeddedServerStatus, ensureEmbeddedServer, stopEmbeddedServer, type EmbeddedStatus } from '../adapters/embedded-postgres.js';
import type { EngineContext } from './context.js';
import { loadProject } from './project.js';
import { embeddedStateDir } from './target.js';
import { ensureStateDirIgnored } from './workspace.js';

/** `data local start`: the project's embedded server, started when stopped. */
export async function startLocalServer(context: EngineContext): Promise<EmbeddedStatus> {
  const project = await loadProject(context);
  await ensureStateDirIgnored(project, context);
  await ensureEmbeddedServer(embeddedStateDir(project), { onStep: (message) => context.report({ type: 'step', message }) });
  return embeddedServerStatus(embeddedStateDir(project));
}

/** `data local stop`: true when a running server was stopped. */
export async function stopLocalServer(context: EngineContext): Promise<boolean> {
  const project = await loadProject(context);
  return stopEmbeddedServer(embeddedStateDir(project));
}

export async function localServerStatus(context: EngineContext): Promise<EmbeddedStatus> {
  const project = await loadProject(context);
  return embeddedServerStatus(embeddedStateDir(project));
}
