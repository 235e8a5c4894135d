import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAllPersonas, THEMES_DIR } from '../../source/adapters/themes.js';
import type { Deployment } from '../../source/domain/deployment.js';
import { DataError } from '../../source/domain/errors.js';
import { placeholders } from '../../source/domain/format-message.js';
import {
  choosePersona,
  COLOR_TOKENS,
  MESSAGE_KEY_NAMES,
  MESSAGE_KEYS,
  PERSONAS,
  personaMessage,
  personaStressMessages,
  personaTemplate,
  validateCatalogue,
  type MessageKeySpec,
  type PersonaCatalogue,
  type PersonaName,
} from '../../source/domain/personas.js';
import { detectStress, NEUTRAL_STRESS_MESSAGES } from '../../source/domain/stress.js';
import { personaLine } from '../../source/engine/event-persona.js';
import { DEFAULT_THEME } from '../../source/ui/theme.js';

let personas: Record<PersonaName, PersonaCatalogue>;
const raw = async (name: PersonaName) => parse(await readFile(join(THEMES_DIR, `${name}.yaml`), 'utf8')) as Record<string, any>;
const spec = (key: string): MessageKeySpec => MESSAGE_KEYS[key as keyof typeof MESSAGE_KEYS];

beforeAll(async () => {
  personas = await loadAllPersonas();
});

