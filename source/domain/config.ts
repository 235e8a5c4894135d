import { LineCounter, isMap, isScalar, parseDocument, type Node, type Pair } from 'yaml';
import { parseDuration } from './duration.js';
import { usageError } from './errors.js';
import { LINT_RULE_IDS, RULE_SETTINGS, isLintRuleId, type LintRuleSettings, type RuleSetting } from './lint/rule-ids.js';

export const PERSONAS = ['data', 'picard', 'kirk', 'janeway', 'sisko'] as const;
export type Persona = (typeof PERSONAS)[number];

const TOP_LEVEL_KEYS = ['project', 'migrations', 'persona', 'environments', 'lint', 'notify'] as const;
const ENVIRONMENT_KEYS = [
  'url',
  'embedded',
  'protected',
  'lock_timeout',
  'statement_timeout',
  'lock_wait',
  'connect_timeout',
  '+extend',
] as const;
type EnvironmentKey = (typeof ENVIRONMENT_KEYS)[number];

export const ENVIRONMENT_DEFAULTS = {
  lockTimeoutMs: 5_000,
  statementTimeoutMs: 600_000,
  lockWaitMs: 30_000,
  connectTimeoutMs: 5_000,
};

/** A value from the file, with the line it came from (1-based). */
interface Located<T> {
  value: T;
  line: number;
}

interface RawEnvironment {
  name: string;
  line: number;
  keys: Partial<Record<EnvironmentKey, Located<unknown>>>;
}

export interface ProjectConfig {
  /** Path of the config file, as given, for messages. */
  file: string;
  project: string;
  migrations: string;
  persona: Persona;
  environmentNames: string[];
  environments: Map<string, RawEnvironment>;
  /** `lint: { rules: { <rule-id>: off | warning | error } }`; rules not named keep their own severity. */
  lint: { rules: LintRuleSettings };
  /** `notify: { command: <shell command> }` or `notify: { webhook: <url> }`: told of every Riker-mode deployment. */
  notify: { command: string } | { webhook: string } | null;
}

export interface EnvironmentConfig {
  name: string;
  url?: string;
  embedded: boolean;
  protected: boolean;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  lockWaitMs: number;
  connectTimeoutMs: number;
}

const configError = (file: string, line: number | undefined, message: string, fix?: string) =>
  usageError(message, { where: line ? `${file}:${line}` : file, fix });

function lineOf(node: Node | Pair | null | undefined, lines: LineCounter): number | undefined {
  const range = node && 'range' in node ? node.range : undefined;
  if (!range) {
    const key = node && 'key' in node ? (node.key as Node | null) : null;
    return key?.range ? lines.linePos(key.range[0]).line : undefined;
  }
  return lines.linePos(range[0]).line;
}

/** The candidate closest to a misspelt word, if it is close enough to be a likely meaning. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  const best = candidates
    .map((candidate) => ({ candidate, score: distance(word, candidate) }))
    .sort((x, y) => x.score - y.score)[0];
  return best && best.score <= Math.max(2, Math.floor(word.length / 3)) ? best.candidate : undefined;
}

function unknownKey(file: string, line: number | undefined, path: string, key: string, known: readonly string[]) {
  const guess = nearest(key, known);
  return configError(
    file,
    line,
    `unknown key ${path}`,
    guess ? `did you mean "${guess}"? Known keys: ${known.join(', ')}` : `known keys: ${known.join(', ')}`,
  );
}

/**
 * The line and message of a YAML syntax error. The parser puts some (an
 * unclosed quote, say) at the very end of the file: those name the last line
 * that has text, and say so.
 */
export function yamlSyntaxError(text: string, lines: LineCounter, error: { pos: [number, number]; message: string }): { line: number; message: string } {
  const message = `malformed YAML: ${error.message.split('\n')[0]}`;
  if (text.slice(error.pos[0]).trim() !== '') return { line: lines.linePos(error.pos[0]).line, message };
  const lastLine = text.trimEnd().split('\n').length;
  return { line: lastLine, message: `${message}, found at the end of the file (look above for what was opened and not closed)` };
}

