import { describe, expect, it } from 'vitest';
import { KEYMAP, keymapFor } from '../../source/ui/keymap.js';

describe('keymap registry', () => {
  it('every binding has a unique id, a label and a description', () => {
    expect(new Set(KEYMAP.map((binding) => binding.id)).size).toBe(KEYMAP.length);
    for (const binding of KEYMAP) {
      expect(binding.label.length).toBeGreaterThan(0);
      expect(binding.description.length).toBeGreaterThan(5);
    }
  });

  it('deploy and rollback are the dangerous actions; --read-only removes exactly those', () => {
    expect(KEYMAP.filter((binding) => binding.dangerous).map((binding) => binding.id).sort()).toEqual(['deploy', 'rollback']);
    const readOnly = keymapFor(true);
    expect(readOnly.some((binding) => binding.dangerous)).toBe(false);
    expect(readOnly).toHaveLength(KEYMAP.length - 2);
    expect(keymapFor(false)).toBe(KEYMAP);
  });

  it('dangerous actions say why when they cannot run', () => {
    for (const binding of KEYMAP.filter((candidate) => candidate.dangerous)) expect(binding.disabled).toBeTypeOf('function');
  });
});
