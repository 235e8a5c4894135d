import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseDuration } from '../duration.js';
import { nearest, yamlSyntaxError } from '../config.js';
import { usageError } from '../errors.js';
import { MOMENT_FORMATS, exclusiveEnd, parseLocalMoment } from './freeze-periods.js';
import { canonicalTimeZone } from '../local-time.js';
import { RULE_IDS, type FreezePeriod, type PrimeDirective, type PrimeDirectiveRule, type RuleId, type RuleScope, type WeeklyWindow } from './types.js';
import { isWindowProblem, parseWeeklyWindow } from './weekly-windows.js';
import { YamlReader, describe } from './yaml-reader.js';

const TOP_LEVEL_KEYS = ['timezone', 'rules'] as const;
const SCOPE_KEYS = ['environments', 'final'] as const;
const ENVIRONMENT_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** What the directive is checked against besides its own format. */
export interface PrimeDirectiveContext {
  /**
   * The environment names of data.config.yaml: every name an `environments`
   * list gives must be one of them, so a misspelt name cannot switch a rule
   * off. Without it, names are only checked for their shape.
   */
  environments?: readonly string[];
  /** The config file, for messages; default data.config.yaml. */
  configFile?: string;
}

/** Parses and validates `.data-prime-directive.yml`; the format is documented in ../prime-directive.ts. */
export function parsePrimeDirective(text: string, file: string, context: PrimeDirectiveContext = {}): PrimeDirective {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const { line, message } = yamlSyntaxError(text, lines, yamlError);
    throw usageError(message, { where: `${file}:${line}`, fix: 'fix the YAML syntax on that line' });
  }
  const reader = new YamlReader(file, lines);
  const directive: PrimeDirective = { file, timeZone: 'UTC', rules: [] };
  const root = doc.contents as Node | null;
  if (root === null || (isScalar(root) && root.value === null)) return directive;
  if (!isMap(root)) {
    throw reader.error(reader.lineOf(root, 1), 'the file must be a mapping with "timezone" and "rules"', 'for example:\n    timezone: Europe/Berlin\n    rules:\n      never_drop_tables_with_data: true');
  }

  for (const { key, value, line } of reader.entries(root, '', TOP_LEVEL_KEYS)) {
    if (key === 'timezone') {
      const name = reader.string(value, 'timezone', line, 'timezone: Europe/Berlin');
      const canonical = canonicalTimeZone(name);
      if (!canonical) throw reader.error(line, `timezone: unknown time zone "${name}"`, 'use an IANA name such as Europe/Berlin, America/New_York or UTC');
      directive.timeZone = canonical;
    } else if (value !== null && !(isScalar(value) && value.value === null)) {
      const rules = reader.mapping(value, 'rules', line, 'rules: { never_drop_tables_with_data: true }');
      for (const rule of reader.entries(rules, 'rules', RULE_IDS, 'rule')) {
        directive.rules.push(parseRule(reader, context, rule.key as RuleId, rule.value, rule.line));
      }
    }
  }
  return directive;
}

