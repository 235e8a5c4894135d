/**
 * Risk score: how likely a planned deployment is to succeed, and why.
 *
 * The score is built in log-odds, the scale on which independent pieces of
 * evidence add up: every fact about the plan moves the odds of success up or
 * down by a fixed amount (its weight), and the sum becomes a probability
 * (a weight of -0.7 roughly halves the odds; +0.7 doubles them). The factors
 * with the largest weights are shown in words, risks first.
 *
 * Heuristic model (fewer than 30 finished deployments of the environment):
 *   start at +4.0 (a routine deployment succeeds about 98% of the time), then add
 *   - each lint error -0.6 (at most 4 counted), each warning -0.15 (at most 6);
 *   - each destructive change -0.5, and -0.2 more per tenfold rows of its
 *     table (pg_class.reltuples): a column dropped from a 2.1M-row table
 *     weighs -0.5 - 0.2 × log10(2.1M) ≈ -1.8; an unknown row count adds nothing;
 *   - the largest table touched: -0.2 per tenfold rows above 100k, since locks
 *     are held and rewrites run longer (a 2.1M-row table: -0.26);
 *   - -0.15 per doubling of the migration count (1 migration: 0; 8: -0.45);
 *   - -0.2 per tenfold SQL size above 10 kB;
 *   - the local time: late night (22:00-06:00) -0.6, Friday from 15:00 -0.5,
 *     weekend -0.3 (they add up: Friday 23:00 is -1.1);
 *   - a protected environment -0.2 (real traffic, real data);
 *   - the environment's record: the success rate of its last 10 finished
 *     deployments, shrunk toward 98% as if 10 more average deployments had
 *     been seen: 3 failures in 10 weigh -2.3, 10 successes in 10 +0.7.
 *
 * Logistic regression (30 or more finished deployments of the environment):
 *   fitted on that history alone, with features each past deployment had:
 *   hour bucket (night 22-06, afternoon 12-18, evening 18-22, against the
 *   morning), weekend, Friday from 15:00, log2 of its migration count, and the
 *   failure rate of the 10 deployments before it. L2 penalty 1 on each
 *   standardised feature; the intercept is pulled weakly (precision 0.1) toward
 *   the heuristic's +4.0 so that a spotless history still gives a finite score.
 *   The fit gives the odds of success for this plan's time, migration count
 *   and recent record on this environment (the environment's own base rate
 *   replaces the protected weight). History does not record lint findings,
 *   destructive changes, table sizes or SQL size, so those add their
 *   heuristic weights on top of the fitted log-odds.
 *
 * What counts: deployments that finished, plain or in Riker mode, not
 * rollbacks. Succeeded and rolled_back are successes (a deployment rolled back
 * later did apply); failed is a failure (an interrupted run is recorded as
 * failed); running rows and rows started at or after `now` are left out.
 *
 * In the regression, the time, migration-count and record factors are each
 * one's share of the fitted log-odds compared with an average deployment to
 * the environment, so "Tuesday 10:00" can lower the risk as well as raise it.
 *
 * Levels of risk, by the probability of success: low from 95%, medium from
 * 80%, high from 50%, critical below. The result never claims more certainty
 * than 99.99% either way.
 */
import type { Deployment } from './deployment.js';
import { contributions, fitLogisticRegression, logistic, logit } from './logistic-regression.js';
import type { SchemaChange } from './schema-changes.js';
import {
  formatClockTime,
  isFridayAfternoon,
  isLateNight,
  isWeekend,
  localClock,
  WEEKDAY_NAMES,
  type LocalClock,
  type LocalTime,
} from './stress.js';

/** The weights of the header comment, in log-odds of success. */
export const RISK_WEIGHTS = {
  baseline: 4.0,
  lintError: -0.6,
  lintErrorsCounted: 4,
  lintWarning: -0.15,
  lintWarningsCounted: 6,
  destructiveChange: -0.5,
  destructivePerTenfoldRows: -0.2,
  largeTablePerTenfoldRows: -0.2,
  largeTableFromRows: 100_000,
  migrationsPerDoubling: -0.15,
  sqlPerTenfoldBytes: -0.2,
  sqlFromBytes: 10_000,
  lateNight: -0.6,
  fridayAfternoon: -0.5,
  weekend: -0.3,
  protectedEnvironment: -0.2,
  recentDeployments: 10,
  recentPriorDeployments: 10,
} as const;

