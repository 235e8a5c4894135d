/** The rules `.data-prime-directive.yml` knows, in the order `data plan` lists them. */
export const RULE_IDS = [
  'never_drop_tables_with_data',
  'always_backup_before_destructive',
  'no_migrations_on_friday_after_3pm',
  'deploy_windows',
  'freeze',
  'require_approvals',
  'require_two_approvals_for_production',
  'maximum_migration_duration',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

/** Where a rule applies: every environment, the protected ones, or the ones listed by name. */
export type RuleScope = 'all' | 'protected' | readonly string[];

interface RuleBase {
  /** Line of the rule's key in the file (1-based). */
  line: number;
  /** False when the file says `<rule>: false`: listed as off, never evaluated. */
  enabled: boolean;
  environments: RuleScope;
  /** A final rule cannot be overridden. */
  final: boolean;
}

/** An allowed weekly window such as `mon-thu 09:00-17:00`, in the directive's time zone. */
export interface WeeklyWindow {
  /** As written in the file, for messages. */
  text: string;
  /** 0 = Monday ... 6 = Sunday. */
  days: number[];
  /** Minutes after local midnight; the start is inside the window, the end is not. */
  startMinute: number;
  endMinute: number;
}

/** A freeze period in local wall time of the directive's time zone. */
export interface FreezePeriod {
  /** `YYYY-MM-DD HH:MM`, inclusive. */
  from: string;
  /** `YYYY-MM-DD HH:MM`, exclusive: a `to` that is a date ends at the next midnight. */
  until: string;
  /** As written in the file, for messages. */
  fromText: string;
  toText: string;
  /** True when `to` is a date: the freeze lasts through that whole day. */
  toIsDate: boolean;
  reason: string;
  line: number;
}

export type PrimeDirectiveRule =
  | (RuleBase & { id: 'never_drop_tables_with_data' | 'always_backup_before_destructive' | 'no_migrations_on_friday_after_3pm' })
  | (RuleBase & { id: 'deploy_windows'; windows: WeeklyWindow[] })
  | (RuleBase & { id: 'freeze'; periods: FreezePeriod[] })
  | (RuleBase & { id: 'require_approvals' | 'require_two_approvals_for_production'; count: number })
  | (RuleBase & { id: 'maximum_migration_duration'; limitMs: number; limitText: string });

export interface PrimeDirective {
  /** Path of the file, as given, for messages. */
  file: string;
  /** IANA time zone in which windows and freezes are read; UTC by default. */
  timeZone: string;
  /** In file order. */
  rules: PrimeDirectiveRule[];
}

/** What the caller knows about one deployment about to run. */
export interface DeployFacts {
  environment: string;
  /** Whether data.config.yaml marks the environment `protected: true`. */
  protected: boolean;
  now: Date;
  /** The plan drops, truncates or changes column types. */
  destructive: boolean;
  /** Tables the plan drops that hold rows, as counted (or estimated) by the caller. */
  tablesWithData: Array<{ table: string; rows: number; estimate: boolean }>;
  /** Approvals recorded by `data approve <env>`. */
  approvals: Array<{ approver: string; planHash: string }>;
  /** planHash() of the plan about to run. */
  planHash: string;
  /** The git user running the deploy. */
  deployer: string;
  /** From `--override <rule> --justification "<text>"`. */
  overrides: Array<{ rule: string; justification: string }>;
}

export interface Verdict {
  rule: string;
  status: 'pass' | 'refused' | 'overridden';
  /** What the rule found and why it matters. */
  reason: string;
  /** How to proceed; empty when there is nothing to do. */
  fix: string;
  final: boolean;
  /** maximum_migration_duration: the per-migration limit to enforce (statement_timeout and deadline). */
  maximumDurationMs?: number;
  /** The accepted justification, for the deployment row and the audit log. */
  justification?: string;
}
