/**
 * The ids of the lint rules, as squawk names them so its users recognise
 * them. The config reads this list without loading the rules themselves;
 * the registry (rules/index.ts) must hold one rule for each.
 */
export const LINT_RULE_IDS = [
  'adding-not-nullable-field',
  'adding-field-with-default',
  'require-concurrent-index-creation',
  'require-concurrent-index-deletion',
  'constraint-missing-not-valid',
  'changing-column-type',
  'renaming-column',
  'renaming-table',
  'ban-drop-table',
  'ban-drop-column',
  'ban-drop-database',
  'ban-truncate-cascade',
  'ban-drop-not-null',
  'disallowed-unique-constraint',
  'prefer-timestamptz',
  'prefer-text-field',
  'prefer-identity',
  'ban-concurrent-index-creation-in-transaction',
  'security-definer-without-search-path',
] as const;

export type LintRuleId = (typeof LINT_RULE_IDS)[number];

export type Severity = 'error' | 'warning';

/** What data.config.yaml may set a rule to: `lint: { rules: { <id>: off | warning | error } }`. */
export const RULE_SETTINGS = ['off', 'warning', 'error'] as const;
export type RuleSetting = (typeof RULE_SETTINGS)[number];

export type LintRuleSettings = Partial<Record<LintRuleId, RuleSetting>>;

export const isLintRuleId = (id: string): id is LintRuleId => (LINT_RULE_IDS as readonly string[]).includes(id);