export const REGRESSION_SETTINGS = {
  minimumHistory: 30,
  l2: 1,
  interceptPrecision: 0.1,
} as const;

/** Log-odds bound: 99.99% either way. */
const MAX_LOG_ODDS = 9.2;
/** Factors that move the odds less than this are not worth a line. */
const MIN_FACTOR_WEIGHT = 0.05;

export interface LintFindingFact {
  rule: string;
  severity: 'error' | 'warning';
}

/** A destructive SchemaChange; op and detail are optional and only sharpen the words. */
export type DestructiveChangeFact = Pick<SchemaChange, 'kind' | 'object'> &
  Partial<Pick<SchemaChange, 'op' | 'detail'>>;

export interface RiskInput {
  environment: { name: string; protected: boolean };
  findings: readonly LintFindingFact[];
  destructiveChanges: readonly DestructiveChangeFact[];
  /** Estimated rows (pg_class.reltuples) of each table the plan touches: 'users' or 'app.users'. */
  rowEstimates: ReadonlyMap<string, number>;
  /** The environment's deployments and rollbacks, any order; rows of other environments are ignored. */
  history: readonly Deployment[];
  now: Date;
  /** The repository's IANA time zone. */
  timeZone: string;
  migrationCount: number;
  sqlBytes: number;
}

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export type RiskModel = 'heuristic' | 'logistic-regression';

export interface RiskFactor {
  text: string;
  /** Log-odds of success it adds: negative raises the risk. */
  weight: number;
}

export interface RiskAssessment {
  /** Of success, 0..1. */
  probability: number;
  level: RiskLevel;
  model: RiskModel;
  /** Risks first, largest first; then what lowers the risk. */
  factors: RiskFactor[];
  /** Finished deployments of the environment the score drew on (the regression's training rows). */
  sampleSize?: number;
}

/** The risk level of a probability of success. */
export function riskLevel(probability: number): RiskLevel {
  if (probability >= 0.95) return 'low';
  if (probability >= 0.8) return 'medium';
  if (probability >= 0.5) return 'high';
  return 'critical';
}

export function assessRisk(input: RiskInput): RiskAssessment {
  const clock = localClock(input.timeZone);
  const localNow = clock(input.now);
  const finished = finishedDeployments(input.history, input.environment.name, input.now);
  const planFactors = [
    ...lintFactors(input.findings),
    ...input.destructiveChanges.map((change) => destructiveFactor(change, input.rowEstimates)),
    largeTableFactor(input.rowEstimates),
    sqlSizeFactor(input.sqlBytes),
  ];
  const model: RiskModel =
    finished.length >= REGRESSION_SETTINGS.minimumHistory ? 'logistic-regression' : 'heuristic';
  const { start, factors } =
    model === 'logistic-regression'
      ? fittedFactors(finished, clock, localNow, input)
      : heuristicFactors(finished, localNow, input);
  // Every weight is shown as a factor or too small to show: the factors explain the whole score.
  const all = [...planFactors, ...factors].filter((factor): factor is RiskFactor => factor !== null);
  const logOdds = all.reduce((sum, factor) => sum + factor.weight, start);
  const probability = logistic(Math.max(-MAX_LOG_ODDS, Math.min(MAX_LOG_ODDS, logOdds)));
  return {
    probability,
    level: riskLevel(probability),
    model,
    factors: all
      .filter((factor) => Math.abs(factor.weight) >= MIN_FACTOR_WEIGHT)
      .map((factor) => ({ text: factor.text, weight: Math.round(factor.weight * 100) / 100 }))
      .sort((a, b) => Number(a.weight > 0) - Number(b.weight > 0) || Math.abs(b.weight) - Math.abs(a.weight)),
    sampleSize: finished.length,
  };
}

/** Where the log-odds start, and the factors of time, size of the deployment and the environment's record. */
interface ModelFactors {
  start: number;
  factors: Array<RiskFactor | null>;
}

