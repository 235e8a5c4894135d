import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { readApprovals, readDeployments, readRowEstimates, type Database } from '../adapters/postgres.js';
import type { Override } from '../domain/deployment.js';
import { operationError, refusal, usageError, type DataError } from '../domain/errors.js';
import { isLintRuleId } from '../domain/lint/rule-ids.js';
import type { LintFinding } from '../domain/lint/lint.js';
import { LIVE_CHECK_RULES, type LiveCheckFinding } from '../domain/live-checks.js';
import {
  evaluatePrimeDirective,
  MINIMUM_JUSTIFICATION_LENGTH,
  parsePrimeDirective,
  planHash,
  PRIME_DIRECTIVE_FILE_NAME,
  RULE_IDS,
  type PrimeDirective,
  type Verdict,
} from '../domain/prime-directive.js';
import { assessRisk, type RiskAssessment } from '../domain/risk.js';
import { schemaChanges, type SchemaChange } from '../domain/schema-changes.js';
import { detectStress, type StressWarning } from '../domain/stress.js';
import type { EngineContext } from './context.js';
import { lintMigrations } from './lint.js';
import { runLiveChecks } from './live-checks.js';
import { GitRepository } from '../adapters/git.js';
import { loadSqlParser } from '../adapters/sql-parser.js';
import { operatorName } from './operator.js';
import { computePlan, type Plan } from './plan.js';
import { loadMigrations, loadProject, type Project } from './project.js';
import { connect, resolveTarget } from './target.js';

/** The sentence Riker mode needs, typed or passed with --i-understand. */
export const RIKER_SENTENCE = 'I understand the consequences and take full responsibility';

export interface SafetyOptions {
  /** `--override <rule> --justification "<text>"`. */
  overrides?: Array<{ rule: string; justification: string }>;
  /** `--riker-mode`: every rule that is not final is set aside, and every warning. */
  riker?: boolean;
}

/** Something that stops the deploy, with how to proceed. */
export interface Blocker {
  source: 'lint' | 'live-check' | 'prime-directive';
  rule: string;
  message: string;
  fix: string;
  final: boolean;
  /** 3 for a prime directive refusal, 1 for a lint error or a failed live check. */
  exitCode: 1 | 3;
}

export interface SafetyReport {
  environment: string;
  planHash: string;
  timeZone: string;
  lint: LintFinding[];
  live: LiveCheckFinding[];
  directive: { file: string | null; verdicts: Verdict[] };
  risk: RiskAssessment;
  stress: StressWarning[];
  /** The per-migration limit of maximum_migration_duration, when a rule sets one. */
  maximumDurationMs: number | null;
  blockers: Blocker[];
  /** Rules set aside for this deployment (by --override or Riker mode), with the justification. */
  overridden: Override[];
}

const LIVE_RULE_IDS = new Set<string>(Object.values(LIVE_CHECK_RULES));
const DIRECTIVE_RULE_IDS = new Set<string>(RULE_IDS);

/**
 * `.data-prime-directive.yml` next to data.config.yaml, or null when the
 * project has none. Validated against the project's environments: a rule
 * scoped to an environment the config does not define is an error (exit 2).
 * Every reader of the directive comes through here.
 */
export async function loadPrimeDirective(project: Project): Promise<PrimeDirective | null> {
  const file = join(project.root, PRIME_DIRECTIVE_FILE_NAME);
  if (!existsSync(file)) return null;
  return parsePrimeDirective(await readFile(file, 'utf8'), file, { environments: project.config.environmentNames, configFile: basename(project.configFile) });
}

