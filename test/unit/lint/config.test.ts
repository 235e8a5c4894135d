import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../source/domain/config.js';
import { DataError } from '../../../source/domain/errors.js';

const FILE = 'data.config.yaml';

/** Joins lines so that line numbers in a test are easy to count. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;
const ENVIRONMENTS = ['environments:', '  local:', '    embedded: true'];

const parse = (text: string) => parseConfig(text, FILE, 'shop');

function parseError(text: string): DataError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(DataError);
    return error as DataError;
  }
  throw new Error('expected a DataError');
}

describe('data.config.yaml: lint', () => {
  it('is optional: no overrides without it, or when it is empty', () => {
    expect(parse(yaml(...ENVIRONMENTS)).lint).toEqual({ rules: {} });
    expect(parse(yaml('lint:', ...ENVIRONMENTS)).lint).toEqual({ rules: {} });
    expect(parse(yaml('lint:', '  rules:', ...ENVIRONMENTS)).lint).toEqual({ rules: {} });
  });

  it('reads off, warning and error per rule id', () => {
    const config = parse(yaml(
      'project: shop',
      'lint:',
      '  rules:',
      '    prefer-text-field: off',
      '    prefer-timestamptz: error',
      '    ban-drop-database: warning',
      ...ENVIRONMENTS,
    ));
    expect(config.lint.rules).toEqual({ 'prefer-text-field': 'off', 'prefer-timestamptz': 'error', 'ban-drop-database': 'warning' });
    expect(config.environmentNames).toEqual(['local']);
  });

  it('also takes the flow form of the issue', () => {
    expect(parse(yaml('lint: { rules: { prefer-text-field: off } }', ...ENVIRONMENTS)).lint.rules).toEqual({ 'prefer-text-field': 'off' });
  });

  it('rejects an unknown rule id with its key path, line, a guess and the known rules (exit 2)', () => {
    const error = parseError(yaml('lint:', '  rules:', '    prefer-text-field: off', '    prefer-txt-field: off', ...ENVIRONMENTS));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('unknown lint rule lint.rules.prefer-txt-field');
    expect(error.where).toBe(`${FILE}:4`);
    expect(error.fix).toMatch(/^did you mean "prefer-text-field"\? known rules: adding-not-nullable-field, /);
  });

  it('rejects a setting other than off, warning or error, with the key path and line', () => {
    const error = parseError(yaml(...ENVIRONMENTS, 'lint:', '  rules:', '    ban-drop-table: maybe'));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('lint.rules.ban-drop-table must be one of off, warning, error');
    expect(error.where).toBe(`${FILE}:6`);
    expect(error.fix).toBe('got "maybe"');
    expect(parseError(yaml('lint:', '  rules:', '    ban-drop-table: false', ...ENVIRONMENTS)).fix).toBe('got false');
  });

  it('rejects an unknown key under lint, and a lint or rules that is not a mapping', () => {
    const unknown = parseError(yaml('lint:', '  rulez:', '    ban-drop-table: off', ...ENVIRONMENTS));
    expect(unknown.message).toBe('unknown key lint.rulez');
    expect(unknown.where).toBe(`${FILE}:2`);
    expect(unknown.fix).toMatch(/^did you mean "rules"\?/);
    const scalar = parseError(yaml('lint: strict', ...ENVIRONMENTS));
    expect(scalar.message).toBe('lint must be a mapping');
    expect(scalar.where).toBe(`${FILE}:1`);
    const list = parseError(yaml('lint:', '  rules: [ban-drop-table]', ...ENVIRONMENTS));
    expect(list.message).toBe('lint.rules must be a mapping of rule ids to off, warning or error');
    expect(list.where).toBe(`${FILE}:2`);
  });
});
