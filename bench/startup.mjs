#!/usr/bin/env node
// Benchmark: how long from process start until `data` (the dashboard) shows
// its first COMPLETE frame, for the demo project with its server already
// running?  Target: under 2.5x the start-up of `node -e 0`.
//
//   node bench/startup.mjs [--runs N]
//
// Creates the demo once in a temp folder (`data demo --no-ui`, which leaves
// the demo's embedded PostgreSQL server running), then, per run, opens the
// dashboard in it under a pseudo-terminal (util-linux `script`, 120x35,
// TERM=xterm-256color), reads what it draws, stops the clock at the first
// frame that shows all four panes with the environments refreshed and the
// history rows loaded, sends `q` and makes sure the process ends.  The
// server is stopped (`data local stop`), its cluster deleted and the folder
// removed at the end, also on failure or Ctrl-C.
//
// Baselines, interleaved with the dashboard runs:
//   - `node -e 0`, spawned directly, measured until it exits;
//   - the same `script` + `stty` wrapper around a node that prints one line,
//     measured until that line arrives: the cost of the pseudo-terminal alone.
// The dashboard is reported raw and minus that wrapper overhead; the ratio
// held against the target is the one minus the wrapper (both are printed).
//
// Needs a build first: cd /work/main && npx tsc -p .
// Prints figures only; never fails on timing. Exit 1 only when something
// actually failed (the demo could not be created, the dashboard never drew a
// complete frame, `q` did not end it, ...).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ADAPTER, BenchFailure, CLI, REPO, childEnv, destroyServer, log, median, ms, once, parseOptions, printTable, removeDir, requireBuild, runBench, runChild, stopChild, stripAnsi, tail, wholeNumber } from './lib.mjs';

const NAME = 'startup';
const TARGET_RATIO = 2.5;
const COLUMNS = 120;
const ROWS = 35;
const FRAME_TIMEOUT_MS = 20_000;
const QUIT_TIMEOUT_MS = 5_000;

// ------------------------------------------------------------------ options

const args = parseOptions(
  NAME,
  {
    runs: { type: 'string' },
  },
  'usage: node bench/startup.mjs [--runs N (7)]\n' +
    'time from process start to the first complete dashboard frame (demo project, server running), against `node -e 0`',
);
const RUNS = wholeNumber(NAME, '--runs', args.runs, 7);
requireBuild(NAME, [CLI, ADAPTER]);
for (const tool of ['script', 'stty']) {
  if (spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status !== 0) {
    console.error(`startup: \`${tool}\` is not on PATH (util-linux script and coreutils stty are needed for the pseudo-terminal)`);
    process.exit(2);
  }
}

// ------------------------------------------------------------------ helpers

const list = (values) => values.map((value) => value.toFixed(0)).join(', ');
/** Single-quoted for sh. */
const shellQuote = (text) => `'${text.replaceAll("'", `'\\''`)}'`;

// Ink wraps each frame it writes to a terminal in synchronized-output markers.
const BEGIN_FRAME = '\x1b[?2026h';
const END_FRAME = '\x1b[?2026l';

const PANE_TITLES = ['1 Environments', '2 History', '3 Diff timeline', '4 Performance'];
/**
 * A complete frame: all four panes, the environments loaded (their note says
 * "refreshed ..."), and the history rows drawn: the row of deployment #1 is a
 * padded cell ("#1     2026..."), unlike "last #1 deploy" in the
 * environments pane or "○ #1 2026-..." in the timeline.
 */
function isComplete(frame) {
  return PANE_TITLES.every((title) => frame.includes(title)) && frame.includes('refreshed') && /[▸ ]#1 {2,}\S/.test(frame);
}

/** The environment of a child: ours, minus what would change what it does or draws. */
function terminalEnv(extra = {}) {
  const env = childEnv({ TERM: 'xterm-256color', SHELL: '/bin/sh', ...extra });
  // Ink draws nothing but the last frame, at exit, when it believes it runs in CI.
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  return env;
}

// ------------------------------------------------------------------ state and cleanup

const current = {
  child: null,
  tmp: null,
  config: null, // the demo's data.config.yaml once `data demo` ran: its server must be stopped
};

const cleanup = once(async () => {
  stopChild(current.child);
  if (current.config && existsSync(current.config)) {
    try {
      const stopped = await runChild(process.execPath, [CLI, '--config', current.config, 'local', 'stop'], { cwd: dirname(current.config), env: terminalEnv({ CI: 'true' }) }, current);
      if (stopped.code !== 0) log(`startup: could not stop the demo's embedded server (exit ${stopped.code ?? stopped.signal}):\n${tail(stopped.output)}`);
    } catch (error) {
      log(`startup: could not stop the demo's embedded server: ${error.message}`);
    }
    // Run as root, the cluster lives outside the project (under /var/tmp/data-postgres/clusters/):
    // removing the temp folder would leave it behind, so delete it through the adapter.
    await destroyServer(join(dirname(current.config), '.data', 'postgres'), "startup: could not delete the demo's embedded cluster");
  }
  await removeDir(current.tmp);
});

