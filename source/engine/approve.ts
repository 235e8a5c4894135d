import { GitRepository } from '../adapters/git.js';
import { ensureBookkeeping, readApprovals, recordApproval, type Approval } from '../adapters/postgres.js';
import { loadSqlParser } from '../adapters/sql-parser.js';
import { operationError } from '../domain/errors.js';
import { planHash } from '../domain/prime-directive.js';
import type { EngineContext } from './context.js';
import { operatorName } from './operator.js';
import { computePlan } from './plan.js';
import { loadMigrations, loadProject } from './project.js';
import { connect, resolveTarget } from './target.js';

export interface ApprovalResult {
  environment: string;
  planHash: string;
  approver: string;
  /** The migrations approved. */
  migrations: string[];
  /** False when this person had already approved this exact plan. */
  recorded: boolean;
  /** Everyone who has approved this exact plan. */
  approvers: string[];
}

/**
 * `data approve <env>`: records that the current git user approves the
 * exact plan: the pending migrations (by checksum) against the target's
 * applied state. Any change to either makes a new plan, and the prime
 * directive then ignores approvals of the old one.
 */
export async function approvePlan(context: EngineContext, environment: string): Promise<ApprovalResult> {
  await loadSqlParser();
  const project = await loadProject(context);
  const migrations = await loadMigrations(project);
  const target = await resolveTarget(project, environment, context);
  const approver = await operatorName(await GitRepository.open(project.root));
  const db = await connect(target);
  try {
    await ensureBookkeeping(db);
    const plan = await computePlan(db, environment, migrations, project.migrationsDir);
    if (plan.pending.length === 0) {
      throw operationError(`nothing to approve: ${environment} has no pending migration`, { where: `environment ${environment}`, fix: `see \`data status ${environment}\`` });
    }
    const hash = planHash({
      environment,
      migrations: plan.pending.map(({ migration }) => ({ version: migration.version, checksum: migration.checksum })),
      applied: plan.applied.map((row) => ({ version: row.version, checksum: row.checksum })),
    });
    const approval: Approval = { environment, planHash: hash, approver, approvedAt: context.clock() };
    const recorded = await recordApproval(db, approval);
    const approvers = (await readApprovals(db, environment)).filter((row) => row.planHash === hash).map((row) => row.approver);
    return { environment, planHash: hash, approver, migrations: plan.pending.map(({ migration }) => migration.version), recorded, approvers };
  } finally {
    await db.close();
  }
}