function heuristicFactors(finished: readonly Deployment[], now: LocalTime, input: RiskInput): ModelFactors {
  const { environment, migrationCount } = input;
  return {
    start: RISK_WEIGHTS.baseline,
    factors: [
      timeFactor(now, timeWeight(now)),
      migrationCountFactor(
        migrationCount,
        RISK_WEIGHTS.migrationsPerDoubling * Math.log2(Math.max(1, migrationCount)),
      ),
      environment.protected
        ? { text: `${environment.name} is a protected environment`, weight: RISK_WEIGHTS.protectedEnvironment }
        : null,
      recordFactor(finished, environment.name),
    ],
  };
}

// ---------------------------------------------------------------------------
// Facts of the plan

function lintFactors(findings: readonly LintFindingFact[]): Array<RiskFactor | null> {
  const describe = (severity: LintFindingFact['severity'], weight: number, counted: number): RiskFactor | null => {
    const matching = findings.filter((finding) => finding.severity === severity);
    if (matching.length === 0) return null;
    const rules = [...new Set(matching.map((finding) => finding.rule))];
    const named = rules.slice(0, 3).join(', ') + (rules.length > 3 ? ` +${rules.length - 3} more` : '');
    return {
      text: `${plural(matching.length, `lint ${severity}`)} (${named})`,
      weight: weight * Math.min(matching.length, counted),
    };
  };
  return [
    describe('error', RISK_WEIGHTS.lintError, RISK_WEIGHTS.lintErrorsCounted),
    describe('warning', RISK_WEIGHTS.lintWarning, RISK_WEIGHTS.lintWarningsCounted),
  ];
}

/** Kinds that live inside a table, named `table.member`. */
const MEMBER_KINDS = new Set(['column', 'attribute', 'constraint', 'trigger', 'policy']);
/** Kinds whose object is the table itself. */
const RELATION_KINDS = new Set(['table', 'data', 'materialized view', 'foreign table']);

function destructiveFactor(change: DestructiveChangeFact, rowEstimates: ReadonlyMap<string, number>): RiskFactor {
  const member = MEMBER_KINDS.has(change.kind);
  const table = member ? ownerOf(change.object) : RELATION_KINDS.has(change.kind) ? change.object : null;
  const rows = table === null ? undefined : rowsOf(table, rowEstimates);
  if (rows === undefined) return { text: describeChange(change), weight: RISK_WEIGHTS.destructiveChange };
  return {
    text: describeChange(change) + (member ? ` of a ${formatCount(rows)}-row table` : ` (${plural(rows, 'row', formatCount)})`),
    weight: RISK_WEIGHTS.destructiveChange + RISK_WEIGHTS.destructivePerTenfoldRows * Math.log10(1 + rows),
  };
}

/** 'app.users' of 'app.users.email'. */
function ownerOf(member: string): string | null {
  const dot = member.lastIndexOf('.');
  return dot > 0 ? member.slice(0, dot) : null;
}

/** 'drops column users.email', 'empties table orders', 'changes column users.id (type bigint)'. */
function describeChange(change: DestructiveChangeFact): string {
  const { op, kind, object, detail } = change;
  if (op === '-') return kind === 'data' ? `empties table ${object}` : `drops ${kind} ${object}`;
  if (kind === 'data') return `${detail ?? 'changes rows'} in table ${object}`;
  return `changes ${kind} ${object}${detail ? ` (${detail})` : ''}`;
}

/** The estimate under the name given, or with `public.` added or left out; undefined when unknown. */
function rowsOf(table: string, rowEstimates: ReadonlyMap<string, number>): number | undefined {
  const names = [table, table.startsWith('public.') ? table.slice('public.'.length) : `public.${table}`];
  for (const name of names) {
    const rows = rowEstimates.get(name);
    // reltuples is -1 for a table never analysed.
    if (rows !== undefined && Number.isFinite(rows) && rows >= 0) return rows;
  }
  return undefined;
}