/** The repository's time zone: the prime directive's `timezone`, else this machine's. */
export function repositoryTimeZone(directive: PrimeDirective | null): string {
  return directive?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

function checkOverrides(overrides: Array<{ rule: string; justification: string }>): void {
  for (const override of overrides) {
    const known = isLintRuleId(override.rule) || LIVE_RULE_IDS.has(override.rule) || DIRECTIVE_RULE_IDS.has(override.rule);
    if (!known) {
      throw usageError(`--override ${override.rule}: there is no rule with that id`, {
        fix: `use the id a refusal names: a prime directive rule (${RULE_IDS.join(', ')}), a lint rule or a live check`,
      });
    }
    if (override.justification.trim().length < MINIMUM_JUSTIFICATION_LENGTH) {
      throw usageError(`--override ${override.rule} needs --justification of at least ${MINIMUM_JUSTIFICATION_LENGTH} characters (got ${override.justification.trim().length})`, {
        fix: 'say why, in a sentence the audit log will keep: --justification "hotfix for the checkout outage, approved by the on-call lead"',
      });
    }
  }
}

/** The tables a plan's schema changes touch (`users` for `~ users.email`), as plain names pg_class can look up. */
function tablesOf(changes: SchemaChange[]): string[] {
  const plainName = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?$/;
  const names = changes.map((change) => {
    const first = change.object.split(' ')[0]!;
    if (change.kind === 'table' || change.kind === 'data') return first;
    if (change.kind === 'column' || (change.kind === 'constraint' && first.includes('.'))) return first.split('.').slice(0, -1).join('.');
    return change.kind === 'constraint' ? first : '';
  });
  return [...new Set(names.filter((name) => plainName.test(name)))];
}

/**
 * Everything the safety layer says about a plan before it runs: lint,
 * checks against the live target, the prime directive, the risk score and
 * stress warnings, and what of it blocks the deploy. Read-only.
 */
export async function assessSafety(context: EngineContext, db: Database, project: Project, plan: Plan, options: SafetyOptions & { protected: boolean; operator: string }): Promise<SafetyReport> {
  const overrides = options.overrides ?? [];
  checkOverrides(overrides);
  const environment = plan.environment;
  const now = context.clock();
  const directive = await loadPrimeDirective(project);
  const timeZone = repositoryTimeZone(directive);
  const pending = plan.pending.map((step) => step.migration);

  const lint = await lintMigrations(project, pending, { cwd: context.cwd });
  const live = await runLiveChecks(db, plan);
  const changes = plan.pending.flatMap((step) => {
    try {
      return schemaChanges(step.up.statements);
    } catch {
      return [];
    }
  });
  const destructive = changes.filter((change) => change.destructive);
  const history = await readDeployments(db, environment, { limit: 500 });
  const hash = planHash({
    environment,
    migrations: pending.map((migration) => ({ version: migration.version, checksum: migration.checksum })),
    applied: plan.applied.map((row) => ({ version: row.version, checksum: row.checksum })),
  });

  const facts = {
    environment,
    protected: options.protected,
    now,
    destructive: destructive.length > 0,
    tablesWithData: live
      .filter((finding) => finding.rule === 'never-drop-table-with-data' && finding.severity === 'error')
      .map((finding) => ({ table: finding.table, rows: finding.count ?? 0, estimate: finding.estimate })),
    approvals: (await readApprovals(db, environment)).map((approval) => ({ approver: approval.approver, planHash: approval.planHash })),
    planHash: hash,
    deployer: options.operator,
  };
  const directiveOverrides = overrides.filter((override) => DIRECTIVE_RULE_IDS.has(override.rule));
  let verdicts = directive ? evaluatePrimeDirective(directive, { ...facts, overrides: directiveOverrides }) : [];
  if (options.riker && directive) {
    const bypass = verdicts.filter((verdict) => verdict.status === 'refused' && !verdict.final && DIRECTIVE_RULE_IDS.has(verdict.rule));
    verdicts = evaluatePrimeDirective(directive, { ...facts, overrides: [...directiveOverrides, ...bypass.map((verdict) => ({ rule: verdict.rule, justification: RIKER_SENTENCE }))] });
  }

  const overridden: Override[] = [];
  const setAside = (rule: string): Override | null => {
    const explicit = overrides.find((override) => override.rule === rule);
    if (explicit) return { rule, justification: explicit.justification.trim() };
    return options.riker ? { rule, justification: RIKER_SENTENCE, riker: true } : null;
  };
  const blockers: Blocker[] = [];
  for (const finding of lint.filter((candidate) => candidate.severity === 'error')) {
    const aside = setAside(finding.rule);
    if (aside) overridden.push(aside);
    else blockers.push({ source: 'lint', rule: finding.rule, message: `${finding.file}:${finding.line}: ${finding.message}`, fix: `${finding.fix}; or silence it above the statement with -- data:ignore ${finding.rule} <reason>`, final: false, exitCode: 1 });
  }
  for (const finding of live.filter((candidate) => candidate.severity === 'error')) {
    const aside = setAside(finding.rule);
    if (aside) overridden.push(aside);
    else blockers.push({ source: 'live-check', rule: finding.rule, message: finding.message, fix: `${finding.fix}; or --override ${finding.rule} --justification "<why>"`, final: false, exitCode: 1 });
  }
  for (const verdict of verdicts) {
    if (verdict.status === 'refused') blockers.push({ source: 'prime-directive', rule: verdict.rule, message: verdict.reason, fix: verdict.fix, final: verdict.final, exitCode: 3 });
    if (verdict.status === 'overridden') overridden.push({ rule: verdict.rule, justification: verdict.justification ?? RIKER_SENTENCE, ...(options.riker && !directiveOverrides.some((o) => o.rule === verdict.rule) ? { riker: true } : {}) });
  }

  const rowEstimates = await readRowEstimates(db, tablesOf(changes));
  const risk = assessRisk({
    environment: { name: environment, protected: options.protected },
    findings: lint,
    destructiveChanges: destructive,
    rowEstimates,
    history,
    now,
    timeZone,
    migrationCount: pending.length,
    sqlBytes: pending.reduce((total, migration) => total + Buffer.byteLength(migration.up.sql), 0),
  });
  const stress = detectStress({ now, timeZone, environment: { name: environment, protected: options.protected }, history }, context.stressMessages);
  const limit = verdicts.find((verdict) => verdict.rule === 'maximum_migration_duration' && verdict.status === 'pass')?.maximumDurationMs ?? null;
  return {
    environment,
    planHash: hash,
    timeZone,
    lint,
    live,
    directive: { file: directive?.file ?? null, verdicts },
    risk,
    stress,
    maximumDurationMs: limit,
    blockers,
    overridden: dedupe(overridden),
  };
}

function dedupe(overrides: Override[]): Override[] {
  const seen = new Set<string>();
  return overrides.filter((override) => !seen.has(override.rule) && seen.add(override.rule));
}

export interface DeploymentReview {
  plan: Plan;
  safety: SafetyReport;
}

/** `data plan <env>` and the dashboard's deploy view: the plan and what the safety layer says of it. Read-only. */
export async function reviewDeployment(context: EngineContext, environment: string, options: SafetyOptions = {}): Promise<DeploymentReview> {
  await loadSqlParser();
  const project = await loadProject(context);
  const migrations = await loadMigrations(project);
  const target = await resolveTarget(project, environment, context);
  const operator = await operatorName(await GitRepository.open(project.root));
  const db = await connect(target);
  try {
    const plan = await computePlan(db, environment, migrations, project.migrationsDir);
    const safety = await assessSafety(context, db, project, plan, { ...options, protected: target.environment.protected, operator });
    return { plan, safety };
  } finally {
    await db.close();
  }
}

/** Blockers as one refusal: exit 3 when a prime directive rule refuses, else 1 (lint errors, failed checks). */
export function blockersError(environment: string, blockers: Blocker[]): DataError {
  const lines = blockers.map((blocker) => `- ${blocker.rule}: ${blocker.message}`).join('\n');
  const fixes = [...new Set(blockers.map((blocker) => `${blocker.rule}: ${blocker.fix}`))].join('\n  ');
  const message = `deploy to ${environment} refused by ${blockers.length} safety finding(s):\n${lines}`;
  const details = { where: `environment ${environment}`, fix: fixes };
  return blockers.some((blocker) => blocker.exitCode === 3) ? refusal(message, details) : operationError(message, details);
}

/** The safety report in `data plan --json`. */
export function safetyJson(safety: SafetyReport) {
  return {
    planHash: safety.planHash,
    timeZone: safety.timeZone,
    lint: safety.lint.map(({ file, rule, severity, line, message }) => ({ file, rule, severity, line, message })),
    liveChecks: safety.live,
    primeDirective: safety.directive,
    risk: safety.risk,
    warnings: safety.stress,
    blockers: safety.blockers,
  };
}