function parseRule(reader: YamlReader, context: PrimeDirectiveContext, id: RuleId, value: Node | null, line: number): PrimeDirectiveRule {
  const path = `rules.${id}`;
  switch (id) {
    case 'never_drop_tables_with_data':
    case 'always_backup_before_destructive':
    case 'no_migrations_on_friday_after_3pm':
      return { id, ...flagRule(reader, context, value, path, line, 'all') };
    case 'require_two_approvals_for_production':
      return { id, count: 2, ...flagRule(reader, context, value, path, line, 'protected') };
    case 'deploy_windows': {
      const example = '[mon-thu 09:00-17:00, fri 09:00-15:00]';
      if (isSeq(value)) return { id, line, enabled: true, environments: 'all', final: false, windows: readWindows(reader, reader.sequence(value, path, line, example), path, line) };
      const fields = scopedFields(reader, context, value, path, line, ['allow'], `{ allow: ${example}, environments: [prod] }`);
      const allow = required(reader, fields.values, 'allow', path, line, example);
      return { id, ...fields.base, windows: readWindows(reader, reader.sequence(allow.value, `${path}.allow`, allow.line, example), `${path}.allow`, allow.line) };
    }
    case 'freeze': {
      const example = '[{ from: 2026-12-18, to: 2027-01-04, reason: year-end freeze }]';
      if (isSeq(value)) return { id, line, enabled: true, environments: 'all', final: false, periods: readPeriods(reader, reader.sequence(value, path, line, example), path) };
      const fields = scopedFields(reader, context, value, path, line, ['periods'], `{ periods: ${example}, environments: [prod] }`);
      const periods = required(reader, fields.values, 'periods', path, line, example);
      return { id, ...fields.base, periods: readPeriods(reader, reader.sequence(periods.value, `${path}.periods`, periods.line, example), `${path}.periods`) };
    }
    case 'require_approvals': {
      const fields = scopedFields(reader, context, value, path, line, ['count'], '{ count: 2, environments: [prod] }');
      const count = required(reader, fields.values, 'count', path, line, '2');
      const number = isScalar(count.value) ? count.value.value : undefined;
      if (typeof number !== 'number' || !Number.isInteger(number)) {
        throw reader.error(count.line, `${path}.count must be a whole number of approvals`, `for example count: 2; got ${describe(count.value)}`);
      }
      if (number < 1) throw reader.error(count.line, `${path}.count must be at least 1`, `got ${number}; to require no approvals, remove ${path}`);
      return { id, ...fields.base, count: number };
    }
    case 'maximum_migration_duration': {
      if (isScalar(value)) return { id, line, enabled: true, environments: 'all', final: false, ...readLimit(reader, value, path, line) };
      const fields = scopedFields(reader, context, value, path, line, ['limit'], '{ limit: 60s, environments: [prod] }');
      const limit = required(reader, fields.values, 'limit', path, line, '60s');
      return { id, ...fields.base, ...readLimit(reader, limit.value, `${path}.limit`, limit.line) };
    }
  }
}

/** A rule that is `true`, `false`, or a mapping with environments and final (which means on). */
function flagRule(reader: YamlReader, context: PrimeDirectiveContext, value: Node | null, path: string, line: number, defaultScope: RuleScope) {
  if (isScalar(value) && value.value !== null) {
    return { line, enabled: reader.boolean(value, path, line), environments: defaultScope, final: false };
  }
  if (!isMap(value)) {
    throw reader.error(line, `${path} must be true, false or a mapping with environments and final`, `for example ${path.slice(6)}: { environments: [prod], final: true }; got ${describe(value)}`);
  }
  return scopedFields(reader, context, value, path, line, [], '{ environments: [prod], final: true }', defaultScope).base;
}

type Located = { value: Node | null; line: number };

/** Reads a rule's mapping: the scope keys every rule has, and the rule's own keys for the caller. */
function scopedFields(reader: YamlReader, context: PrimeDirectiveContext, value: Node | null, path: string, line: number, own: readonly string[], example: string, defaultScope: RuleScope = 'all') {
  const map: YAMLMap = reader.mapping(value, path, line, `${path.slice(6)}: ${example}`);
  const base = { line, enabled: true, environments: defaultScope, final: false };
  const values = new Map<string, Located>();
  for (const entry of reader.entries(map, path, [...own, ...SCOPE_KEYS])) {
    if (entry.key === 'final') base.final = reader.boolean(entry.value, `${path}.final`, entry.line);
    else if (entry.key === 'environments') base.environments = readEnvironments(reader, context, entry.value, `${path}.environments`, entry.line);
    else values.set(entry.key, { value: entry.value, line: entry.line });
  }
  return { base, values };
}

function required(reader: YamlReader, values: Map<string, Located>, key: string, path: string, line: number, example: string): Located {
  const found = values.get(key);
  if (!found) throw reader.error(line, `${path} needs ${key}`, `for example ${key}: ${example}`);
  return found;
}