function largeTableFactor(rowEstimates: ReadonlyMap<string, number>): RiskFactor | null {
  let largest: [string, number] | null = null;
  for (const [table, rows] of rowEstimates) {
    if (Number.isFinite(rows) && rows > (largest?.[1] ?? 0)) largest = [table, rows];
  }
  if (!largest || largest[1] <= RISK_WEIGHTS.largeTableFromRows) return null;
  const [table, rows] = largest;
  return {
    text: `touches ${table}, a ${formatCount(rows)}-row table`,
    weight: RISK_WEIGHTS.largeTablePerTenfoldRows * Math.log10(rows / RISK_WEIGHTS.largeTableFromRows),
  };
}

function sqlSizeFactor(bytes: number): RiskFactor | null {
  if (!(bytes > RISK_WEIGHTS.sqlFromBytes)) return null;
  return {
    text: `${formatBytes(bytes)} of SQL`,
    weight: RISK_WEIGHTS.sqlPerTenfoldBytes * Math.log10(bytes / RISK_WEIGHTS.sqlFromBytes),
  };
}

function migrationCountFactor(count: number, weight: number): RiskFactor {
  return { text: count === 1 ? '1 migration' : `${count} migrations in one deployment`, weight };
}

// ---------------------------------------------------------------------------
// Time and history

function timeWeight(time: LocalTime): number {
  return (
    (isLateNight(time) ? RISK_WEIGHTS.lateNight : 0) +
    (isFridayAfternoon(time) ? RISK_WEIGHTS.fridayAfternoon : 0) +
    (isWeekend(time) ? RISK_WEIGHTS.weekend : 0)
  );
}

/** 'Friday 16:40 local time'. */
function timeFactor(time: LocalTime, weight: number): RiskFactor {
  return { text: `${WEEKDAY_NAMES[time.weekday]} ${formatClockTime(time)} local time`, weight };
}

/** Finished deployments (plain or Riker mode, not rollbacks) of the environment started before now, oldest first. */
function finishedDeployments(history: readonly Deployment[], environment: string, now: Date): Deployment[] {
  return history
    .filter(
      (row) =>
        row.environment === environment &&
        row.kind !== 'rollback' &&
        row.status !== 'running' &&
        row.startedAt.getTime() < now.getTime(),
    )
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime() || a.id - b.id);
}

interface FailureRecord {
  failed: number;
  total: number;
}

/** Failures among the last `recentDeployments` of `finished` (oldest first). */
function recentRecord(finished: readonly Deployment[]): FailureRecord {
  const recent = finished.slice(-RISK_WEIGHTS.recentDeployments);
  return { failed: recent.filter((row) => row.status === 'failed').length, total: recent.length };
}

/** '3 of the last 10 deployments to prod failed'. */
function describeRecord(record: FailureRecord, environment: string): string {
  if (record.total === 1) return `the last deployment to ${environment} ${record.failed ? 'failed' : 'succeeded'}`;
  const failed = record.failed === 0 ? 'none' : String(record.failed);
  return `${failed} of the last ${record.total} deployments to ${environment} failed`;
}

function recordFactor(finished: readonly Deployment[], environment: string): RiskFactor | null {
  const record = recentRecord(finished);
  if (record.total === 0) return null;
  const prior = logistic(RISK_WEIGHTS.baseline);
  const pseudo = RISK_WEIGHTS.recentPriorDeployments;
  const rate = (record.total - record.failed + prior * pseudo) / (record.total + pseudo);
  return { text: describeRecord(record, environment), weight: logit(rate) - RISK_WEIGHTS.baseline };
}

interface HistoryFacts {
  time: LocalTime;
  migrations: number;
  recent: FailureRecord;
}

type FeatureGroup = 'time' | 'migrations' | 'record';

/** What the regression learns from; every feature is computable for past deployments and for the plan. */
const FEATURES: ReadonlyArray<{ group: FeatureGroup; value: (facts: HistoryFacts) => number }> = [
  { group: 'time', value: ({ time }) => Number(isLateNight(time)) },
  { group: 'time', value: ({ time }) => Number(time.hour >= 12 && time.hour < 18) },
  { group: 'time', value: ({ time }) => Number(time.hour >= 18 && time.hour < 22) },
  { group: 'time', value: ({ time }) => Number(isWeekend(time)) },
  { group: 'time', value: ({ time }) => Number(isFridayAfternoon(time)) },
  { group: 'migrations', value: ({ migrations }) => Math.log2(Math.max(1, migrations)) },
  { group: 'record', value: ({ recent }) => (recent.total === 0 ? 0 : recent.failed / recent.total) },
];