/** Parses and validates data.config.yaml. Variables stay unexpanded until an environment is resolved. */
export function parseConfig(text: string, file: string, defaultProject: string): ProjectConfig {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const { line, message } = yamlSyntaxError(text, lines, yamlError);
    throw configError(file, line, message, 'fix the YAML syntax on that line');
  }
  const root = doc.contents;
  if (!isMap(root)) {
    throw configError(file, lineOf(root, lines), 'the file must be a mapping with an "environments" key', 'see `data init` for an example');
  }

  const config: ProjectConfig = {
    file,
    project: defaultProject,
    migrations: 'migrations',
    persona: 'data',
    environmentNames: [],
    environments: new Map(),
    lint: { rules: {} },
    notify: null,
  };

  let environmentsNode: Node | null = null;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(pair.key as Node, lines);
    const value = pair.value as Node | null;
    const scalar = isScalar(value) ? value.value : undefined;
    switch (key) {
      case 'project':
      case 'migrations':
        if (typeof scalar !== 'string' || scalar.trim() === '') {
          throw configError(file, line, `${key} must be a non-empty string`);
        }
        config[key] = scalar;
        break;
      case 'persona':
        if (typeof scalar !== 'string' || !(PERSONAS as readonly string[]).includes(scalar)) {
          throw configError(file, line, `persona must be one of ${PERSONAS.join(', ')}`, `got ${JSON.stringify(scalar ?? null)}`);
        }
        config.persona = scalar as Persona;
        break;
      case 'environments':
        environmentsNode = value;
        break;
      case 'lint':
        config.lint = parseLintSection(file, lines, value, line);
        break;
      case 'notify':
        config.notify = parseNotify(file, lines, value, line);
        break;
      default:
        throw unknownKey(file, line, key, key, TOP_LEVEL_KEYS);
    }
  }

  if (!environmentsNode || !isMap(environmentsNode) || environmentsNode.items.length === 0) {
    throw configError(
      file,
      environmentsNode ? lineOf(environmentsNode, lines) : undefined,
      'environments must be a mapping with at least one environment',
      'add for example:\n    environments:\n      local:\n        embedded: true',
    );
  }

  for (const pair of environmentsNode.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const line = lineOf(pair.key as Node, lines) ?? 1;
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
      throw configError(file, line, `environments.${name}: an environment name must start with a letter and hold only letters, digits, "_" and "-"`);
    }
    const body = pair.value as Node | null;
    // `staging:` with nothing under it is an environment whose connection comes from `data setup`.
    const empty = body === null || (isScalar(body) && body.value === null);
    if (!empty && !isMap(body)) {
      throw configError(file, line, `environments.${name} must be a mapping (url, embedded, protected ...)`, `put its keys under it (url: ..., embedded: true ...), or leave it empty and run \`data setup ${name}\` for a connection of your own`);
    }
    const environment: RawEnvironment = { name, line, keys: {} };
    for (const item of isMap(body) ? body.items : []) {
      const key = isScalar(item.key) ? String(item.key.value) : '';
      const keyLine = lineOf(item.key as Node, lines) ?? line;
      const path = `environments.${name}.${key}`;
      if (!(ENVIRONMENT_KEYS as readonly string[]).includes(key)) {
        throw unknownKey(file, keyLine, path, key, ENVIRONMENT_KEYS);
      }
      const value = isScalar(item.value) ? item.value.value : item.value;
      validateEnvironmentValue(file, keyLine, path, key as EnvironmentKey, value);
      environment.keys[key as EnvironmentKey] = { value, line: keyLine };
    }
    config.environments.set(name, environment);
    config.environmentNames.push(name);
  }

  for (const name of config.environmentNames) extendChain(config, name);
  return config;
}

const LINT_KEYS = ['rules'] as const;

/** `notify: { command: ... }` or `notify: { webhook: https://... }`; exactly one of them. */
function parseNotify(file: string, lines: LineCounter, section: Node | null, line: number | undefined): ProjectConfig['notify'] {
  const example = 'for example:\n    notify:\n      command: ./scripts/page-oncall.sh\n  or\n    notify:\n      webhook: https://hooks.example.com/data';
  if (!isMap(section) || section.items.length !== 1) throw configError(file, line, 'notify must be a mapping with exactly one of command or webhook', example);
  const pair = section.items[0]!;
  const key = isScalar(pair.key) ? String(pair.key.value) : '';
  const keyLine = lineOf(pair.key as Node, lines) ?? line;
  const value = isScalar(pair.value) ? pair.value.value : undefined;
  if (key !== 'command' && key !== 'webhook') throw unknownKey(file, keyLine, `notify.${key}`, key, ['command', 'webhook']);
  if (typeof value !== 'string' || value.trim() === '') throw configError(file, keyLine, `notify.${key} must be a non-empty string`, example);
  if (key === 'command') return { command: value };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(file, keyLine, 'notify.webhook must be an http(s) URL', example);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(file, keyLine, 'notify.webhook must be an http(s) URL', example);
  return { webhook: value };
}

