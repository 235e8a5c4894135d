import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The user's settings file of a test run lives in a temp folder, never in ~/.config.
    env: { FORCE_COLOR: '0', DATA_SETTINGS_DIR: join(tmpdir(), `data-test-settings-${process.pid}`) },
  },
});
