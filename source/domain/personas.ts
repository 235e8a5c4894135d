/**
 * Personas: the product's voice. Each persona (themes/<name>.yaml) has
 * semantic colour tokens and a catalogue of messages keyed by event, several
 * variants per key. A persona adds voice and never changes facts: the
 * factual line (describeEvent, error messages) is always printed too, and a
 * message may only use the variables its key provides.
 *
 * Plain mode (no persona at all) is for scripts, CI and people who prefer
 * it; see choosePersona for when it applies.
 */
import { PERSONAS, type Persona } from './config.js';
import { usageError } from './errors.js';
import { formatMessage, placeholders } from './format-message.js';
import type { StressMessages } from './stress.js';

export type PersonaName = Persona;
export { PERSONAS };

/** `--persona none`, `data config --personality none`: plain, factual text. */
export const PLAIN = 'none';

export interface MessageKeySpec {
  /** The variables the product fills in for this key; a message may use only these. */
  variables: readonly string[];
  /** Variables every variant must use: the facts a warning states (stress messages replace the neutral ones). */
  mustUse?: readonly string[];
  /** Optional keys may be missing from a persona's file; data's words are used then. */
  optional?: boolean;
  /** What the key is for, for whoever writes a catalogue. */
  when: string;
}

/**
 * Every key a catalogue may hold, with its variables:
 * {env} environment, {count} a number (its meaning per key below), {id} a
 * deployment id, {duration} like 1.2s, {time} a local HH:MM, {level} a risk
 * level (low, medium, high, critical), {project} the project's name,
 * {title}/{description} an achievement.
 */
export const MESSAGE_KEYS = {
  greeting: { variables: ['project'], when: 'the dashboard opens; a personality is chosen' },
  farewell: { variables: ['project'], when: 'the dashboard closes' },
  'plan.safe': { variables: ['env', 'count', 'level'], when: '`data plan`: nothing blocks, low or medium risk; {count} pending migrations' },
  'plan.risky': { variables: ['env', 'count', 'level'], when: '`data plan`: something blocks, or high or critical risk; {count} pending migrations' },
  'deploy.start': { variables: ['env', 'count', 'id'], when: 'a deployment starts; {count} migrations' },
  'deploy.success': { variables: ['env', 'count', 'id', 'duration'], when: 'a deployment succeeded; {count} migrations' },
  'deploy.failure': { variables: ['env', 'id', 'duration'], when: 'a deployment failed' },
  'rollback.start': { variables: ['env', 'count', 'id'], when: 'a rollback starts; {count} migrations to revert' },
  'rollback.success': { variables: ['env', 'count', 'id', 'duration'], when: 'a rollback succeeded; {count} migrations reverted' },
  'rollback.failure': { variables: ['env', 'id', 'duration'], when: 'a rollback failed' },
  'drift.found': { variables: ['env', 'count'], when: 'applied migrations differ from the files; {count} of them' },
  'lint.clean': { variables: ['count'], when: '`data lint` found no errors; {count} files' },
  'lint.errors': { variables: ['count'], when: '`data lint` found errors; {count} errors' },
  'stress.late_night': { variables: ['env', 'time'], mustUse: ['env', 'time'], when: 'a deploy between 22:00 and 06:00 local time' },
  'stress.friday_afternoon': { variables: ['env', 'time'], mustUse: ['env', 'time'], when: 'a deploy on Friday after 15:00' },
  'stress.friday_13th': { variables: ['env'], mustUse: ['env'], when: 'a deploy on Friday the 13th' },
  'stress.repeated_failures': { variables: ['env', 'count'], mustUse: ['env', 'count'], when: '{count} (3 or more) deployments failed in the last hour' },
  'stress.deploy_after_failure': { variables: ['env', 'time', 'count'], mustUse: ['env', 'time', 'count'], when: 'the last deployment to a protected environment failed at {time}, {count} minutes ago' },
  'achievement.unlocked': { variables: ['title', 'description'], mustUse: ['title'], when: 'an achievement is unlocked' },
  red_alert: { variables: ['env'], when: 'a rollback failed (said before rollback.failure)' },
  nothing_to_deploy: { variables: ['env'], optional: true, when: 'deploy found every migration applied' },
  'lock.waiting': { variables: ['env'], optional: true, when: 'another session holds the environment\'s deploy lock' },
  refused: { variables: [], optional: true, when: 'a safety rule, a protected environment or drift refused the operation (exit 3)' },
} as const satisfies Record<string, MessageKeySpec>;