/** `lint: { rules: { prefer-text-field: off } }`: every rule id and setting checked, errors at their line. */
function parseLintSection(file: string, lines: LineCounter, section: Node | null, line: number | undefined): ProjectConfig['lint'] {
  const lint: ProjectConfig['lint'] = { rules: {} };
  // `lint:` with nothing under it changes nothing.
  if (section === null || (isScalar(section) && section.value === null)) return lint;
  if (!isMap(section)) throw configError(file, line, 'lint must be a mapping', 'for example:\n    lint:\n      rules:\n        prefer-text-field: off');
  for (const pair of section.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const keyLine = lineOf(pair.key as Node, lines) ?? line;
    if (!(LINT_KEYS as readonly string[]).includes(key)) throw unknownKey(file, keyLine, `lint.${key}`, key, LINT_KEYS);
    const rules = pair.value as Node | null;
    if (rules === null || (isScalar(rules) && rules.value === null)) continue;
    if (!isMap(rules)) {
      throw configError(file, keyLine, 'lint.rules must be a mapping of rule ids to off, warning or error', 'for example:\n    lint:\n      rules:\n        prefer-text-field: off');
    }
    for (const rule of rules.items) {
      const id = isScalar(rule.key) ? String(rule.key.value) : '';
      const ruleLine = lineOf(rule.key as Node, lines) ?? keyLine;
      const path = `lint.rules.${id}`;
      if (!isLintRuleId(id)) {
        const guess = nearest(id, LINT_RULE_IDS);
        throw configError(file, ruleLine, `unknown lint rule ${path}`, `${guess ? `did you mean "${guess}"? ` : ''}known rules: ${LINT_RULE_IDS.join(', ')}`);
      }
      const setting = isScalar(rule.value) ? rule.value.value : rule.value;
      if (typeof setting !== 'string' || !(RULE_SETTINGS as readonly string[]).includes(setting)) {
        throw configError(file, ruleLine, `${path} must be one of ${RULE_SETTINGS.join(', ')}`, `got ${JSON.stringify(setting ?? null)}`);
      }
      lint.rules[id] = setting as RuleSetting;
    }
  }
  return lint;
}

function validateEnvironmentValue(file: string, line: number, path: string, key: EnvironmentKey, value: unknown) {
  switch (key) {
    case 'url':
    case '+extend':
      if (typeof value !== 'string' || value.trim() === '') throw configError(file, line, `${path} must be a non-empty string`);
      return;
    case 'embedded':
    case 'protected':
      if (typeof value !== 'boolean') throw configError(file, line, `${path} must be true or false`, `got ${JSON.stringify(value)}`);
      return;
    default:
      if (parseDuration(value) === undefined) {
        throw configError(file, line, `${path} must be a duration such as 3s, 500ms, 2min or 1h`, `got ${JSON.stringify(value)}`);
      }
  }
}

/** The environment and the ones it extends, nearest first; a cycle is an error naming it. */
function extendChain(config: ProjectConfig, name: string): RawEnvironment[] {
  const chain: RawEnvironment[] = [];
  let current = config.environments.get(name);
  while (current) {
    if (chain.includes(current)) {
      // Name only the environments in the loop, starting where it closes.
      const loop = chain.slice(chain.indexOf(current));
      const names = [...loop.map((env) => env.name), current.name].join(' -> ');
      const first = loop[0]!;
      throw configError(
        config.file,
        first.keys['+extend']?.line ?? first.line,
        `environments.${first.name}.+extend: cycle ${names}`,
        'remove one of the +extend keys in that cycle',
      );
    }
    chain.push(current);
    const parent = current.keys['+extend'];
    if (!parent) break;
    const next = config.environments.get(String(parent.value));
    if (!next) {
      throw configError(
        config.file,
        parent.line,
        `environments.${current.name}.+extend names "${String(parent.value)}", which is not an environment`,
        `known environments: ${config.environmentNames.join(', ') || [...config.environments.keys()].join(', ')}`,
      );
    }
    current = next;
  }
  return chain;
}

