import { describe, expect, it } from 'vitest';
import { inCI } from '../../source/commands/in-ci.js';

describe('inCI', () => {
  it('agrees with Ink: CI or CONTINUOUS_INTEGRATION set to anything but 0 or false', () => {
    expect(inCI({})).toBe(false);
    expect(inCI({ CI: 'true' })).toBe(true);
    expect(inCI({ CI: '1' })).toBe(true);
    expect(inCI({ CI: '' })).toBe(true);
    expect(inCI({ CONTINUOUS_INTEGRATION: 'yes' })).toBe(true);
    expect(inCI({ CI: 'false' })).toBe(false);
    expect(inCI({ CI: '0', CONTINUOUS_INTEGRATION: 'false' })).toBe(false);
    expect(inCI({ CI: 'false', CONTINUOUS_INTEGRATION: '1' })).toBe(true);
  });
});