export type MessageKey = keyof typeof MESSAGE_KEYS;
export const MESSAGE_KEY_NAMES = Object.keys(MESSAGE_KEYS) as MessageKey[];

/** The variables a key provides, by name. */
export type MessageVars<K extends MessageKey> = Record<(typeof MESSAGE_KEYS)[K]['variables'][number], string | number>;

export const COLOR_TOKENS = ['primary', 'accent', 'success', 'warning', 'danger', 'muted'] as const;
export type ColorTokens = Record<(typeof COLOR_TOKENS)[number], string>;

export interface PersonaCatalogue {
  name: PersonaName;
  /** Who speaks, in front of each line: `Kirk: Warp speed!`. */
  speaker: string;
  description: string;
  colors: ColorTokens;
  messages: Partial<Record<MessageKey, readonly string[]>>;
  /** data's catalogue, for keys this one does not have (set by the loader). */
  fallback?: PersonaCatalogue;
}

/** Colours Ink (chalk) knows by name; anything else must be #rrggbb. */
const NAMED_COLORS = new Set([
  'black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'gray', 'grey',
  'blackBright', 'redBright', 'greenBright', 'yellowBright', 'blueBright', 'magentaBright', 'cyanBright', 'whiteBright',
]);

const TOP_LEVEL_KEYS = ['name', 'speaker', 'description', 'colors', 'messages'] as const;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a parsed theme file: the name matches, every colour token is a
 * colour, every key is known, every required key is present (every key for
 * data, the fallback of the others), each variant is a non-empty string
 * using only its key's variables and all of the ones it must state.
 * `where` names the file in errors.
 */
export function validateCatalogue(name: string, raw: unknown, where = `themes/${name}`): PersonaCatalogue {
  const fail = (message: string, fix?: string) => usageError(`persona ${name}: ${message}`, { where, fix });
  if (!(PERSONAS as readonly string[]).includes(name)) throw fail('not a known persona', `use one of ${PERSONAS.join(', ')}`);
  if (!isRecord(raw)) throw fail('the file must be a mapping with name, speaker, description, colors and messages');
  for (const key of Object.keys(raw)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) throw fail(`unknown key "${key}"`, `known keys: ${TOP_LEVEL_KEYS.join(', ')}`);
  }
  if (raw.name !== name) throw fail(`name is ${JSON.stringify(raw.name ?? null)}, but the file is for ${name}`);
  for (const key of ['speaker', 'description'] as const) {
    if (typeof raw[key] !== 'string' || raw[key].trim() === '') throw fail(`${key} must be a non-empty string`);
  }

  if (!isRecord(raw.colors)) throw fail(`colors must be a mapping of ${COLOR_TOKENS.join(', ')}`);
  const colors = {} as ColorTokens;
  for (const key of Object.keys(raw.colors)) {
    if (!(COLOR_TOKENS as readonly string[]).includes(key)) throw fail(`unknown colour token colors.${key}`, `known tokens: ${COLOR_TOKENS.join(', ')}`);
  }
  for (const token of COLOR_TOKENS) {
    const value = raw.colors[token];
    if (value === undefined) throw fail(`colors.${token} is missing`);
    if (typeof value !== 'string' || !(NAMED_COLORS.has(value) || /^#[0-9a-fA-F]{6}$/.test(value))) {
      throw fail(`colors.${token} must be a colour name (${[...NAMED_COLORS].slice(0, 8).join(', ')} ...) or #rrggbb, not ${JSON.stringify(value)}`);
    }
    colors[token] = value;
  }

  if (!isRecord(raw.messages)) throw fail('messages must be a mapping of message keys to lists of variants');
  const messages: PersonaCatalogue['messages'] = {};
  for (const [key, value] of Object.entries(raw.messages)) {
    if (!Object.hasOwn(MESSAGE_KEYS, key)) throw fail(`unknown message key "${key}"`, `known keys: ${MESSAGE_KEY_NAMES.join(', ')}`);
    const spec: MessageKeySpec = MESSAGE_KEYS[key as MessageKey];
    if (!Array.isArray(value) || value.length === 0) throw fail(`messages.${key} must be a non-empty list of variants`);
    value.forEach((variant: unknown, index) => {
      const at = `messages.${key}[${index}]`;
      if (typeof variant !== 'string' || variant.trim() === '') throw fail(`${at} must be a non-empty string`);
      const provided = spec.variables.map((variable) => `{${variable}}`).join(', ') || 'no variables';
      for (const used of placeholders(variant)) {
        if (!spec.variables.includes(used)) throw fail(`${at} uses {${used}}, which ${key} does not provide`, `${key} provides ${provided}`);
      }
      for (const needed of spec.mustUse ?? []) {
        if (!variant.includes(`{${needed}}`)) throw fail(`${at} must state {${needed}}: a persona changes the words, never the facts`, `${key} provides ${provided}`);
      }
    });
    messages[key as MessageKey] = value as string[];
  }
  const complete = name === 'data';
  const missing = MESSAGE_KEY_NAMES.filter((key) => !messages[key] && (complete || !(MESSAGE_KEYS[key] as MessageKeySpec).optional));
  if (missing.length > 0) {
    throw fail(`messages ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`, complete ? 'data is every other persona\'s fallback: it needs every key' : undefined);
  }
  return { name: name as PersonaName, speaker: raw.speaker as string, description: raw.description as string, colors, messages };
}

