/**
 * Whether this run is in CI, the way Ink decides it (the `is-in-ci` package):
 * CI or CONTINUOUS_INTEGRATION set to anything but "0" or "false". The dashboard
 * sets them to "false" for the person at its terminal, so every check agrees.
 */
export const inCI = (env: Record<string, string | undefined>) =>
  ['CI', 'CONTINUOUS_INTEGRATION'].some((name) => env[name] !== undefined && env[name] !== '0' && env[name] !== 'false');
