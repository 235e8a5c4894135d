import { activePeriods, describeEnd, freezeEnd, nextPeriod } from './freeze-periods.js';
import { WEEKDAYS, localTime, type LocalTime } from '../local-time.js';
import { RULE_IDS, type DeployFacts, type PrimeDirective, type PrimeDirectiveRule, type RuleScope, type Verdict, type WeeklyWindow } from './types.js';
import { insideAnyWindow, nextOpening } from './weekly-windows.js';
import { nearest } from '../config.js';

/** An override needs a justification at least this long (after trimming). */
export const MINIMUM_JUSTIFICATION_LENGTH = 20;

/** What a rule finds before overrides are considered. */
interface Finding {
  ok: boolean;
  reason: string;
  /** How to comply without an override. */
  remedy: string;
  /** Leads in to the override command when doing it alone is not enough. */
  overrideHint?: string;
  maximumDurationMs?: number;
}

/** `no_migrations_on_friday_after_3pm` as allowed windows: all week except Friday from 15:00. */
const NOT_FRIDAY_AFTERNOON: WeeklyWindow[] = [
  { text: 'sat-thu 00:00-24:00', days: [0, 1, 2, 3, 5, 6], startMinute: 0, endMinute: 1440 },
  { text: 'fri 00:00-15:00', days: [4], startMinute: 0, endMinute: 900 },
];

/**
 * One verdict per rule in force, in file order, then one refusal per override
 * that names no rule in force. The deploy may run when no verdict is refused.
 */
export function evaluatePrimeDirective(directive: PrimeDirective, facts: DeployFacts): Verdict[] {
  const now = localTime(facts.now, directive.timeZone);
  const inForce = directive.rules.filter((rule) => rule.enabled);
  const verdicts = inForce.map((rule): Verdict => {
    if (!inScope(rule.environments, facts)) {
      return { rule: rule.id, status: 'pass', reason: outOfScope(rule.environments, facts.environment), fix: '', final: rule.final };
    }
    return decide(rule, find(rule, facts, now, directive.timeZone), facts);
  });
  return [...verdicts, ...strayOverrides(directive, inForce, facts)];
}

function inScope(scope: RuleScope, facts: DeployFacts): boolean {
  if (scope === 'all') return true;
  if (scope === 'protected') return facts.protected;
  return scope.includes(facts.environment);
}

function outOfScope(scope: RuleScope, environment: string): string {
  return scope === 'protected'
    ? `applies only to protected environments; ${environment} is not protected`
    : `applies only to ${(scope as readonly string[]).join(', ')}; not to ${environment}`;
}

function find(rule: PrimeDirectiveRule, facts: DeployFacts, now: LocalTime, timeZone: string): Finding {
  const where = `${WEEKDAYS[now.weekday]} ${now.text}`;
  switch (rule.id) {
    case 'never_drop_tables_with_data': {
      const tables = facts.tablesWithData;
      if (tables.length === 0) return { ok: true, reason: 'the plan drops no table that holds rows', remedy: '' };
      const list = tables.map(({ table, rows, estimate }) => `${table} (${estimate ? 'about ' : ''}${count(rows, 'row')}${estimate ? ', estimated' : ''})`);
      return {
        ok: false,
        reason: `the plan drops ${tables.length === 1 ? 'a table that holds' : `${tables.length} tables that hold`} rows: ${list.join(', ')}`,
        remedy: 'keep the table, or move its rows away and empty it in an earlier deployment',
      };
    }
    case 'always_backup_before_destructive':
      if (!facts.destructive) return { ok: true, reason: 'the plan is not destructive: no backup needed', remedy: '' };
      return {
        ok: false,
        reason: 'the plan is destructive (it drops, truncates or changes column types) and needs a backup first, but data cannot take backups yet: they arrive with the snapshot issue',
        remedy: 'move the destructive statements to a later deployment',
        overrideHint: 'or back the database up yourself (pg_dump), then override',
      };
    case 'no_migrations_on_friday_after_3pm':
      if (insideAnyWindow(NOT_FRIDAY_AFTERNOON, now)) return { ok: true, reason: `it is ${where} in ${timeZone}: not Friday after 15:00`, remedy: '' };
      return {
        ok: false,
        reason: `no migrations on Friday after 15:00 (${timeZone}): it is ${where} there`,
        remedy: `wait until ${nextOpening(NOT_FRIDAY_AFTERNOON, now)} (${timeZone})`,
      };
    case 'deploy_windows': {
      const open = rule.windows.find((window) => insideAnyWindow([window], now));
      if (open) return { ok: true, reason: `it is ${where} in ${timeZone}, inside the window ${open.text}`, remedy: '' };
      return {
        ok: false,
        reason: `deploys to ${facts.environment} are allowed only ${rule.windows.map((window) => window.text).join(', ')} (${timeZone}); it is ${where} there`,
        remedy: `wait for the next window: ${nextOpening(rule.windows, now)} (${timeZone})`,
      };
    }
    case 'freeze': {
      const active = activePeriods(rule.periods, now);
      if (active.length === 0) {
        const next = nextPeriod(rule.periods, now);
        const upcoming = next ? `; the next one starts ${next.fromText} (${next.reason})` : '';
        return { ok: true, reason: `no freeze on ${facts.environment} at ${now.text} (${timeZone})${upcoming}`, remedy: '' };
      }
      const periods = active.map((period) => `${describeEnd(period)} (${timeZone}): ${period.reason}`);
      return {
        ok: false,
        reason: `deploys to ${facts.environment} are frozen ${periods.join('; and ')}`,
        remedy: `wait until the freeze ends at ${freezeEnd(rule.periods, now)} (${timeZone})`,
      };
    }
    case 'require_approvals':
    case 'require_two_approvals_for_production':
      return approvals(rule.count, facts);
    case 'maximum_migration_duration':
      return {
        ok: true,
        reason: `each migration on ${facts.environment} may run at most ${rule.limitText} (statement_timeout and a deadline per migration); exceeding it aborts and rolls back the deployment`,
        remedy: `deploy without --override ${rule.id}; split a migration that needs longer`,
        maximumDurationMs: rule.limitMs,
      };
  }
}

