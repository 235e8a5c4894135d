export type DeploymentKind = 'deploy' | 'rollback' | 'riker';
export type DeploymentStatus = 'running' | 'succeeded' | 'failed' | 'rolled_back';

export interface DeploymentError {
  message: string;
  /** The migration that failed, when one did. */
  migration?: string;
  file?: string;
  /** 1-based index of the failing statement in its file, and its first line. */
  statement?: number;
  line?: number;
  sql?: string;
  /** SQLSTATE from PostgreSQL. */
  code?: string;
  detail?: string;
  hint?: string;
  /** True when it was interrupted: cancelled by the operator, or its process ended before it finished. */
  interrupted?: boolean;
  /**
   * Versions whose work was committed before the failure and stays: applied
   * by a deploy, reverted by a rollback. Only a no-transaction file commits
   * between steps, so without one this is absent: nothing changed.
   */
  committed?: string[];
  /** Statements of the failing no-transaction file that ran before it failed, and stay. */
  statementsKept?: number;
}

export interface DeploymentRisk {
  probability: number;
  level: string;
  model: string;
  factors: string[];
}

export interface Override {
  rule: string;
  justification: string;
  /** True when Riker mode bypassed it rather than an explicit --override. */
  riker?: boolean;
}

/** A row of data_meta.deployments. */
export interface Deployment {
  id: number;
  environment: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  gitSha: string | null;
  gitTag: string | null;
  operator: string;
  startedAt: Date;
  finishedAt: Date | null;
  migrations: string[];
  /** For a rollback: the deployments it undid. */
  reverts: number[];
  persona: string | null;
  justification: string | null;
  /** The risk assessment shown before it ran (probability of success, level, model, factors). */
  risk?: DeploymentRisk | null;
  /** Safety rules overridden for it (or bypassed in Riker mode), each with its justification. */
  overrides?: Override[];
  error: DeploymentError | null;
  /** A running row whose process is gone: reported, repaired by the next deploy or rollback. */
  interrupted?: boolean;
}

export const durationMs = (deployment: Pick<Deployment, 'startedAt' | 'finishedAt'>): number | null =>
  deployment.finishedAt ? deployment.finishedAt.getTime() - deployment.startedAt.getTime() : null;

/** The JSON record of DESIGN.md section 4 (also the message of the deployment's git tag). */
export function deploymentRecord(deployment: Deployment) {
  return {
    id: deployment.id,
    environment: deployment.environment,
    kind: deployment.kind,
    status: deployment.status,
    migrations: deployment.migrations,
    gitSha: deployment.gitSha,
    gitTag: deployment.gitTag,
    operator: deployment.operator,
    startedAt: deployment.startedAt.toISOString(),
    finishedAt: deployment.finishedAt?.toISOString() ?? null,
    durationMs: durationMs(deployment),
    reverts: deployment.reverts,
    error: deployment.error,
    ...(deployment.risk ? { risk: deployment.risk } : {}),
    ...(deployment.overrides?.length ? { overrides: deployment.overrides, justification: deployment.justification } : {}),
    ...(deployment.interrupted ? { interrupted: true } : {}),
  };
}

/** `, statement 2 (file.sql:3)` when the failing statement is known. */
export function failedAt(error: DeploymentError): string {
  return error.statement ? `, statement ${error.statement} (${error.file}:${error.line})` : ` (${error.file})`;
}

/** What a failed deploy or rollback left behind: nothing, or the versions committed before the failure. */
export function failureAftermath(deployment: Pick<Deployment, 'kind' | 'error'>): string {
  const committed = deployment.error?.committed ?? [];
  const kept = deployment.error?.statementsKept ?? 0;
  const partly = kept > 0 ? `; ${kept === 1 ? 'statement 1' : `statements 1-${kept}`} of ${deployment.error?.migration ?? 'the failing file'} ran and stay` : '';
  if (deployment.kind === 'rollback') {
    if (committed.length > 0) return `committed before the failure and still reverted: ${committed.join(', ')}; the rest stays applied${partly}`;
    return kept > 0 ? `no migration was reverted whole${partly}` : 'nothing was reverted: the failing transaction was rolled back';
  }
  if (committed.length > 0) return `committed before the failure and still applied: ${committed.join(', ')}${partly}`;
  return kept > 0 ? `no migration was applied whole${partly}` : 'nothing was applied: the failing transaction was rolled back';
}
