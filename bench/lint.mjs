#!/usr/bin/env node
// Benchmark: `data lint` against squawk on the same 1,000 migration files.
//
//   node bench/lint.mjs [--count N (1000)] [--runs R (5)] [--squawk PATH] [--keep]
//
// Generates N migration files in a temp folder (seeded, so every run lints
// the same SQL): tables, columns, indexes, constraints, backfills, views,
// plpgsql functions and triggers, from 1 to ~40 statements per file, some in
// `-- data:no-transaction` files, and about one in four with something the
// rules report (varchar(n), timestamp, serial, an index without
// CONCURRENTLY, a foreign key without NOT VALID, a volatile default, a
// dropped column, a rename ...). Then, alternating, R times each:
//   - `node dist/cli.js lint <folder> --json`, one process for all files;
//   - `squawk --reporter json <files...>`, one process for all files.
// Output goes to a pipe that is read and dropped. Prints each median, the
// ratio, and both tools' finding counts as a sanity check.
//
// squawk is the `squawk-cli` npm package's binary. From 2.52.1 on, that
// package ships the binary inside per-platform registry packages
// (@squawk-cli/linux-x64 ...) as an optional dependency, with no install
// script; versions up to 2.51.0 downloaded it from GitHub in a postinstall
// script. The project does not depend on it: install it anywhere, e.g.
//   npm install --prefix /tmp/squawk squawk-cli@2.66.0
// and pass --squawk /tmp/squawk/node_modules/@squawk-cli/linux-x64/bin/squawk
// (the native binary; node_modules/.bin/squawk is a node wrapper around it
// and adds node's start-up), or put a `squawk` on PATH. Without one, the
// squawk half is skipped and the output says why.
//
// Needs a build first: cd /work/main && npx tsc -p .
// Prints figures only; never fails on timing. Exit 1 only when a tool
// crashed or printed something that is not its JSON.

