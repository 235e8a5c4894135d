import type { Deployment, DeploymentError } from '../domain/deployment.js';
import type { StressMessages } from '../domain/stress.js';
import type { Project } from './project.js';

/** Progress of an operation; commands print it as lines, the dashboard as panes. */
export type EngineEvent =
  | { type: 'step'; message: string }
  | { type: 'lock.waiting'; environment: string; holder: string }
  | { type: 'lock.acquired'; environment: string; waitedMs: number }
  | { type: 'interrupted.repaired'; environment: string; ids: number[] }
  | { type: 'deployment.started'; id: number; kind: Deployment['kind']; environment: string; migrations: string[] }
  | { type: 'migration.started'; version: string; name: string; file: string; statements: number; direction: 'up' | 'down' }
  | { type: 'migration.finished'; version: string; name: string; ms: number; direction: 'up' | 'down' }
  | { type: 'migration.failed'; version: string; name: string; error: DeploymentError; direction: 'up' | 'down' }
  | { type: 'deployment.finished'; deployment: Deployment }
  | { type: 'safety.assessed'; environment: string; risk: string; warnings: string[]; overridden: Array<{ rule: string; justification: string; riker?: boolean }> }
  | { type: 'tag.created'; tag: string }
  | { type: 'tag.skipped'; reason: string };

export type Reporter = (event: EngineEvent) => void;

/** How an operation asks the person at the keyboard, when there is one. */
export interface Interaction {
  /** False for pipes, CI and --json: never ask, refuse instead. */
  readonly interactive: boolean;
  confirm(question: string): Promise<boolean>;
  /** Asks to type `expected` back; true when it was typed exactly. */
  typeToConfirm(prompt: string, expected: string): Promise<boolean>;
  /** Runs `data setup` for an environment with no connection; true when a profile was saved. */
  setUpConnection?(project: Project, environment: string): Promise<boolean>;
}

export const nonInteractive: Interaction = {
  interactive: false,
  confirm: async () => false,
  typeToConfirm: async () => false,
};

/** What every operation gets from its caller: no hidden globals. */
export interface EngineContext {
  cwd: string;
  /** --config PATH */
  configPath?: string;
  /** --url, else DATABASE_URL: replaces the environment's own connection for this run. */
  urlOverride?: string;
  /** Variables for ${VAR} expansion. */
  vars: Record<string, string | undefined>;
  clock: () => Date;
  report: Reporter;
  interaction: Interaction;
  /** The words of stress warnings: the persona's; the neutral catalogue when absent (plain mode). */
  stressMessages?: StressMessages;
  /** The persona speaking in this run, recorded on the deployments it makes; absent in plain mode. */
  persona?: string;
  /**
   * Aborted when the operator interrupts (Ctrl-C, SIGTERM, quitting the
   * dashboard): a deploy or rollback cancels its running statement, so its
   * transaction rolls back, records itself failed and returns.
   */
  signal?: AbortSignal;
}