/** Expands ${VAR} (and $$ as a literal $) from vars; an unset variable is an error naming it. */
function expand(config: ProjectConfig, environment: string, key: string, located: Located<unknown>, vars: Record<string, string | undefined>): unknown {
  if (typeof located.value !== 'string') return located.value;
  if (/\$\{[^}]*$/.test(located.value)) {
    throw configError(config.file, located.line, `environments.${environment}.${key}: a "\${" is not closed`, 'close it: ${NAME}');
  }
  return located.value.replace(/\$\$|\$\{([^}]*)\}/g, (match, variable: string | undefined) => {
    if (match === '$$') return '$';
    if (!variable || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
      throw configError(config.file, located.line, `environments.${environment}.${key}: "${match}" is not a valid variable reference`, 'use ${NAME} with letters, digits and _');
    }
    const value = vars[variable];
    if (value === undefined) {
      throw configError(
        config.file,
        located.line,
        `environment ${environment}: variable ${variable} is not set (used by environments.${environment}.${key})`,
        `export ${variable}=... before running data, or pass --url`,
      );
    }
    return value;
  });
}

/** Merges the +extend chain (nearest wins), expands variables, applies defaults. */
/** Throws the usage error for an environment the config does not have. */
export function requireEnvironment(config: ProjectConfig, name: string): void {
  if (!config.environments.has(name)) {
    throw usageError(`unknown environment "${name}"`, {
      where: config.file,
      fix: `use one of: ${config.environmentNames.join(', ')}`,
    });
  }
}

export const CONNECTION_URL_FIX = 'write postgres://user@host:5432/database (the password from your profile, PGPASSWORD or ~/.pgpass)';

/**
 * What is wrong with a connection URL, or null. Never quotes the URL: it may
 * hold a password.
 */
export function connectionUrlProblem(url: string): string | null {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
    return `is not a postgres:// URL${scheme ? ` (it starts with ${scheme}:)` : ''}`;
  }
  // No host before the path (postgres://user@/db?host=/socket) is fine, as for libpq and pg.
  const parsable = (candidate: string) => {
    try {
      new URL(candidate);
      return true;
    } catch {
      return false;
    }
  };
  if (parsable(url) || (url.includes('@/') && parsable(url.replace('@/', '@x/')))) return null;
  return 'is not a valid URL: check the port (a number from 1 to 65535), the host, and that special characters in the user or password are percent-encoded';
}

export function resolveEnvironment(config: ProjectConfig, name: string, vars: Record<string, string | undefined>): EnvironmentConfig {
  requireEnvironment(config, name);
  const merged: Partial<Record<EnvironmentKey, Located<unknown>>> = {};
  for (const environment of extendChain(config, name).reverse()) Object.assign(merged, environment.keys);
  const value = (key: EnvironmentKey) => (merged[key] ? expand(config, name, key, merged[key]!, vars) : undefined);
  const url = value('url') as string | undefined;
  const problem = url ? connectionUrlProblem(url) : null;
  if (problem) throw configError(config.file, merged.url?.line, `environments.${name}.url ${problem}`, CONNECTION_URL_FIX);
  const embedded = value('embedded') === true;
  if (url && embedded) {
    throw configError(config.file, merged.url?.line, `environments.${name} has both url and embedded: true`, 'keep one: a url for a server of yours, or embedded: true for the local one');
  }
  const duration = (key: EnvironmentKey, fallback: number) => (merged[key] ? parseDuration(merged[key]!.value)! : fallback);
  return {
    name,
    url: url === '' ? undefined : url,
    embedded,
    protected: value('protected') === true,
    lockTimeoutMs: duration('lock_timeout', ENVIRONMENT_DEFAULTS.lockTimeoutMs),
    statementTimeoutMs: duration('statement_timeout', ENVIRONMENT_DEFAULTS.statementTimeoutMs),
    lockWaitMs: duration('lock_wait', ENVIRONMENT_DEFAULTS.lockWaitMs),
    connectTimeoutMs: duration('connect_timeout', ENVIRONMENT_DEFAULTS.connectTimeoutMs),
  };
}

export const CONFIG_FILE_NAME = 'data.config.yaml';

/** The file `data init` writes. */
export function initialConfig(project: string): string {
  return `# data.config.yaml: environments and settings for \`data\` (see its README).
project: ${project}
migrations: migrations          # folder with <version>_<name>.sql and optional .down.sql files
persona: data                   # data | picard | kirk | janeway | sisko
environments:
  local:
    embedded: true              # data runs its own PostgreSQL under .data/
  # dev:
  #   url: \${DEV_DATABASE_URL}  # passwords come from variables or ~/.pgpass, never this file
  # prod:
  #   url: \${PROD_DATABASE_URL}
  #   protected: true           # typed confirmation before deploy or rollback
  #   lock_timeout: 3s
  #   statement_timeout: 60s
`;
}