import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { delimiter, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { CLI, median, ms, parseOptions, requireBuild, runChild, wholeNumber } from './lib.mjs';

const NAME = 'lint bench';

// ------------------------------------------------------------------ options

const args = parseOptions(
  NAME,
  {
    count: { type: 'string' },
    runs: { type: 'string' },
    squawk: { type: 'string' },
    keep: { type: 'boolean' },
  },
  'usage: node bench/lint.mjs [--count N (1000)] [--runs R (5)] [--squawk PATH] [--keep]\n' +
    'time `data lint` and squawk over the same N generated migration files',
);
const COUNT = wholeNumber(NAME, '--count', args.count, 1000);
const RUNS = wholeNumber(NAME, '--runs', args.runs, 5);
requireBuild(NAME, [CLI]);

function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The squawk to run, or the reason there is none. */
function findSquawk() {
  if (args.squawk) {
    const path = resolve(args.squawk);
    return isExecutable(path) ? { path } : { skipped: `--squawk ${args.squawk} is not an executable file` };
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const path = join(dir, 'squawk');
    if (isExecutable(path)) return { path };
  }
  return {
    skipped: 'no `squawk` on PATH and no --squawk PATH. The squawk-cli npm package (2.52.1 and later) ships its binary in ' +
      '@squawk-cli/<platform> registry packages, no download at install: `npm install --prefix /tmp/squawk squawk-cli@2.66.0`, ' +
      'then --squawk /tmp/squawk/node_modules/@squawk-cli/linux-x64/bin/squawk',
  };
}

// ------------------------------------------------------------------ the migrations

/** mulberry32: the same files on every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = ['users', 'orders', 'invoices', 'products', 'carts', 'payments', 'shipments', 'reviews', 'tags', 'teams', 'projects', 'tickets', 'events', 'sessions', 'addresses', 'coupons'];
const COLUMNS = [
  ['status', "text NOT NULL DEFAULT 'new'"],
  ['note', 'text'],
  ['amount_cents', 'bigint NOT NULL DEFAULT 0'],
  ['created_at', 'timestamptz NOT NULL DEFAULT now()'],
  ['updated_at', 'timestamptz'],
  ['metadata', "jsonb NOT NULL DEFAULT '{}'::jsonb"],
  ['is_archived', 'boolean NOT NULL DEFAULT false'],
  ['external_id', 'uuid'],
  ['position', 'integer'],
  ['country', 'text CHECK (char_length(country) = 2)'],
];
/** Column definitions the rules report. */
const RISKY_COLUMNS = [
  ['email', 'varchar(255)'],
  ['seen_at', 'timestamp'],
  ['legacy_id', 'serial'],
  ['token', 'uuid DEFAULT gen_random_uuid()'],
  ['rank', 'integer NOT NULL'],
];

function makeMigration(n, next) {
  const pick = (list) => list[Math.floor(next() * list.length)];
  const table = `${pick(NOUNS)}_${n}`;
  const otherNoun = pick(NOUNS);
  const other = `${otherNoun}_${Math.max(1, n - 1 - Math.floor(next() * 20))}`;
  const risky = next() < 0.25;
  const shape = Math.floor(next() * 8);
  const lines = [];
  switch (shape) {
    case 0:
    case 1: {
      const columns = Array.from({ length: 2 + Math.floor(next() * 8) }, (_, i) => {
        const [name, type] = risky && i === 0 ? pick(RISKY_COLUMNS) : pick(COLUMNS);
        return `  ${name}_${i} ${type}`;
      });
      lines.push(`-- ${table}: created by migration ${n}`);
      lines.push(`CREATE TABLE ${table} (\n  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,\n  ${otherNoun}_id bigint REFERENCES ${other} (id),\n${columns.join(',\n')}\n);`);
      lines.push(`CREATE INDEX ${table}_created_idx ON ${table} (id DESC);`);
      lines.push(`COMMENT ON TABLE ${table} IS 'Created by migration ${n}';`);
      break;
    }
    case 2: {
      lines.push('-- data:no-transaction');
      lines.push(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${other}_lookup_${n}_idx ON ${other} (id, created_at);`);
      if (risky) lines.push(`DROP INDEX ${other}_old_${n}_idx;`);
      break;
    }
    case 3: {
      const [name, type] = risky ? pick(RISKY_COLUMNS) : pick(COLUMNS);
      lines.push(`ALTER TABLE ${other} ADD COLUMN ${name}_${n} ${type};`);
      for (let i = 0; i < 1 + Math.floor(next() * 30); i++) {
        lines.push(`UPDATE ${other} SET position_${i} = ${i} WHERE id BETWEEN ${i * 10_000} AND ${(i + 1) * 10_000 - 1};`);
      }
      break;
    }
    case 4: {
      lines.push(`CREATE OR REPLACE FUNCTION touch_${table}() RETURNS trigger LANGUAGE plpgsql${risky ? ' SECURITY DEFINER' : ''} AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;`);
      lines.push(`CREATE TRIGGER ${table}_touch BEFORE UPDATE ON ${other} FOR EACH ROW EXECUTE FUNCTION touch_${table}();`);
      break;
    }
    case 5: {
      const constraint = risky
        ? `ALTER TABLE ${other} ADD CONSTRAINT ${other}_owner_fk FOREIGN KEY (owner_id) REFERENCES users_1 (id);`
        : `ALTER TABLE ${other} ADD CONSTRAINT ${other}_owner_fk FOREIGN KEY (owner_id) REFERENCES users_1 (id) NOT VALID;`;
      lines.push(constraint);
      lines.push(`ALTER TABLE ${other} ADD CONSTRAINT ${other}_amount_check CHECK (amount_cents >= 0) NOT VALID;`);
      break;
    }
    case 6: {
      lines.push(`CREATE OR REPLACE VIEW ${table}_summary AS\n  SELECT o.id, count(*) AS total, max(o.created_at) AS latest\n  FROM ${other} o\n  LEFT JOIN ${other} p ON p.id = o.id\n  WHERE o.status <> 'deleted'\n  GROUP BY o.id;`);
      lines.push(`GRANT SELECT ON ${table}_summary TO reporting;`);
      break;
    }
    default: {
      if (risky) {
        lines.push(pick([
          `ALTER TABLE ${other} DROP COLUMN note_${n};`,
          `ALTER TABLE ${other} RENAME COLUMN note TO remark;`,
          `ALTER TABLE ${other} ALTER COLUMN position TYPE bigint;`,
          `ALTER TABLE ${other} ADD CONSTRAINT ${other}_code_key UNIQUE (id, status);`,
        ]));
      }
      lines.push(`INSERT INTO ${other} (status, note) SELECT 'seeded', 'row ' || g FROM generate_series(1, 100) AS g;`);
      lines.push(`ALTER TABLE ${other} ALTER COLUMN note SET DEFAULT '';`);
    }
  }
  const version = String(20260101000000 + n * 100);
  return { name: `${version}_migration_${n}.sql`, sql: `${lines.join('\n\n')}\n` };
}

// ------------------------------------------------------------------ running

/** One timed run in the folder, CI=true as in a pipeline; stdout kept (for the counts), stderr kept for failures. */
function timed(command, commandArgs, cwd) {
  return runChild(command, commandArgs, { cwd, env: { ...process.env, CI: 'true' } });
}

function findingsOf(tool, result) {
  // Both exit 1 when they find something; anything else with no JSON is a crash.
  try {
    const document = JSON.parse(result.stdout);
    return Array.isArray(document) ? document.length : document.findings.length;
  } catch {
    throw new Error(`${tool} exited ${result.code} without its JSON:\n${result.stderr.slice(-2000)}`);
  }
}

const dir = await mkdtemp(join(tmpdir(), 'data-lint-bench-'));
const cleanUp = async () => {
  if (!args.keep) await rm(dir, { recursive: true, force: true });
};
process.on('SIGINT', async () => {
  await cleanUp();
  process.exit(130);
});

try {
  const next = random(20261123);
  const files = [];
  let bytes = 0;
  for (let n = 1; n <= COUNT; n++) {
    const migration = makeMigration(n, next);
    await writeFile(join(dir, migration.name), migration.sql);
    files.push(migration.name);
    bytes += Buffer.byteLength(migration.sql);
  }
  const squawk = findSquawk();
  const squawkVersion = squawk.path ? spawnSync(squawk.path, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  console.log(`${COUNT} migration files, ${(bytes / 1024).toFixed(0)} KiB, in ${dir}${args.keep ? ' (kept)' : ''}`);
  console.log(`node ${process.version}; squawk: ${squawk.path ? `${squawkVersion} at ${squawk.path}` : 'skipped'}; ${RUNS} runs each, alternating\n`);

  const dataArgs = [CLI, 'lint', '.', '--json'];
  const squawkArgs = ['--reporter', 'json', ...files];
  const times = { data: [], squawk: [], node: [] };
  const counts = {};
  for (let run = 0; run < RUNS; run++) {
    const node = await timed(process.execPath, ['-e', '0'], dir);
    times.node.push(node.ms);
    const data = await timed(process.execPath, dataArgs, dir);
    counts.data = findingsOf('data lint', data);
    times.data.push(data.ms);
    if (squawk.path) {
      const result = await timed(squawk.path, squawkArgs, dir);
      counts.squawk = findingsOf('squawk', result);
      times.squawk.push(result.ms);
    }
  }

  const row = (label, values, note = '') => console.log(`${label.padEnd(12)} median ${ms(median(values)).padStart(8)}   runs ${values.map((v) => v.toFixed(0)).join(', ')}${note}`);
  row('data lint', times.data, `   (${counts.data} findings)`);
  if (squawk.path) {
    row('squawk', times.squawk, `   (${counts.squawk} findings, with its own and more rules, e.g. prefer-robust-stmts)`);
    console.log(`\nratio data lint / squawk: ${(median(times.data) / median(times.squawk)).toFixed(2)}x`);
  } else {
    console.log(`squawk       skipped: ${squawk.skipped}`);
  }
  row('node -e 0', times.node, '   (node start-up alone, part of data lint\'s time)');
} catch (error) {
  console.error(`lint bench: ${error.message}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