const featureRow = (facts: HistoryFacts): number[] => FEATURES.map((feature) => feature.value(facts));

/** Fits the environment's history and splits this plan's fitted log-odds into its features' shares. */
function fittedFactors(
  finished: readonly Deployment[],
  clock: LocalClock,
  now: LocalTime,
  input: RiskInput,
): ModelFactors {
  const rows = finished.map((row, index) =>
    featureRow({
      time: clock(row.startedAt),
      migrations: row.migrations.length,
      recent: recentRecord(finished.slice(Math.max(0, index - RISK_WEIGHTS.recentDeployments), index)),
    }),
  );
  const model = fitLogisticRegression(
    rows,
    finished.map((row) => row.status !== 'failed'),
    {
      l2: REGRESSION_SETTINGS.l2,
      intercept: { mean: RISK_WEIGHTS.baseline, precision: REGRESSION_SETTINGS.interceptPrecision },
    },
  );
  const record = recentRecord(finished);
  const parts = contributions(model, featureRow({ time: now, migrations: input.migrationCount, recent: record }));
  const weightOf = (group: FeatureGroup) =>
    parts.reduce((sum, part, j) => sum + (FEATURES[j].group === group ? part : 0), 0);
  return {
    // The log-odds of an average deployment to this environment.
    start: model.intercept,
    factors: [
      timeFactor(now, weightOf('time')),
      migrationCountFactor(input.migrationCount, weightOf('migrations')),
      { text: describeRecord(record, input.environment.name), weight: weightOf('record') },
    ],
  };
}

// ---------------------------------------------------------------------------
// Words

/** '950', '1.2k', '14k', '2.1M', '3.2B'. */
export function formatCount(value: number): string {
  return withUnit(value, ['', 'k', 'M', 'B'], '');
}

/** '512 B', '14 kB', '2.1 MB' (powers of 1000). */
export function formatBytes(bytes: number): string {
  return withUnit(bytes, ['B', 'kB', 'MB', 'GB'], ' ');
}

function withUnit(value: number, units: readonly string[], gap: string): string {
  let unit = 0;
  let scaled = Math.max(0, value);
  while (unit < units.length - 1 && Math.round(scaled) >= 1000) {
    scaled /= 1000;
    unit++;
  }
  // One decimal below 10 ('2.1M'), none above ('14k'); rounding up may reach the next unit ('999.96k' is '1M').
  let text = scaled < 9.95 && unit > 0 ? scaled.toFixed(1).replace(/\.0$/, '') : String(Math.round(scaled));
  if (text === '1000' && unit < units.length - 1) {
    unit++;
    text = '1';
  }
  return `${text}${gap}${units[unit]}`;
}

/** '87%'; near the ends one decimal, so 99.6% does not read as certain. */
export function formatProbability(probability: number): string {
  const percent = probability * 100;
  if (percent > 99) return `${Math.min(99.9, Math.floor(percent * 10) / 10)}%`;
  if (percent < 1) return `${Math.max(0.1, Math.ceil(percent * 10) / 10)}%`;
  return `${Math.round(percent)}%`;
}

/** '87% likely to succeed (medium risk, heuristic): drops column users.email of a 2.1M-row table; Friday 16:40 local time'. */
export function formatRisk(risk: RiskAssessment, maxFactors = 3): string {
  const model =
    risk.model === 'heuristic' ? 'heuristic' : `logistic regression on ${plural(risk.sampleSize ?? 0, 'deployment')}`;
  const risks = risk.factors.filter((factor) => factor.weight < 0).slice(0, maxFactors);
  const why = risks.length ? `: ${risks.map((factor) => factor.text).join('; ')}` : '';
  return `${formatProbability(risk.probability)} likely to succeed (${risk.level} risk, ${model})${why}`;
}

function plural(count: number, noun: string, format: (value: number) => string = String): string {
  return `${format(count)} ${noun}${count === 1 ? '' : 's'}`;
}
