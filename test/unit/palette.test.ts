import { describe, expect, it } from 'vitest';
import { completePaletteInput, paletteCompletions, parsePaletteInput } from '../../source/store/palette.js';

const ENVIRONMENTS = ['dev', 'down', 'prod'];

describe('parsePaletteInput', () => {
  it.each([
    ['deploy prod', { name: 'deploy', environment: 'prod' }],
    ['  rollback   dev  ', { name: 'rollback', environment: 'dev', steps: undefined, to: undefined }],
    ['rollback prod --steps 2', { name: 'rollback', environment: 'prod', steps: 2, to: undefined }],
    ['rollback prod --to data/prod/stardate-2026.327.1101', { name: 'rollback', environment: 'prod', steps: undefined, to: 'data/prod/stardate-2026.327.1101' }],
    ['history dev', { name: 'history', environment: 'dev' }],
    ['history', { name: 'history', environment: undefined }],
    ['refresh', { name: 'refresh' }],
    ['quit', { name: 'quit' }],
  ])('%s', (input, command) => {
    expect(parsePaletteInput(input, ENVIRONMENTS)).toEqual({ ok: true, command });
  });

  it.each([
    ['', 'type a command: deploy, rollback'],
    ['launch prod', 'unknown command "launch"'],
    ['deploy', 'deploy needs an environment: deploy dev|down|prod'],
    ['deploy staging', 'no environment "staging": this project has dev, down, prod'],
    ['rollback dev --steps', '--steps needs a value'],
    ['rollback dev --steps 0', '--steps must be a whole number of at least 1, not "0"'],
    ['rollback dev --steps 2 --to 4', 'use one of --steps or --to, not both'],
    ['deploy dev --yes', 'deploy has no option --yes'],
    ['deploy dev prod', 'too many words for deploy: dev prod'],
    ['refresh dev', 'too many words for refresh: dev'],
  ])('%s is refused: %s', (input, message) => {
    const result = parsePaletteInput(input, ENVIRONMENTS);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toContain(message);
  });
});

describe('completion', () => {
  it('completes command names, then environment names, then rollback flags', () => {
    expect(paletteCompletions('', ENVIRONMENTS)).toContain('deploy');
    expect(paletteCompletions('r', ENVIRONMENTS)).toEqual(['rollback', 'refresh']);
    expect(paletteCompletions('deploy d', ENVIRONMENTS)).toEqual(['dev', 'down']);
    expect(paletteCompletions('rollback prod --s', ENVIRONMENTS)).toEqual(['--steps']);
    expect(paletteCompletions('quit x', ENVIRONMENTS)).toEqual([]);
  });

  it('Tab extends to the longest common prefix, and adds a space when only one candidate is left', () => {
    expect(completePaletteInput('ro', ENVIRONMENTS)).toBe('rollback ');
    expect(completePaletteInput('r', ENVIRONMENTS)).toBe('r');
    expect(completePaletteInput('deploy d', ENVIRONMENTS)).toBe('deploy d');
    expect(completePaletteInput('deploy p', ENVIRONMENTS)).toBe('deploy prod ');
    expect(completePaletteInput('nothing', ENVIRONMENTS)).toBe('nothing');
  });
});
