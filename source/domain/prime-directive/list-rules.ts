import { describeEnd } from './freeze-periods.js';
import type { PrimeDirective, PrimeDirectiveRule, RuleId, RuleScope } from './types.js';

/** One rule as `data plan` and `data audit` show it. */
export interface RuleSummary {
  rule: RuleId;
  enabled: boolean;
  /** One line per window set, freeze period or setting. */
  settings: string[];
  /** `all`, `protected`, or the names listed. */
  environments: string;
  final: boolean;
  line: number;
}

export function describeRules(directive: PrimeDirective): RuleSummary[] {
  return directive.rules.map((rule) => ({
    rule: rule.id,
    enabled: rule.enabled,
    settings: rule.enabled ? settings(rule, directive.timeZone) : ['off'],
    environments: scopeText(rule.environments),
    final: rule.final,
    line: rule.line,
  }));
}

/** The rules as a plain text table: rule, setting, environments, final. */
export function listRules(directive: PrimeDirective): string {
  const rows = describeRules(directive);
  if (rows.length === 0) return `no rules in ${directive.file}`;
  const table = [
    ['rule', 'setting', 'environments', 'final'],
    ...rows.flatMap((row) => row.settings.map((line, index) => (index === 0 ? [row.rule, line, row.environments, row.final ? 'yes' : 'no'] : ['', line, '', '']))),
  ];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((cells) => cells[column]!.length)));
  return table.map((cells) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

function settings(rule: PrimeDirectiveRule, timeZone: string): string[] {
  switch (rule.id) {
    case 'never_drop_tables_with_data':
      return ['refuses to drop a table that holds rows'];
    case 'always_backup_before_destructive':
      return ['backup before destructive deploys (refused until backups arrive with the snapshot issue)'];
    case 'no_migrations_on_friday_after_3pm':
      return [`no deploys on Friday from 15:00 (${timeZone})`];
    case 'deploy_windows':
      return [`only ${rule.windows.map((window) => window.text).join(', ')} (${timeZone})`];
    case 'freeze':
      return rule.periods.map((period) => `${period.fromText} ${describeEnd(period)} (${timeZone}): ${period.reason}`);
    case 'require_approvals':
    case 'require_two_approvals_for_production':
      return [`${rule.count} approval${rule.count === 1 ? '' : 's'} of the exact plan, not by the deployer`];
    case 'maximum_migration_duration':
      return [`${rule.limitText} per migration (statement_timeout and deadline)`];
  }
}

function scopeText(scope: RuleScope): string {
  return typeof scope === 'string' ? scope : scope.join(', ');
}