function validationError(name: string, value: unknown): DataError {
  try {
    validateCatalogue(name, value);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected the catalogue to be rejected');
}

describe('the shipped catalogues (themes/)', () => {
  it('has one valid file per persona', () => {
    expect(Object.keys(personas).sort()).toEqual([...PERSONAS].sort());
    for (const name of PERSONAS) expect(personas[name].name).toBe(name);
  });

  it.each(PERSONAS)('%s has every key, each with at least 3 variants, using only the variables the key provides', async (name) => {
    const file = await raw(name);
    expect(Object.keys(file.messages).sort()).toEqual([...MESSAGE_KEY_NAMES].sort());
    for (const key of MESSAGE_KEY_NAMES) {
      const variants: string[] = file.messages[key];
      expect(variants.length, `${name} ${key}`).toBeGreaterThanOrEqual(3);
      expect(new Set(variants).size, `${name} ${key}: variants differ`).toBe(variants.length);
      for (const variant of variants) {
        for (const used of placeholders(variant)) expect(spec(key).variables, `${name} ${key}: "${variant}"`).toContain(used);
        for (const needed of spec(key).mustUse ?? []) expect(variant, `${name} ${key} states {${needed}}`).toContain(`{${needed}}`);
      }
    }
  });

  it.each(PERSONAS)('%s has every colour token', (name) => {
    expect(Object.keys(personas[name].colors).sort()).toEqual([...COLOR_TOKENS].sort());
  });

  it('the dashboard default theme is the data persona\'s colours', () => {
    expect(personas.data.colors).toEqual(DEFAULT_THEME);
  });

  it('no persona borrows a neutral stress sentence: their words are their own', () => {
    const neutral = Object.values(NEUTRAL_STRESS_MESSAGES).join('\n');
    for (const name of PERSONAS) {
      for (const variants of Object.values(personas[name].messages)) {
        for (const variant of variants!) {
          for (const piece of variant.split(/\{\w+\}/).map((text) => text.trim()).filter((text) => text.length >= 15)) {
            expect(neutral, `${name}: "${piece}"`).not.toContain(piece);
          }
        }
      }
    }
  });
});

describe('validateCatalogue', () => {
  const good = async () => structuredClone(await raw('kirk'));

  it('accepts a shipped file and keeps its speaker, description and colours', async () => {
    const catalogue = validateCatalogue('kirk', await good());
    expect(catalogue).toMatchObject({ name: 'kirk', speaker: 'Kirk', description: 'bold, decisive' });
    expect(catalogue.messages['deploy.start']).toHaveLength(3);
  });

  it('rejects an unknown message key, naming it and the known ones', async () => {
    const file = await good();
    file.messages['deploy.started'] = ['Go {env}'];
    const error = validationError('kirk', file);
    expect(error.message).toBe('persona kirk: unknown message key "deploy.started"');
    expect(error.fix).toContain('deploy.start, deploy.success');
  });

  it('rejects a variable the key does not provide, naming the variant and what the key provides', async () => {
    const file = await good();
    file.messages['deploy.failure'][1] = 'Deployment #{id} to {env} failed at {time}.';
    const error = validationError('kirk', file);
    expect(error.message).toBe('persona kirk: messages.deploy.failure[1] uses {time}, which deploy.failure does not provide');
    expect(error.fix).toBe('deploy.failure provides {env}, {id}, {duration}');
  });

  it('rejects a stress message that leaves out a fact the neutral one states', async () => {
    const file = await good();
    file.messages['stress.late_night'] = ['Late, is it not? Careful with {env}.'];
    expect(validationError('kirk', file).message).toMatch(/messages\.stress\.late_night\[0\] must state \{time\}/);
  });

  it('rejects a missing required key, and for data a missing optional one too', async () => {
    const file = await good();
    delete file.messages['deploy.success'];
    expect(validationError('kirk', file).message).toBe('persona kirk: messages deploy.success is missing');
    const data = structuredClone(await raw('data'));
    delete data.messages.nothing_to_deploy;
    expect(validationError('data', data).message).toBe('persona data: messages nothing_to_deploy is missing');
  });

  it('rejects bad colours, a name that does not match the file, unknown top-level keys and empty variants', async () => {
    const colour = await good();
    colour.colors.danger = 'blood';
    expect(validationError('kirk', colour).message).toMatch(/^persona kirk: colors\.danger must be a colour name .* or #rrggbb, not "blood"$/);
    const missing = await good();
    delete missing.colors.muted;
    expect(validationError('kirk', missing).message).toBe('persona kirk: colors.muted is missing');
    const name = await good();
    name.name = 'picard';
    expect(validationError('kirk', name).message).toBe('persona kirk: name is "picard", but the file is for kirk');
    const extra = await good();
    extra.font = 'LCARS';
    expect(validationError('kirk', extra).message).toBe('persona kirk: unknown key "font"');
    const empty = await good();
    empty.messages.farewell = [];
    expect(validationError('kirk', empty).message).toBe('persona kirk: messages.farewell must be a non-empty list of variants');
    expect(validationError('spock', await good()).message).toBe('persona spock: not a known persona');
  });
});

describe('personaMessage', () => {
  it('fills the variables of the chosen variant', () => {
    const line = personaMessage(personas.kirk, 'deploy.success', { env: 'prod', count: 2, id: 7, duration: '1.2s' }, 'deploy#7');
    expect(line).not.toMatch(/\{\w+\}/);
    expect(personas.kirk.messages['deploy.success']!.map((template) => template.replace('{env}', 'prod').replace('{count}', '2').replace('{id}', '7').replace('{duration}', '1.2s'))).toContain(line);
  });

  it('chooses the same variant for the same event every time, and spreads events over the variants', () => {
    const pick = (seed: string) => personaTemplate(personas.picard, 'deploy.start', seed);
    expect(pick('deploy#12@prod')).toBe(pick('deploy#12@prod'));
    const seen = new Set(Array.from({ length: 60 }, (_, id) => pick(`deploy#${id}@prod`)));
    expect(seen).toEqual(new Set(personas.picard.messages['deploy.start']));
    // The key is part of the choice: one seed does not pin every key to the same index.
    const indexes = MESSAGE_KEY_NAMES.map((key) => personas.data.messages[key]!.indexOf(personaTemplate(personas.data, key, 'deploy#1')));
    expect(new Set(indexes).size).toBeGreaterThan(1);
  });

  it('falls back to data for a key the persona does not have', () => {
    const partial: PersonaCatalogue = { ...personas.sisko, messages: { ...personas.sisko.messages, nothing_to_deploy: undefined } };
    const line = personaMessage(partial, 'nothing_to_deploy', { env: 'dev' }, 'dev');
    expect(personas.data.messages.nothing_to_deploy!.map((template) => template.replace('{env}', 'dev'))).toContain(line);
  });

  it('a file may leave out an optional key; loaded, it speaks data\'s words for it', async () => {
    const file = structuredClone(await raw('janeway'));
    delete file.messages['lock.waiting'];
    const janeway = { ...validateCatalogue('janeway', file), fallback: personas.data };
    expect(janeway.messages['lock.waiting']).toBeUndefined();
    expect(personas.data.messages['lock.waiting']!.map((template) => template.replace('{env}', 'prod'))).toContain(personaMessage(janeway, 'lock.waiting', { env: 'prod' }, 'x'));
  });
});

describe('engine events in a persona\'s words', () => {
  const deployment = (overrides: Partial<Deployment>): Deployment => ({
    id: 4, environment: 'staging', kind: 'deploy', status: 'succeeded', gitSha: null, gitTag: null, operator: 'ada',
    startedAt: new Date('2026-11-10T10:00:00Z'), finishedAt: new Date('2026-11-10T10:00:01.500Z'), migrations: ['1', '2'],
    reverts: [], persona: null, justification: null, error: null, ...overrides,
  });

  it('speaks for starts and ends of deployments and rollbacks, and for nothing else', () => {
    const matches = (line: string | null, key: keyof typeof MESSAGE_KEYS, vars: Record<string, string | number>) =>
      personas.kirk.messages[key]!.some((template) => template.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name])) === line);
    expect(matches(personaLine(personas.kirk, { type: 'deployment.started', id: 4, kind: 'deploy', environment: 'staging', migrations: ['1', '2'] }), 'deploy.start', { env: 'staging', count: 2, id: 4 })).toBe(true);
    expect(matches(personaLine(personas.kirk, { type: 'deployment.started', id: 5, kind: 'rollback', environment: 'staging', migrations: ['2'] }), 'rollback.start', { env: 'staging', count: 1, id: 5 })).toBe(true);
    expect(matches(personaLine(personas.kirk, { type: 'deployment.finished', deployment: deployment({}) }), 'deploy.success', { env: 'staging', count: 2, id: 4, duration: '1.50s' })).toBe(true);
    expect(matches(personaLine(personas.kirk, { type: 'deployment.finished', deployment: deployment({ status: 'failed' }) }), 'deploy.failure', { env: 'staging', id: 4, duration: '1.50s' })).toBe(true);
    // A failed rollback is a red alert first.
    const failedRollback = personaLine(personas.kirk, { type: 'deployment.finished', deployment: deployment({ kind: 'rollback', status: 'failed' }) })!;
    const redAlert = personas.kirk.messages.red_alert!.map((template) => template.replace('{env}', 'staging')).find((line) => failedRollback.startsWith(`${line} `));
    expect(redAlert).toBeDefined();
    expect(matches(failedRollback.slice(redAlert!.length + 1), 'rollback.failure', { env: 'staging', id: 4, duration: '1.50s' })).toBe(true);
    expect(personaLine(personas.kirk, { type: 'tag.created', tag: 'data/dev/stardate-2026.314.1000' })).toBeNull();
    expect(personaLine(personas.kirk, { type: 'migration.finished', version: '1', name: 'a', ms: 3, direction: 'up' })).toBeNull();
  });
});

