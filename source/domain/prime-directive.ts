/**
 * The prime directive: `.data-prime-directive.yml`, committed next to
 * data.config.yaml, holds the rules every deployment must pass. `data plan`
 * lists them with their verdicts, `data deploy` refuses (exit 3) while any
 * verdict is refused, and `data audit` lists the overrides.
 *
 * ```yaml
 * # .data-prime-directive.yml
 * timezone: Europe/Berlin              # IANA zone for windows and freezes; default UTC
 *
 * rules:
 *   never_drop_tables_with_data: true  # true, false, or { environments, final }
 *
 *   always_backup_before_destructive:
 *     environments: [prod]
 *
 *   no_migrations_on_friday_after_3pm: true
 *
 *   deploy_windows:                    # or just the list of windows
 *     allow:
 *       - mon-thu 09:00-17:00
 *       - fri 09:00-15:00
 *     environments: [prod, staging]
 *     final: true
 *
 *   freeze:                            # or just the list of periods
 *     environments: [prod]
 *     periods:
 *       - from: 2026-12-18
 *         to: 2027-01-04               # a date: frozen through that whole day
 *         reason: year-end freeze
 *       - from: 2026-11-27 15:00
 *         to: 2026-11-30 06:00
 *         reason: Black Friday weekend
 *
 *   require_approvals:
 *     count: 2
 *     environments: [prod]
 *
 *   require_two_approvals_for_production: true
 *
 *   maximum_migration_duration:        # or just 60s
 *     limit: 60s
 *     final: true
 * ```
 *
 * Every rule is optional; a rule that is absent or `false` does not apply.
 * Every rule written as a mapping accepts two keys besides its own:
 * - `environments: [prod, staging]`: the rule applies only there. Default: all
 *   environments, except `require_two_approvals_for_production`, whose
 *   "production" means the environments marked `protected: true` in
 *   data.config.yaml unless `environments` lists others.
 *   Every name must be an environment of data.config.yaml: an unknown one
 *   (a typo such as `prdo`) is a validation error, never a rule that
 *   silently applies nowhere.
 * - `final: true`: the rule cannot be overridden.
 *
 * The rules:
 * - `never_drop_tables_with_data`: refuses a plan that drops a table holding rows.
 * - `always_backup_before_destructive`: refuses a destructive plan (drops,
 *   truncates, column type changes); backups arrive with the snapshot issue.
 * - `no_migrations_on_friday_after_3pm`: refuses Friday from 15:00 to midnight.
 * - `deploy_windows`: deploys run only inside one of the weekly windows
 *   `<days> <HH:MM>-<HH:MM>`: days `mon` ... `sun`, as lists (`mon,wed`) or
 *   ranges (`mon-thu`; `fri-mon` wraps); the end is exclusive and may be 24:00.
 * - `freeze`: no deploys from `from` (inclusive) to `to`; each is a date
 *   (`2026-12-18`) or a local date and time (`2026-12-18 18:00`); a `to` that
 *   is a date lasts through that day. `reason` is required and shown.
 * - `require_approvals: { count }`: the plan needs `count` (at least 1)
 *   approvals from `data approve <env>` by distinct people other than the
 *   deployer, of this exact plan (see planHash): a changed plan voids them.
 * - `require_two_approvals_for_production`: `require_approvals` with count 2.
 * - `maximum_migration_duration: <duration>` (`limit` in the mapping form):
 *   each migration gets that statement_timeout and a deadline; exceeding it
 *   aborts the deployment and rolls it back.
 *
 * Windows and freezes read the wall clock of `timezone`. A rule that refuses
 * can be overridden with `--override <rule> --justification "<20+ characters>"`
 * unless it is final; an override of maximum_migration_duration lifts the limit.
 * An override naming no rule in force is refused, so a typo never reaches the
 * audit log as an accepted override.
 */
export { parsePrimeDirective, type PrimeDirectiveContext } from './prime-directive/parse.js';
export { evaluatePrimeDirective, MINIMUM_JUSTIFICATION_LENGTH } from './prime-directive/evaluate.js';
export { planHash, type PlanHashInput } from './prime-directive/plan-hash.js';
export { describeRules, listRules, type RuleSummary } from './prime-directive/list-rules.js';
export {
  RULE_IDS,
  type DeployFacts,
  type FreezePeriod,
  type PrimeDirective,
  type PrimeDirectiveRule,
  type RuleId,
  type RuleScope,
  type Verdict,
  type WeeklyWindow,
} from './prime-directive/types.js';

export const PRIME_DIRECTIVE_FILE_NAME = '.data-prime-directive.yml';