function approvals(needed: number, facts: DeployFacts): Finding {
  const person = (name: string) => name.trim().toLowerCase();
  const deployer = person(facts.deployer);
  const valid = new Map<string, string>();
  const stale = new Map<string, string>();
  let ownApproval = false;
  for (const approval of facts.approvals) {
    const who = person(approval.approver);
    if (who === deployer) ownApproval ||= approval.planHash === facts.planHash;
    else if (approval.planHash === facts.planHash) valid.set(who, valid.get(who) ?? approval.approver.trim());
    else stale.set(who, stale.get(who) ?? approval.approver.trim());
  }
  for (const who of valid.keys()) stale.delete(who);

  const plan = `plan ${facts.planHash.slice(0, 12)}`;
  const names = (map: Map<string, string>) => (map.size > 0 ? ` (${[...map.values()].join(', ')})` : '');
  if (valid.size >= needed) {
    return { ok: true, reason: `${count(valid.size, 'approval')} of ${plan} by people other than the deployer${names(valid)}; ${needed} needed`, remedy: '' };
  }
  const notes = [
    ownApproval ? `${facts.deployer.trim()} is deploying, so their own approval does not count` : '',
    stale.size > 0 ? `${count(stale.size, 'earlier approval')}${names(stale)} ${stale.size === 1 ? 'is' : 'are'} stale: the plan changed since (new migrations or a changed target)` : '',
  ].filter(Boolean);
  const missing = needed - valid.size;
  return {
    ok: false,
    reason: `deploys to ${facts.environment} need ${count(needed, 'approval')} of ${plan} by people other than the deployer; it has ${valid.size}${names(valid)}${notes.map((note) => `; ${note}`).join('')}`,
    remedy: `ask ${missing === 1 ? 'one more person' : `${missing} more people`} (not ${facts.deployer.trim()}) to run \`data approve ${facts.environment}\` on this plan`,
  };
}

/** Applies an override, if one names the rule, to what the rule found. */
function decide(rule: PrimeDirectiveRule, finding: Finding, facts: DeployFacts): Verdict {
  const override = facts.overrides.find((candidate) => candidate.rule === rule.id);
  // A limit passes and applies; only an override lifts it.
  const liftable = finding.maximumDurationMs !== undefined;
  const verdict = (status: Verdict['status'], reason: string, fix: string): Verdict => ({
    rule: rule.id,
    status,
    reason,
    fix,
    final: rule.final,
    ...(liftable && status !== 'overridden' ? { maximumDurationMs: finding.maximumDurationMs } : {}),
  });
  if (finding.ok && !(liftable && override)) return verdict('pass', finding.reason, '');

  const command = `data deploy ${facts.environment} --override ${rule.id} --justification "<why, in at least ${MINIMUM_JUSTIFICATION_LENGTH} characters>"`;
  if (rule.final) {
    const attempt = override ? `; --override ${rule.id} was given, but this rule is final and cannot be overridden` : '';
    return verdict('refused', `${finding.reason}${attempt}`, `this rule is final: ${finding.remedy}`);
  }
  if (!override) return verdict('refused', finding.reason, `${finding.remedy}; ${finding.overrideHint ?? 'or override'}: ${command}`);
  const justification = override.justification.trim();
  if (justification.length < MINIMUM_JUSTIFICATION_LENGTH) {
    return verdict(
      'refused',
      `${finding.reason}; the justification for --override ${rule.id} has ${count(justification.length, 'character')}, at least ${MINIMUM_JUSTIFICATION_LENGTH} are needed`,
      `give a justification of at least ${MINIMUM_JUSTIFICATION_LENGTH} characters: ${command}`,
    );
  }
  return { ...verdict('overridden', `${finding.reason}; overridden by ${facts.deployer.trim()}: "${justification}"`, ''), justification };
}

/** An override that names no rule in force is refused, so a typo cannot pass unnoticed into the audit log. */
function strayOverrides(directive: PrimeDirective, inForce: PrimeDirectiveRule[], facts: DeployFacts): Verdict[] {
  const names = inForce.map((rule) => rule.id as string);
  const stray = [...new Set(facts.overrides.map((override) => override.rule))].filter((name) => !names.includes(name));
  return stray.map((name) => {
    const known = (RULE_IDS as readonly string[]).includes(name);
    const guess = nearest(name, names);
    return {
      rule: name,
      status: 'refused',
      reason: known ? `--override ${name}: ${directive.file} has no ${name} rule in force` : `--override ${name} names no rule of the prime directive`,
      fix: `${guess ? `did you mean --override ${guess}? ` : ''}remove --override ${name}${names.length > 0 ? `; rules in force: ${names.join(', ')}` : ''}`,
      final: false,
    };
  });
}

function count(amount: number, noun: string): string {
  return `${new Intl.NumberFormat('en-US').format(amount)} ${noun}${amount === 1 ? '' : 's'}`;
}