// ------------------------------------------------------------------ measurements

/** `node -e 0`, spawned directly: milliseconds until it exits. */
function nodeBaseline() {
  return new Promise((resolvePromise, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    current.child = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const elapsed = performance.now() - started;
      current.child = null;
      if (code !== 0) reject(new BenchFailure(`node -e 0 exited with ${code ?? signal}`));
      else resolvePromise(elapsed);
    });
  });
}

/**
 * Spawns `command` (a line for sh) under a pseudo-terminal of COLUMNS x ROWS.
 * `onOutput(all, elapsedMs)` is called with everything read so far.
 */
function underPty(command, cwd, onOutput) {
  const started = performance.now();
  const child = spawn('script', ['-qfec', `stty cols ${COLUMNS} rows ${ROWS} && exec ${command}`, '/dev/null'], {
    cwd,
    env: terminalEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  current.child = child;
  let output = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    output += chunk;
    onOutput(output, performance.now() - started);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  child.stdin.on('error', () => undefined); // EPIPE when it is already gone
  const closed = new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (current.child === child) current.child = null;
      resolvePromise({ code, signal, elapsed: performance.now() - started });
    });
  });
  return { child, closed, output: () => output, stderr: () => stderr };
}

/** The pseudo-terminal wrapper around a node that prints one line: ms until the line arrives, and until exit. */
async function wrappedBaseline() {
  let ready = null;
  const pty = underPty(`${shellQuote(process.execPath)} -e 'console.log("bench-" + "ready")'`, REPO, (all, elapsed) => {
    if (ready === null && all.includes('bench-ready')) ready = elapsed;
  });
  const timer = setTimeout(() => pty.child.kill('SIGKILL'), 10_000);
  const result = await pty.closed;
  clearTimeout(timer);
  if (result.code !== 0 || ready === null) {
    throw new BenchFailure(`script -qfec "stty ...; node -e ..." exited with ${result.code ?? result.signal}${ready === null ? ' without its line' : ''}:\n${tail(pty.output() + pty.stderr())}`);
  }
  return { ready, exited: result.elapsed };
}

/** One dashboard start: ms to the first frame at all, to the first complete frame, and until `q` ended it. */
async function dashboardRun(demoDir, label) {
  let firstFrame = null;
  let complete = null;
  let scanned = 0;
  let lastFrame = '';
  let onComplete;
  const completed = new Promise((resolvePromise) => (onComplete = resolvePromise));
  const pty = underPty(`${shellQuote(process.execPath)} ${shellQuote(CLI)}`, demoDir, (all, elapsed) => {
    if (complete !== null) return;
    // Every frame Ink wrote completely since the last look, in order.
    for (;;) {
      const begin = all.indexOf(BEGIN_FRAME, scanned);
      if (begin < 0) break;
      const end = all.indexOf(END_FRAME, begin);
      if (end < 0) break;
      scanned = end + END_FRAME.length;
      lastFrame = stripAnsi(all.slice(begin + BEGIN_FRAME.length, end));
      if (firstFrame === null && lastFrame.includes(PANE_TITLES[0])) firstFrame = elapsed;
      if (isComplete(lastFrame)) {
        complete = elapsed;
        onComplete();
        return;
      }
    }
  });
  const timeout = new Promise((resolvePromise) => setTimeout(resolvePromise, FRAME_TIMEOUT_MS, 'timeout'));
  const outcome = await Promise.race([completed, pty.closed.then(() => 'closed'), timeout]);
  if (outcome === 'closed' || outcome === 'timeout') {
    stopChild(current.child);
    await pty.closed;
    const seen = lastFrame || stripAnsi(pty.output());
    throw new BenchFailure(
      `${label}: the dashboard ${outcome === 'closed' ? 'ended' : `drew no complete frame within ${FRAME_TIMEOUT_MS / 1000} s`} ` +
        `(no frame with ${PANE_TITLES.join(', ')}, "refreshed" and the history row of #1); the last frame was:\n${tail(seen, 36)}\n${tail(pty.stderr())}`,
    );
  }

  // Quit as a person would, and make sure it ends.
  const quitSent = performance.now();
  pty.child.stdin.write('q');
  let killed = false;
  const quitTimer = setTimeout(() => {
    killed = true;
    pty.child.kill('SIGTERM');
    setTimeout(() => pty.child.kill('SIGKILL'), 2_000).unref();
  }, QUIT_TIMEOUT_MS);
  const result = await pty.closed;
  clearTimeout(quitTimer);
  if (killed) throw new BenchFailure(`${label}: \`q\` did not end the dashboard within ${QUIT_TIMEOUT_MS / 1000} s; it was killed`);
  if (result.code !== 0) {
    throw new BenchFailure(`${label}: the dashboard exited with ${result.code ?? result.signal} after \`q\`:\n${tail(stripAnsi(pty.output().slice(scanned)) + pty.stderr())}`);
  }
  return { firstFrame, complete, quit: performance.now() - quitSent };
}