/** FNV-1a, 32 bits: a stable, well-spread hash of short strings. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    value ^= text.charCodeAt(i);
    value = Math.imul(value, 0x01000193);
  }
  return value >>> 0;
}

/**
 * The template a persona uses for a key: one of its variants, chosen by a
 * hash of the key and the seed (the event's identity, such as `deploy#12`),
 * so the same event always reads the same. A key the persona lacks comes
 * from its fallback (data).
 */
export function personaTemplate(persona: PersonaCatalogue, key: MessageKey, seed: string): string {
  const variants = persona.messages[key] ?? persona.fallback?.messages[key];
  if (!variants || variants.length === 0) throw new Error(`persona ${persona.name} has no message for ${key} and no fallback`);
  return variants[hash(`${key}\u0000${seed}`) % variants.length]!;
}

/** A persona's line for an event: its template for the key with the variables filled in. */
export function personaMessage<K extends MessageKey>(persona: PersonaCatalogue, key: K, vars: MessageVars<K>, seed: string): string {
  return formatMessage(personaTemplate(persona, key, seed), vars);
}

/** The words of a persona's stress warnings, for detectStress; the variant follows the warning's facts. */
export function personaStressMessages(persona: PersonaCatalogue): StressMessages {
  return (key, vars) => personaTemplate(persona, key, `${vars.env}|${vars.time}|${vars.count}`);
}

export type PersonaSource = 'flag' | 'json' | 'plain-output' | 'user' | 'project' | 'default';

/** Which persona speaks (null: plain mode) and why. */
export interface PersonaChoice {
  persona: PersonaName | null;
  source: PersonaSource;
}

export interface PersonaSelection {
  /** `--persona <name|none>`. */
  flag?: string;
  /** `--json` run: its output is for programs. */
  json: boolean;
  /** NO_COLOR is set (to anything but the empty string). */
  noColor: boolean;
  /** The messages go to a terminal (stderr is a TTY and CI is not set). */
  tty: boolean;
  /** `data config --personality <name|none>`, from the user's settings file. */
  user?: string;
  /** `persona:` in data.config.yaml. */
  project?: PersonaName;
}

export const isPersonaName = (value: unknown): value is PersonaName => (PERSONAS as readonly unknown[]).includes(value);

/**
 * The order: a --json run is always plain; then --persona (an explicit
 * name wins over NO_COLOR and non-terminal output, `none` is plain); then
 * NO_COLOR or output that is not a terminal: plain; then the user's
 * personality; then the project's persona:; then data.
 */
export function choosePersona(selection: PersonaSelection): PersonaChoice {
  const pick = (name: string, source: PersonaSource): PersonaChoice => ({ persona: name === PLAIN ? null : (name as PersonaName), source });
  if (selection.json) return { persona: null, source: 'json' };
  if (selection.flag !== undefined) return pick(selection.flag, 'flag');
  if (selection.noColor || !selection.tty) return { persona: null, source: 'plain-output' };
  if (selection.user !== undefined) return pick(selection.user, 'user');
  if (selection.project !== undefined) return pick(selection.project, 'project');
  return { persona: 'data', source: 'default' };
}

/** What a choice means, in words for `data config`. */
export function describeChoice(choice: PersonaChoice): string {
  const name = choice.persona ?? 'plain text, no persona';
  switch (choice.source) {
    case 'flag':
      return `${name} (--persona)`;
    case 'json':
      return `${name} (--json)`;
    case 'plain-output':
      return `${name} (NO_COLOR is set, or the output is not a terminal)`;
    case 'user':
      return `${name} (your setting)`;
    case 'project':
      return `${name} (the project's persona:)`;
    case 'default':
      return `${name} (the default)`;
  }
}
