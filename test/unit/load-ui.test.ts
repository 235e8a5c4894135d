import { afterEach, describe, expect, it } from 'vitest';
import { loadUi } from '../../source/commands/load-ui.js';

const before = process.env.NODE_ENV;
afterEach(() => {
  if (before === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = before;
});

describe('loadUi', () => {
  it('loads with NODE_ENV=production and puts NODE_ENV back, also when loading fails', async () => {
    delete process.env.NODE_ENV;
    expect(await loadUi(async () => process.env.NODE_ENV)).toBe('production');
    expect('NODE_ENV' in process.env).toBe(false);
    await expect(loadUi(async () => Promise.reject(new Error('no module')))).rejects.toThrow('no module');
    expect('NODE_ENV' in process.env).toBe(false);
  });

  it("keeps the user's own NODE_ENV", async () => {
    process.env.NODE_ENV = 'development';
    expect(await loadUi(async () => process.env.NODE_ENV)).toBe('development');
    expect(process.env.NODE_ENV).toBe('development');
  });
});
