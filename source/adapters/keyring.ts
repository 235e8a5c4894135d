import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { PgpassEntry } from './pgpass.js';

/** The OS keyring through libsecret's `secret-tool` (GNOME Keyring, KWallet ...), keyed by the connection's fields. */
export interface Keyring {
  /** For messages: what holds the password. */
  readonly name: string;
  store(entry: PgpassEntry, password: string): Promise<void>;
  lookup(entry: PgpassEntry): Promise<string | undefined>;
  /** True when there was one to remove. */
  remove(entry: PgpassEntry): Promise<boolean>;
}

export type KeyringStatus = { available: true; keyring: Keyring } | { available: false; reason: string };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { input?: string; env: Record<string, string | undefined>; timeoutMs?: number }): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 5000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ code: null, stdout: '', stderr: error.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A command that exits before reading its input must not crash the process (EPIPE).
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

function onPath(command: string, env: Record<string, string | undefined>): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

const attributes = (entry: PgpassEntry) => ['service', 'data', 'host', entry.host, 'port', String(entry.port), 'database', entry.database, 'user', entry.user];

function secretTool(command: string, env: Record<string, string | undefined>): Keyring {
  const fail = (what: string, result: Run) => new Error(`the OS keyring could not ${what}: ${result.stderr.trim().split('\n')[0] || `secret-tool exited with ${result.code}`}`);
  return {
    name: 'the OS keyring (secret-tool)',
    async store(entry, password) {
      // The password goes on stdin, never on the command line where `ps` would show it.
      const label = `data: ${entry.user}@${entry.host}:${entry.port}/${entry.database}`;
      const result = await run(command, ['store', `--label=${label}`, ...attributes(entry)], { input: password, env });
      if (result.code !== 0) throw fail('store the password', result);
    },
    async lookup(entry) {
      const result = await run(command, ['lookup', ...attributes(entry)], { env });
      return result.code === 0 && result.stdout !== '' ? result.stdout : undefined;
    },
    async remove(entry) {
      const found = (await this.lookup(entry)) !== undefined;
      const result = await run(command, ['clear', ...attributes(entry)], { env });
      if (result.code !== 0 && found) throw fail('remove the password', result);
      return found;
    },
  };
}

/**
 * A keyring that works here, without installing anything: `secret-tool` on
 * PATH, a D-Bus session, and a lookup that reaches a secret service. Else
 * why not, for the note that the password went to the password file.
 */
export async function findKeyring(env: Record<string, string | undefined> = process.env): Promise<KeyringStatus> {
  if (process.platform !== 'linux' && process.platform !== 'freebsd') {
    return { available: false, reason: `no supported OS keyring on ${process.platform} (data uses libsecret's secret-tool)` };
  }
  const command = onPath('secret-tool', env);
  if (!command) return { available: false, reason: 'no OS keyring here: secret-tool (libsecret) is not installed' };
  const bus = env.DBUS_SESSION_BUS_ADDRESS || (env.XDG_RUNTIME_DIR && existsSync(join(env.XDG_RUNTIME_DIR, 'bus')));
  if (!bus) return { available: false, reason: 'no OS keyring here: there is no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)' };
  // Exit 1 with nothing on stderr is "no such secret": the keyring answered.
  const probe = await run(command, ['lookup', 'service', 'data', 'probe', 'keyring'], { env, timeoutMs: 3000 });
  if ((probe.code === 0 || probe.code === 1) && probe.stderr.trim() === '') return { available: true, keyring: secretTool(command, env) };
  return { available: false, reason: `no OS keyring here: secret-tool cannot reach one (${probe.stderr.trim().split('\n')[0] || `exit ${probe.code}`})` };
}
