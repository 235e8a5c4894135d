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
    // CI=false: the in-process terminal tests render as Ink does for a person at a terminal
    // (in CI Ink draws only the last frame), whatever the machine running the suite sets;
    // `data dashboard` does the same. runCli sets CI=true for the command line on its own.
    env: {
      FORCE_COLOR: '0',
      CI: 'false',
      CONTINUOUS_INTEGRATION: 'false',
      DATA_SETTINGS_DIR: join(tmpdir(), `data-test-settings-${process.pid}`),
    },
  },
});