function readEnvironments(reader: YamlReader, context: PrimeDirectiveContext, value: Node | null, path: string, line: number): string[] {
  const names: string[] = [];
  for (const [index, item] of reader.sequence(value, path, line, '[prod, staging]').items.entries()) {
    const itemLine = reader.lineOf(item as Node, line);
    const name = isScalar(item) ? item.value : undefined;
    if (typeof name !== 'string' || !ENVIRONMENT_NAME.test(name)) {
      throw reader.error(itemLine, `${path}[${index}] must be an environment name of data.config.yaml`, `got ${describe(item as Node)}`);
    }
    const known = context.environments;
    if (known && !known.includes(name)) {
      const guess = nearest(name, known);
      const configFile = context.configFile ?? 'data.config.yaml';
      throw reader.error(
        itemLine,
        `${path}[${index}]: unknown environment "${name}"`,
        `${guess ? `did you mean "${guess}"? ` : ''}${known.length > 0 ? `environments of ${configFile}: ${known.join(', ')}` : `${configFile} defines no environment`}`,
      );
    }
    if (names.includes(name)) throw reader.error(itemLine, `${path} lists ${name} twice`, `remove one of them`);
    names.push(name);
  }
  return names;
}

function readWindows(reader: YamlReader, list: YAMLSeq, path: string, line: number): WeeklyWindow[] {
  return list.items.map((item, index) => {
    const itemLine = reader.lineOf(item as Node, line);
    const text = reader.string(item as Node, `${path}[${index}]`, itemLine, '"mon-thu 09:00-17:00"');
    const window = parseWeeklyWindow(text);
    if (isWindowProblem(window)) throw reader.error(itemLine, `${path}[${index}]: ${window.message}`, window.fix);
    return window;
  });
}

function readPeriods(reader: YamlReader, list: YAMLSeq, path: string): FreezePeriod[] {
  return list.items.map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const itemLine = reader.lineOf(item as Node, 1);
    const map = reader.mapping(item as Node, itemPath, itemLine, '{ from: 2026-12-18, to: 2027-01-04, reason: year-end freeze }');
    const fields = new Map(reader.entries(map, itemPath, ['from', 'to', 'reason']).map((entry) => [entry.key, entry]));
    const moment = (key: 'from' | 'to') => {
      const entry = required(reader, fields, key, itemPath, itemLine, key === 'from' ? '2026-12-18' : '2027-01-04');
      const text = isScalar(entry.value) ? String(entry.value.value) : describe(entry.value);
      const parsed = parseLocalMoment(text);
      if (!parsed) throw reader.error(entry.line, `${itemPath}.${key} must be ${MOMENT_FORMATS}`, `got ${describe(entry.value)}`);
      return { ...parsed, text: text.trim(), line: entry.line };
    };
    const from = moment('from');
    const to = moment('to');
    const reasonEntry = required(reader, fields, 'reason', itemPath, itemLine, 'year-end freeze');
    const reason = reader.string(reasonEntry.value, `${itemPath}.reason`, reasonEntry.line, 'reason: year-end freeze');
    const until = exclusiveEnd(to);
    if (until <= from.moment) {
      throw reader.error(to.line, `bad time range in ${itemPath}: it ends (${to.text}) before it starts (${from.text})`, 'swap from and to, or fix the dates');
    }
    return { from: from.moment, until, fromText: from.text, toText: to.text, toIsDate: to.isDate, reason, line: itemLine };
  });
}

function readLimit(reader: YamlReader, value: Node | null, path: string, line: number) {
  const raw = isScalar(value) ? value.value : undefined;
  if (typeof raw === 'number') throw reader.error(line, `${path} needs a unit`, `write ${raw}s, ${raw}ms or ${raw}min`);
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) throw reader.error(line, `${path} must be a duration such as 60s, 500ms, 2min or 1h`, `got ${describe(value)}`);
  return { limitMs: ms, limitText: String(raw).trim() };
}