describe('stress warnings in a persona\'s words', () => {
  // Friday 13 November 2026, 23:30 in Berlin: late night and Friday the 13th.
  const now = new Date('2026-11-13T22:30:00Z');
  const input = { now, timeZone: 'Europe/Berlin', environment: { name: 'prod', protected: true }, history: [] };

  it('keeps the facts (time, environment) and the ids, in the persona\'s words', () => {
    const neutral = detectStress(input);
    const sisko = detectStress(input, personaStressMessages(personas.sisko));
    expect(sisko.map((warning) => warning.id)).toEqual(neutral.map((warning) => warning.id));
    expect(sisko.map((warning) => warning.extraConfirmation)).toEqual(neutral.map((warning) => warning.extraConfirmation));
    const late = sisko.find((warning) => warning.id === 'late_night')!.message;
    expect(late).toContain('23:30');
    expect(late).toContain('prod');
    expect(personas.sisko.messages['stress.late_night']!.map((template) => template.replace('{time}', '23:30').replace('{env}', 'prod'))).toContain(late);
    expect(detectStress(input, personaStressMessages(personas.sisko))).toEqual(sisko);
  });
});

describe('choosePersona: flag > user setting > project > data; plain for --json, none, NO_COLOR and non-terminals', () => {
  const terminal = { json: false, noColor: false, tty: true };

  it('takes the first that is set', () => {
    expect(choosePersona({ ...terminal, flag: 'kirk', user: 'picard', project: 'sisko' })).toEqual({ persona: 'kirk', source: 'flag' });
    expect(choosePersona({ ...terminal, user: 'picard', project: 'sisko' })).toEqual({ persona: 'picard', source: 'user' });
    expect(choosePersona({ ...terminal, project: 'sisko' })).toEqual({ persona: 'sisko', source: 'project' });
    expect(choosePersona(terminal)).toEqual({ persona: 'data', source: 'default' });
  });

  it('is plain for --persona none, a user who chose none, NO_COLOR, output that is not a terminal, and --json', () => {
    expect(choosePersona({ ...terminal, flag: 'none', user: 'picard' })).toEqual({ persona: null, source: 'flag' });
    expect(choosePersona({ ...terminal, user: 'none', project: 'kirk' })).toEqual({ persona: null, source: 'user' });
    expect(choosePersona({ ...terminal, noColor: true, user: 'picard' })).toEqual({ persona: null, source: 'plain-output' });
    expect(choosePersona({ ...terminal, tty: false, project: 'kirk' })).toEqual({ persona: null, source: 'plain-output' });
    expect(choosePersona({ ...terminal, json: true, flag: 'kirk' })).toEqual({ persona: null, source: 'json' });
  });

  it('an explicit --persona <name> wins over NO_COLOR and non-terminal output', () => {
    expect(choosePersona({ json: false, noColor: true, tty: false, flag: 'janeway' })).toEqual({ persona: 'janeway', source: 'flag' });
  });
});