// ------------------------------------------------------------------ main

async function main() {
  current.tmp = await mkdtemp(join(tmpdir(), 'data-bench-startup-'));
  const demoDir = join(current.tmp, 'demo');
  log(`startup: creating the demo project in ${demoDir} (starts its embedded PostgreSQL server) ...`);
  current.config = join(demoDir, 'data.config.yaml');
  const demoStarted = performance.now();
  const demo = await runChild(process.execPath, [CLI, 'demo', '--dir', demoDir, '--no-ui'], { cwd: current.tmp, env: terminalEnv() }, current);
  if (demo.code !== 0) throw new BenchFailure(`data demo exited with ${demo.code ?? demo.signal}:\n${tail(demo.output)}`);
  log(`startup: demo ready in ${((performance.now() - demoStarted) / 1000).toFixed(1)} s; 1 warm-up run of each, then ${RUNS} measured run(s)`);

  // Warm-up: the first start after `data demo` pays for cold file caches; not counted.
  await nodeBaseline();
  await wrappedBaseline();
  await dashboardRun(demoDir, 'warm-up');

  const loadAtStart = loadavg()[0];
  const node = [];
  const wrapped = [];
  const wrappedExit = [];
  const dashboard = [];
  const firstFrames = [];
  const quits = [];
  // Interleaved, so drift of the machine (caches, other load) hits all alike.
  for (let i = 1; i <= RUNS; i++) {
    const n = await nodeBaseline();
    const w = await wrappedBaseline();
    const d = await dashboardRun(demoDir, `run ${i}`);
    node.push(n);
    wrapped.push(w.ready);
    wrappedExit.push(w.exited);
    dashboard.push(d.complete);
    if (d.firstFrame !== null) firstFrames.push(d.firstFrame);
    quits.push(d.quit);
    log(`  run ${i}: dashboard complete frame ${ms(d.complete)} (first frame ${d.firstFrame === null ? '-' : ms(d.firstFrame)}, quit took ${ms(d.quit)}); node -e 0 ${ms(n)}; script wrapper ${ms(w.ready)}`);
  }

  const nodeMedian = median(node);
  const wrapperOverhead = median(wrapped) - nodeMedian;
  const rawMedian = median(dashboard);
  const netMedian = rawMedian - wrapperOverhead;
  const netRatio = netMedian / nodeMedian;
  const rawRatio = rawMedian / nodeMedian;
  const rows = [
    ['runs', `${RUNS} (after 1 warm-up run of each)`],
    ['terminal', `script -qfec pseudo-terminal, ${COLUMNS}x${ROWS}, TERM=xterm-256color; demo project, its embedded server already running`],
    ['machine', `${availableParallelism()} CPU(s), 1-min load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0].toFixed(2)} at end (other load skews timings)`],
    ['node -e 0 (to exit)', `median ${ms(nodeMedian)}   (runs: ${list(node)})`],
    ['script wrapper', `median ${ms(median(wrapped))} to a node's first line, ${ms(median(wrappedExit))} to exit   (runs: ${list(wrapped)})`],
    ['wrapper overhead', `${ms(wrapperOverhead)} (script wrapper median - node -e 0 median)`],
    ['dashboard first frame', firstFrames.length ? `median ${ms(median(firstFrames))}   (runs: ${list(firstFrames)}; "loading" state, no data yet)` : 'n/a'],
    ['dashboard complete frame', `median ${ms(rawMedian)} raw   (runs: ${list(dashboard)})`],
    ['  minus wrapper overhead', `median ${ms(netMedian)}`],
    ['quit (q to exit)', `median ${ms(median(quits))}`],
    ['ratio raw / node -e 0', `${rawRatio.toFixed(2)}x`],
    ['ratio net / node -e 0', `${netRatio.toFixed(2)}x   (this one is held against the target)`],
    ['target', `< ${TARGET_RATIO.toFixed(1)}x   (${netRatio < TARGET_RATIO ? 'met' : 'not met'})`],
  ];
  printTable('dashboard start-up benchmark', rows);
}

await runBench(NAME, main, cleanup);
