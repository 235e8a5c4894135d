// Helpers shared by the bench scripts (deploy-overhead, keys, startup, lint):
// one implementation of each, so the benches parse, report, clean up and exit
// alike. `prefix` is a script's name as it starts its messages ("keys: ...").

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

// The benches run the compiled tool, never the TypeScript sources.
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(REPO, 'dist');
export const CLI = join(DIST, 'cli.js');
export const ADAPTER = join(DIST, 'adapters', 'embedded-postgres.js');

// Server settings that take the disk out of the figures: the benches measure CPU work, not fsync noise.
export const NO_FSYNC = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];

// ------------------------------------------------------------------ options

// Strict options plus -h/--help: usage on stdout with exit 0, any bad usage said on stderr with exit 2.
export function parseOptions(prefix, options, usage) {
  let values;
  try {
    values = parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } }, strict: true }).values;
  } catch (error) {
    console.error(`${prefix}: ${error.message}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values;
}

// A count option: absent gives the default, anything but a whole number of at least `minimum` is bad usage (exit 2).
export function wholeNumber(prefix, name, value, fallback, minimum = 1) {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < minimum) {
    console.error(`${prefix}: ${name} must be a whole number of at least ${minimum}, not "${value}"`);
    process.exit(2);
  }
  return Number(value);
}

// Without a build there is nothing to measure: say how to build, exit 2 (bad usage, not a failure).
export function requireBuild(prefix, files) {
  for (const file of files) {
    if (!existsSync(file)) {
      console.error(`${prefix}: ${file} is missing; build first: cd ${REPO} && npx tsc -p .`);
      process.exit(2);
    }
  }
}

// ------------------------------------------------------------------ output and figures

// Progress goes to stderr, so stdout carries nothing but the figures.
export const log = (message) => process.stderr.write(`${message}\n`);

// The last lines of a child's output, indented, for a failure message.
export const tail = (text, lines = 15) => text.trim().split('\n').slice(-lines).map((line) => `    ${line}`).join('\n');

// CSI (colours, cursor moves, erase, ?2026h/l, ?1049h ...), OSC, and two-byte escapes.
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// Frames are matched as the plain text a person would read.
export const stripAnsi = (text) => text.replace(ANSI, '').replace(/\r/g, '');

// Milliseconds as the reports print them.
export const ms = (value, digits = 0) => `${value.toFixed(digits)} ms`;

// Medians, not means: one slow run (a GC, other load) must not move the figure.
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// Nearest-rank percentile: always one of the measured values, never an interpolation.
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

// The closing report: a title, then label/value rows with the labels padded to one column.
export function printTable(title, rows) {
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`\n${title}`);
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

// ------------------------------------------------------------------ failures, cleanup, exit

// A failure of the thing measured: reported by its message alone, no stack.
export class BenchFailure extends Error {}

// Cleanup is asked for by a signal handler and by main's finally: it runs once and both wait for that one run.
export function once(fn) {
  let promise = null;
  return () => (promise ??= fn());
}

// A bench stopped mid-run must not leave its child (a deploy, a dashboard) running.
export function stopChild(child) {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}

// Temp folders go whatever happened; one that cannot be removed is not worth failing the bench for.
export async function removeDir(dir) {
  if (dir) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

// Ctrl-C or a kill still cleans up, then exits 130; returns whether a signal came. keepListening uses process.on
// (not once) and ignores a repeat: Ink's signal-exit re-raises a signal when it finds itself the only listener left.
export function cleanUpOnSignals(prefix, cleanup, { keepListening = false } = {}) {
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    const handler = () => {
      if (keepListening && interrupted) return;
      interrupted = true;
      log(`${prefix}: ${signal}, cleaning up`);
      cleanup().finally(() => process.exit(130));
    };
    if (keepListening) process.on(signal, handler);
    else process.once(signal, handler);
  }
  return () => interrupted;
}

// Runs main with cleanup on every way out; exit 1 only when something actually failed, said once.
export async function runBench(prefix, main, cleanup, signalOptions) {
  const interrupted = cleanUpOnSignals(prefix, cleanup, signalOptions);
  let exitCode = 0;
  try {
    await main();
  } catch (error) {
    exitCode = 1;
    if (interrupted()) {
      // the signal handler cleans up and exits; errors of the interrupted run are its echo
    } else if (error instanceof BenchFailure) log(`${prefix}: FAILED: ${error.message}`);
    else if (error?.code) log(`${prefix}: FAILED: ${error.message} (${error.code})`); // pg or system error
    else log(`${prefix}: FAILED: ${error?.stack ?? error}`);
  } finally {
    await cleanup();
  }
  process.exit(exitCode);
}

// ------------------------------------------------------------------ child processes

// A child's environment: ours (PG* variables too, for auth) minus DATABASE_URL, which would override the project's url.
export function childEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  return env;
}

// Runs a process to completion, noted in state.child meanwhile so cleanup can stop it; resolves with its exit, output and wall-clock ms.
export function runChild(command, commandArgs, options, state = null) {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    let output = ''; // both, interleaved as they came
    const started = performance.now();
    const child = spawn(command, commandArgs, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    if (state) state.child = child;
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
      output += chunk;
    });
    child.once('error', (error) => {
      if (state) state.child = null;
      reject(error);
    });
    child.once('close', (code, signal) => {
      const elapsed = performance.now() - started;
      if (state) state.child = null;
      resolvePromise({ code, signal, stdout, stderr, output, ms: elapsed });
    });
  });
}

// ------------------------------------------------------------------ the PostgreSQL server

// What startServer, freshDatabase and releaseServer track, so cleanup knows what to undo; `extra` adds a bench's own.
export function serverState(extra = {}) {
  return {
    child: null, // the running child process, for stopChild
    serverDir: null, // embedded server state folder, when we started one
    projectDir: null,
    adminUrl: null,
    databases: [], // names still to drop
    ...extra,
  };
}

// DATA_BENCH_DATABASE_URL's server when set, else a throwaway embedded one; state.serverDir is set before the
// server starts, so cleanup destroys a half-started one too. Returns whether the server is the external one.
export async function startServer(prefix, state, settings) {
  const external = process.env.DATA_BENCH_DATABASE_URL;
  if (external) {
    state.adminUrl = external;
    log(`${prefix}: using the server of DATA_BENCH_DATABASE_URL`);
    return true;
  }
  const { ensureEmbeddedServer, instanceUrl } = await import(ADAPTER);
  state.serverDir = await mkdtemp(join(tmpdir(), 'data-bench-server-'));
  log(`${prefix}: starting a throwaway embedded PostgreSQL server ...`);
  const instance = await ensureEmbeddedServer(state.serverDir, { settings });
  state.adminUrl = instanceUrl(instance, 'postgres');
  return false;
}

// Stops an embedded server and deletes its cluster (which may live outside dir); a failure is logged with
// `failure` in front, never thrown, so the rest of cleanup still runs.
export async function destroyServer(dir, failure) {
  if (!dir) return;
  try {
    const { destroyEmbeddedServer } = await import(ADAPTER);
    await destroyEmbeddedServer(dir);
  } catch (error) {
    log(`${failure}: ${error.message}`);
  }
}

// The report names the server the figures come from.
export async function serverVersion(url) {
  return withClient(url, async (client) => (await client.query('SHOW server_version')).rows[0].server_version);
}

// The URL with another database name.
export function urlFor(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

// One short-lived connection per step: nothing stays open to hold up DROP DATABASE or the exit.
export async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, application_name: 'data-bench' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

// Every measurement gets an empty database of its own, listed in state.databases until it is dropped.
export async function freshDatabase(state, kind) {
  const name = `data_bench_${kind}_${randomBytes(4).toString('hex')}`;
  await withClient(state.adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  state.databases.push(name);
  return { name, url: urlFor(state.adminUrl, name) };
}

// FORCE, since a killed child may still be connected; the names leave state.databases only once all are gone.
export async function dropDatabases(state, names) {
  await withClient(state.adminUrl, async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  state.databases = state.databases.filter((name) => !names.includes(name));
}

// The end of a server bench: leftover databases dropped (a failure is worth a word only on an external
// server, an embedded one goes anyway), the throwaway server destroyed, the temp project removed.
export async function releaseServer(prefix, state, describeDatabases) {
  if (state.adminUrl && state.databases.length > 0) {
    try {
      await dropDatabases(state, state.databases);
    } catch (error) {
      if (!state.serverDir) log(`${prefix}: could not drop ${describeDatabases(state.databases)}: ${error.message}`);
    }
  }
  await destroyServer(state.serverDir, `${prefix}: could not destroy the embedded server in ${state.serverDir}`);
  await removeDir(state.projectDir);
}

// The project file of the server benches: one environment whose url comes from ${BENCH_URL}.
export async function writeBenchConfig(dir, environment) {
  await writeFile(
    join(dir, 'data.config.yaml'),
    ['project: bench', 'migrations: migrations', 'environments:', `  ${environment}:`, '    url: ${BENCH_URL}', ''].join('\n'),
  );
}
