import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { parse as parseConnectionString, parseIntoClientConfig } from 'pg-connection-string';
import { type AuditEvent, type AuditEventContent, GENESIS_HASH, chainEvents } from '../domain/audit-chain.js';
import type { Deployment, DeploymentError, DeploymentKind, DeploymentStatus } from '../domain/deployment.js';
import { DataError, ExitCode, usageError, type ErrorDetails } from '../domain/errors.js';
import type { AppliedMigration } from '../domain/plan.js';
import { lookupPgpassPassword } from './pgpass.js';

/** The version of the data_meta schema this release writes. */
export const BOOKKEEPING_VERSION = 2;

/** Quotes an identifier for SQL text; values always go as parameters. */
export const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The URL with its password replaced, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
  }
}

/** libpq's sslmode values, as `data setup` saves them in a profile. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface ConnectionTarget {
  url: string;
  /** For messages: which environment this is. */
  environment: string;
  connectTimeoutMs: number;
  /** From a profile: applied with libpq's meaning (prefer falls back to no SSL, allow to SSL), replacing the url's. */
  sslmode?: SslMode;
  /** This password and no other (the check of `data setup`); a function so it never shows when the target is printed. */
  password?: () => string;
  /** Where a profile keeps its password (the OS keyring): asked after PGPASSWORD, before the password file. */
  storedPassword?: () => Promise<string | undefined>;
  /** What to change when the connection fails, instead of the url in data.config.yaml. */
  settingsHint?: string;
}

/** What a failed connection needs fixed, for `data setup` to send the user to the right field. */
export type ConnectionProblem = 'host' | 'refused' | 'timeout' | 'password' | 'rejected' | 'database' | 'ssl' | 'other';

/** A connection that failed; `problem` says which setting is the likely cause. */
export class ConnectionError extends DataError {
  constructor(
    exitCode: ExitCode,
    readonly problem: ConnectionProblem,
    message: string,
    details: ErrorDetails,
  ) {
    super(exitCode, message, details);
  }
}

/** Where a URL points, for messages (never with the password). */
export function describeTarget(url: string): { host: string; port: string; database: string; user: string } {
  const options = parseConnectionString(withoutSslParameters(url));
  return {
    host: options.host || 'localhost',
    port: String(options.port || 5432),
    database: options.database ?? '',
    user: options.user ?? process.env.PGUSER ?? process.env.USER ?? '',
  };
}

const int8AsNumber = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format ?? 'text'),
};

export class Database {
  /** The server's transaction status from its last ReadyForQuery: I idle, T in a transaction block, E in a failed one. */
  private status = 'I';

  private constructor(
    readonly client: pg.Client,
    readonly target: ConnectionTarget,
  ) {
    (client as unknown as { connection: { on(event: 'readyForQuery', listener: (message: { status: string }) => void): void } }).connection.on('readyForQuery', (message) => {
      this.status = message.status;
    });
  }

  /** The server process of this connection, as the server names it (a pooler's BackendKeyData may not). */
  private backendPid: number | undefined;

  /** Asks the server once which process serves this connection, for cancelRunning. */
  async rememberBackendPid(): Promise<void> {
    this.backendPid ??= (await this.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
  }

  /** Outside any transaction block (a script's own BEGIN opens one). */
  get idle(): boolean {
    return this.status === 'I';
  }

  /** Connects, or throws a ConnectionError naming the host, port, database and what to fix. */
  static async connect(target: ConnectionTarget): Promise<Database> {
    const attempts = sslAttempts(target.sslmode);
    for (let i = 0; ; i++) {
      const client = new pg.Client(clientConfig(target, attempts[i]));
      // An idle client whose server goes away must not crash the process.
      client.on('error', () => undefined);
      try {
        await client.connect();
        return new Database(client, target);
      } catch (error) {
        await client.end().catch(() => undefined);
        if (i + 1 < attempts.length && fallsBack(error, target.sslmode)) continue;
        throw connectionError(error, target);
      }
    }
  }

  query<Row extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: unknown[]) {
    return this.client.query<Row>(text, values);
  }

  /**
   * Cancels this connection's running statement from a second connection, as
   * psql's Ctrl-C does; a transaction it was in then rolls back. On an idle
   * connection it does nothing.
   */
  async cancelRunning(): Promise<void> {
    const pid = this.backendPid ?? (this.client as unknown as { processID?: number }).processID;
    if (!pid) return;
    const canceller = await Database.connect(this.target);
    try {
      await canceller.query('SELECT pg_cancel_backend($1)', [pid]);
    } finally {
      await canceller.close();
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

type TlsOptions = false | { rejectUnauthorized?: boolean; checkServerIdentity?: () => undefined };

/** The TLS settings to try, in order, for libpq's sslmode; no sslmode keeps the url's own. */
function sslAttempts(sslmode: SslMode | undefined): Array<TlsOptions | undefined> {
  const unverified = { rejectUnauthorized: false };
  switch (sslmode) {
    case undefined:
      return [undefined];
    case 'disable':
      return [false];
    case 'allow':
      return [false, unverified];
    case 'prefer':
      return [unverified, false];
    case 'require':
      return [unverified];
    case 'verify-ca':
      return [{ checkServerIdentity: () => undefined }];
    case 'verify-full':
      return [{}];
  }
}

/** prefer: the server has no SSL; allow: the server wants SSL. Then the next attempt runs. */
function fallsBack(error: unknown, sslmode: SslMode | undefined): boolean {
  const message = (error as Error).message ?? '';
  if (sslmode === 'prefer') return /does not support SSL/i.test(message);
  if (sslmode === 'allow') return (error as { code?: string }).code === '28000' && /no encryption/i.test(message);
  return false;
}

/**
 * pg's settings for a target. The password: the url's, else the target's
 * own, else PGPASSWORD, else the profile's store, else the password file
 * (read here: pg's own reading of it is deprecated and warns on stderr).
 */
function clientConfig(target: ConnectionTarget, ssl: TlsOptions | undefined): pg.ClientConfig {
  const parsed = parseIntoClientConfig(target.sslmode ? withoutSslParameters(target.url) : target.url);
  const config: pg.ClientConfig = {
    application_name: 'data',
    ...parsed,
    connectionTimeoutMillis: target.connectTimeoutMs,
    types: int8AsNumber,
  };
  if (ssl !== undefined) config.ssl = ssl;
  if (!parsed.password) {
    const explicit = target.password;
    // pg hands the function its resolved connection parameters; undefined means "no password".
    const lookup = async (params: { host?: string; port?: number; database?: string; user?: string }) => {
      if (explicit) return explicit();
      if (process.env.PGPASSWORD !== undefined) return process.env.PGPASSWORD;
      const stored = await target.storedPassword?.();
      if (stored !== undefined) return stored;
      return lookupPgpassPassword({ host: params.host ?? 'localhost', port: Number(params.port ?? 5432), database: params.database ?? '', user: params.user ?? '' });
    };
    config.password = lookup as unknown as () => Promise<string>;
  }
  return config;
}

/** The url without its SSL parameters: a profile's sslmode is applied by connect itself (and pg would warn about it). */
function withoutSslParameters(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of ['sslmode', 'ssl', 'uselibpqcompat']) parsed.searchParams.delete(key);
    return parsed.toString();
  } catch {
    return url;
  }
}

function connectionError(error: unknown, target: ConnectionTarget): ConnectionError {
  const { host, port, database, user } = describeTarget(target.url);
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  const where = `environment ${target.environment} (${redactUrl(target.url)})`;
  const urlFix = target.settingsHint ?? `check the url of environment ${target.environment} in data.config.yaml, or pass --url / DATABASE_URL`;
  const failed = (exitCode: ExitCode, problem: ConnectionProblem, text: string, fix: string) => new ConnectionError(exitCode, problem, text, { where, fix, cause: error });
  if (code === '28000' && /pg_hba\.conf/.test(message)) {
    const plain = /no encryption/i.test(message);
    return failed(ExitCode.usage, plain ? 'ssl' : 'rejected', `the server at ${host}:${port} refuses user "${user}" on database "${database}" from this host${plain ? ' without SSL' : ''} (pg_hba.conf)`, plain
      ? `connect with SSL (sslmode require or verify-full). ${urlFix}`
      : `ask the server's administrator for a pg_hba.conf entry, or check the user and database. ${urlFix}`);
  }
  if (/client password must be a string/i.test(message)) {
    return failed(ExitCode.usage, 'password', `no password for user "${user}" on ${host}:${port}, and the server wants one`, `give it in ~/.pgpass (\`data setup\` writes it there), PGPASSWORD or the url's variable. ${urlFix}`);
  }
  if (code === '28P01' || code === '28000' || /password/i.test(message) && /SASL|authentication/i.test(message)) {
    const source = target.settingsHint ? 'PGPASSWORD, the keyring or ~/.pgpass' : "the url's variable, PGPASSWORD or ~/.pgpass";
    return failed(ExitCode.usage, 'password', `authentication failed for user "${user}" on ${host}:${port}`, `check the password (from ${source}); it is never shown here. ${urlFix}`);
  }
  if (code === '3D000') {
    return failed(ExitCode.usage, 'database', `database "${database}" does not exist on ${host}:${port}`, `create it (createdb -h ${host} -p ${port} -U ${user} ${database}) or fix the database name${target.settingsHint ? `: ${target.settingsHint}` : ' in the url'}`);
  }
  if (/does not support SSL/i.test(message)) {
    return failed(ExitCode.failed, 'ssl', `the server at ${host}:${port} does not support SSL connections`, `connect without SSL (sslmode disable, or prefer) or enable ssl on the server. ${urlFix}`);
  }
  if (/certificate|self[- ]signed|altnames|SSL|TLS/i.test(message) || /^(ERR_TLS|ERR_SSL|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO|CERT_)/.test(code ?? '')) {
    return failed(ExitCode.failed, 'ssl', `SSL with ${host}:${port} failed: ${message}`, `check the server's certificate, or use an sslmode that does not verify it (require). ${urlFix}`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return failed(ExitCode.failed, 'host', `cannot reach PostgreSQL at ${host}:${port}: host "${host}" not found`, urlFix);
  }
  if (code === 'ECONNREFUSED') {
    return failed(ExitCode.failed, 'refused', `cannot reach PostgreSQL at ${host}:${port}: connection refused`, `is the server running and listening on ${host}:${port}? ${urlFix}`);
  }
  if (/timeout/i.test(message)) {
    return failed(ExitCode.failed, 'timeout', `cannot reach PostgreSQL at ${host}:${port}: no answer within ${target.connectTimeoutMs}ms`, `check the host, port and firewall; raise connect_timeout for slow networks. ${urlFix}`);
  }
  return failed(ExitCode.failed, 'other', `cannot connect to PostgreSQL at ${host}:${port}: ${message}`, urlFix);
}

/** Runs fn inside BEGIN/COMMIT, rolling back when it throws. */
export async function inTransaction<T>(db: Database, fn: () => Promise<T>): Promise<T> {
  await db.query('BEGIN');
  try {
    const result = await fn();
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export async function setTimeouts(db: Database, timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }, scope: 'transaction' | 'session') {
  await db.query(`SELECT set_config('lock_timeout', $1, $3), set_config('statement_timeout', $2, $3)`, [
    `${timeouts.lockTimeoutMs}ms`,
    `${timeouts.statementTimeoutMs}ms`,
    scope === 'transaction',
  ]);
}

// ---------------------------------------------------------------- bookkeeping schema

const BOOKKEEPING_DDL = [
  `CREATE SCHEMA IF NOT EXISTS data_meta`,
  `CREATE TABLE IF NOT EXISTS data_meta.schema_version (
     version integer NOT NULL,
     upgraded_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE IF NOT EXISTS data_meta.deployments (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     environment text NOT NULL,
     kind text NOT NULL,
     status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'rolled_back')),
     git_sha text,
     git_tag text,
     operator text NOT NULL,
     started_at timestamptz NOT NULL,
     finished_at timestamptz,
     migrations text[] NOT NULL DEFAULT '{}',
     reverts bigint[] NOT NULL DEFAULT '{}',
     risk jsonb,
     persona text,
     justification text,
     error jsonb,
     backend_pid integer)`,
  `CREATE INDEX IF NOT EXISTS deployments_environment_id_idx ON data_meta.deployments (environment, id DESC)`,
  `CREATE TABLE IF NOT EXISTS data_meta.migrations (
     version text PRIMARY KEY,
     name text NOT NULL,
     checksum text NOT NULL,
     applied_at timestamptz NOT NULL,
     execution_ms integer NOT NULL,
     deployment_id bigint NOT NULL REFERENCES data_meta.deployments (id),
     seq bigint GENERATED ALWAYS AS IDENTITY)`,
  `CREATE TABLE IF NOT EXISTS data_meta.events (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     at timestamptz NOT NULL,
     environment text NOT NULL,
     kind text NOT NULL,
     deployment_id bigint,
     actor text NOT NULL,
     payload jsonb NOT NULL,
     previous_hash text NOT NULL,
     hash text NOT NULL)`,
  // Version 2: the safety layer. Overrides and what a Riker-mode deploy bypassed, and plan approvals.
  `ALTER TABLE data_meta.deployments ADD COLUMN IF NOT EXISTS overrides jsonb NOT NULL DEFAULT '[]'`,
  `CREATE TABLE IF NOT EXISTS data_meta.approvals (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     environment text NOT NULL,
     plan_hash text NOT NULL,
     approver text NOT NULL,
     approved_at timestamptz NOT NULL,
     UNIQUE (environment, plan_hash, approver))`,
  `CREATE OR REPLACE FUNCTION data_meta.events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     RAISE EXCEPTION 'data_meta.events is append-only: % is not allowed', TG_OP;
   END $$`,
  `DROP TRIGGER IF EXISTS events_append_only ON data_meta.events`,
  `CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON data_meta.events
     FOR EACH STATEMENT EXECUTE FUNCTION data_meta.events_are_append_only()`,
];

const BOOKKEEPING_LOCK: [number, number] = [0x64617461, 0]; // 'data', 0

export async function bookkeepingVersion(db: Database): Promise<number | null> {
  const exists = await db.query<{ present: boolean }>(`SELECT to_regclass('data_meta.schema_version') IS NOT NULL AS present`);
  if (!exists.rows[0]?.present) return null;
  const row = await db.query<{ version: number }>(`SELECT max(version) AS version FROM data_meta.schema_version`);
  return row.rows[0]?.version ?? null;
}

/** Creates or upgrades data_meta; safe when two processes race to do it. */
export async function ensureBookkeeping(db: Database): Promise<void> {
  const version = await bookkeepingVersion(db);
  if (version === BOOKKEEPING_VERSION) return;
  if (version !== null && version > BOOKKEEPING_VERSION) {
    throw usageError(`data_meta in this database is version ${version}, newer than this release of data understands (${BOOKKEEPING_VERSION})`, {
      where: `environment ${db.target.environment}`,
      fix: 'upgrade data (npm install data@latest) before deploying to this database',
    });
  }
  await inTransaction(db, async () => {
    await db.query('SELECT pg_advisory_xact_lock($1, $2)', BOOKKEEPING_LOCK);
    if ((await bookkeepingVersion(db)) === BOOKKEEPING_VERSION) return;
    for (const statement of BOOKKEEPING_DDL) await db.query(statement);
    await db.query('INSERT INTO data_meta.schema_version (version) VALUES ($1)', [BOOKKEEPING_VERSION]);
  });
}

// ---------------------------------------------------------------- environment lock

/** The advisory lock key pair of an environment: ('data', first 4 bytes of sha256(name)). */
export function environmentLockKey(environment: string): [number, number] {
  return [0x64617461, createHash('sha256').update(environment).digest().readInt32BE(0)];
}

export interface LockHolder {
  pid: number;
  applicationName: string;
  clientAddress: string | null;
  backendStart: Date;
  deployment: Pick<Deployment, 'id' | 'operator' | 'startedAt' | 'kind'> | null;
}

export async function findLockHolder(db: Database, environment: string): Promise<LockHolder | null> {
  const [classId, objId] = environmentLockKey(environment);
  const result = await db.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }>(
    `SELECT l.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
        AND l.classid = ($1::bigint & 4294967295)::text::oid AND l.objid = ($2::bigint & 4294967295)::text::oid
      LIMIT 1`,
    [classId, objId],
  );
  const row = result.rows[0];
  if (!row) return null;
  const deployment = (await bookkeepingVersion(db)) === null
    ? undefined
    : (
        await db.query<{ id: number; operator: string; started_at: Date; kind: DeploymentKind }>(
          `SELECT id, operator, started_at, kind FROM data_meta.deployments
            WHERE environment = $1 AND status = 'running' AND backend_pid = $2 ORDER BY id DESC LIMIT 1`,
          [environment, row.pid],
        )
      ).rows[0];
  return {
    pid: row.pid,
    applicationName: row.application_name,
    clientAddress: row.client_addr,
    backendStart: row.backend_start,
    deployment: deployment ? { id: deployment.id, operator: deployment.operator, startedAt: deployment.started_at, kind: deployment.kind } : null,
  };
}

/** Tries the lock at once; returns false when someone else holds it. */
export async function tryEnvironmentLock(db: Database, environment: string): Promise<boolean> {
  const result = await db.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', environmentLockKey(environment));
  return result.rows[0]!.locked;
}

const LOCK_POLL_MS = 100;

/**
 * Waits up to waitMs for the lock, asking every 100 ms; false on timeout or
 * when the signal aborts. Never a blocking pg_advisory_lock: the deploy that
 * holds the lock may run CREATE INDEX CONCURRENTLY, which waits for every
 * statement older than it, the waiting one too, and the two would deadlock.
 */
export async function waitForEnvironmentLock(db: Database, environment: string, waitMs: number, signal?: AbortSignal): Promise<boolean> {
  const deadline = performance.now() + waitMs;
  for (;;) {
    if (signal?.aborted) return false;
    if (await tryEnvironmentLock(db, environment)) return true;
    const left = deadline - performance.now();
    if (left <= 0 || signal?.aborted) return false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(LOCK_POLL_MS, left));
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

export async function releaseEnvironmentLock(db: Database, environment: string): Promise<void> {
  await db.query('SELECT pg_advisory_unlock($1, $2)', environmentLockKey(environment));
}

// ---------------------------------------------------------------- rows

interface DeploymentRow {
  id: number;
  environment: string;
  kind: DeploymentKind;
  status: DeploymentStatus;
  git_sha: string | null;
  git_tag: string | null;
  operator: string;
  started_at: Date;
  finished_at: Date | null;
  migrations: string[];
  reverts: number[];
  persona: string | null;
  justification: string | null;
  error: DeploymentError | null;
  interrupted: boolean;
  risk: Deployment['risk'];
  overrides: Deployment['overrides'] | null;
}

const toDeployment = (row: DeploymentRow): Deployment => ({
  id: row.id,
  environment: row.environment,
  kind: row.kind,
  status: row.status,
  gitSha: row.git_sha,
  gitTag: row.git_tag,
  operator: row.operator,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  migrations: row.migrations,
  reverts: row.reverts.map(Number),
  persona: row.persona,
  justification: row.justification,
  error: row.error,
  risk: row.risk ?? null,
  overrides: row.overrides ?? [],
  ...(row.interrupted ? { interrupted: true } : {}),
});

export async function readAppliedMigrations(db: Database): Promise<AppliedMigration[]> {
  if ((await bookkeepingVersion(db)) === null) return [];
  const result = await db.query<{ version: string; name: string; checksum: string; applied_at: Date; execution_ms: number; deployment_id: number }>(
    `SELECT version, name, checksum, applied_at, execution_ms, deployment_id FROM data_meta.migrations ORDER BY seq`,
  );
  return result.rows.map((row) => ({
    version: row.version,
    name: row.name,
    checksum: row.checksum,
    appliedAt: row.applied_at,
    executionMs: row.execution_ms,
    deploymentId: row.deployment_id,
  }));
}

/**
 * Deployments of an environment, newest first. A running row whose backend
 * no longer holds the environment lock is flagged interrupted.
 */
export async function readDeployments(db: Database, environment: string, options: { limit?: number; ids?: number[] } = {}): Promise<Deployment[]> {
  if ((await bookkeepingVersion(db)) === null) return [];
  const [classId, objId] = environmentLockKey(environment);
  const result = await db.query<DeploymentRow>(
    `SELECT d.id, d.environment, d.kind, d.status, d.git_sha, d.git_tag, d.operator, d.started_at, d.finished_at,
            d.migrations, d.reverts, d.persona, d.justification, d.error, d.risk, to_jsonb(d) -> 'overrides' AS overrides,
            d.status = 'running' AND NOT EXISTS (
              SELECT 1 FROM pg_locks l
               WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 AND l.pid = d.backend_pid
                 AND l.classid = ($2::bigint & 4294967295)::text::oid AND l.objid = ($3::bigint & 4294967295)::text::oid
            ) AS interrupted
       FROM data_meta.deployments d
      WHERE d.environment = $1 AND ($5::bigint[] IS NULL OR d.id = ANY ($5))
      ORDER BY d.id DESC
      LIMIT $4`,
    [environment, classId, objId, options.limit ?? null, options.ids ?? null],
  );
  return result.rows.map(toDeployment);
}

export async function findDeploymentByTag(db: Database, environment: string, tag: string): Promise<number | null> {
  if ((await bookkeepingVersion(db)) === null) return null;
  const result = await db.query<{ id: number }>(`SELECT id FROM data_meta.deployments WHERE environment = $1 AND git_tag = $2`, [environment, tag]);
  return result.rows[0]?.id ?? null;
}

// ---------------------------------------------------------------- audit events

const EVENT_CHAIN_LOCK: [number, number] = [0x64617461, 1];

/** Appends events to the hash chain. Call inside a transaction. */
export async function appendEvents(db: Database, events: AuditEventContent[]): Promise<void> {
  if (events.length === 0) return;
  await db.query('SELECT pg_advisory_xact_lock($1, $2)', EVENT_CHAIN_LOCK);
  const last = await db.query<{ hash: string }>('SELECT hash FROM data_meta.events ORDER BY id DESC LIMIT 1');
  const linked = chainEvents(last.rows[0]?.hash ?? GENESIS_HASH, events);
  await db.query(
    `INSERT INTO data_meta.events (at, environment, kind, deployment_id, actor, payload, previous_hash, hash)
     SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::jsonb[], $7::text[], $8::text[])`,
    [
      linked.map((e) => e.at),
      linked.map((e) => e.environment),
      linked.map((e) => e.kind),
      linked.map((e) => e.deploymentId),
      linked.map((e) => e.actor),
      linked.map((e) => JSON.stringify(e.payload ?? null)),
      linked.map((e) => e.previousHash),
      linked.map((e) => e.hash),
    ],
  );
}

export async function readEvents(db: Database): Promise<AuditEvent[]> {
  if ((await bookkeepingVersion(db)) === null) return [];
  const result = await db.query<{ id: number; at: Date; environment: string; kind: string; deployment_id: number | null; actor: string; payload: unknown; previous_hash: string; hash: string }>(
    `SELECT id, at, environment, kind, deployment_id, actor, payload, previous_hash, hash FROM data_meta.events ORDER BY id`,
  );
  return result.rows.map((row) => ({
    id: row.id,
    at: row.at,
    environment: row.environment,
    kind: row.kind,
    deploymentId: row.deployment_id,
    actor: row.actor,
    payload: row.payload,
    previousHash: row.previous_hash,
    hash: row.hash,
  }));
}

// ---------------------------------------------------------------- deployments

export interface NewDeployment {
  environment: string;
  kind: DeploymentKind;
  gitSha: string | null;
  operator: string;
  startedAt: Date;
  migrations: string[];
  persona: string | null;
  /** The risk assessment shown before it ran, and the rules overridden (or bypassed in Riker mode) with their justification. */
  risk?: Deployment['risk'];
  overrides?: Deployment['overrides'];
  justification?: string | null;
}

/** Inserts a running deployment and its start event, committed at once so a crash leaves a trace. */
export async function startDeployment(db: Database, deployment: NewDeployment): Promise<number> {
  return inTransaction(db, async () => {
    const result = await db.query<{ id: number }>(
      `INSERT INTO data_meta.deployments (environment, kind, status, git_sha, operator, started_at, migrations, persona, backend_pid, risk, overrides, justification)
       VALUES ($1, $2, 'running', $3, $4, $5, $6, $7, pg_backend_pid(), $8, $9, $10) RETURNING id`,
      [
        deployment.environment, deployment.kind, deployment.gitSha, deployment.operator, deployment.startedAt, deployment.migrations, deployment.persona,
        deployment.risk ? JSON.stringify(deployment.risk) : null, JSON.stringify(deployment.overrides ?? []), deployment.justification ?? null,
      ],
    );
    const id = result.rows[0]!.id;
    await appendEvents(db, [
      {
        environment: deployment.environment,
        kind: `${deployment.kind}.started`,
        deploymentId: id,
        actor: deployment.operator,
        at: deployment.startedAt,
        payload: { migrations: deployment.migrations, gitSha: deployment.gitSha, ...(deployment.overrides?.length ? { overrides: deployment.overrides } : {}) },
      },
    ]);
    return id;
  });
}

export async function finishDeployment(
  db: Database,
  id: number,
  outcome: { status: DeploymentStatus; finishedAt: Date; migrations: string[]; error?: DeploymentError | null; reverts?: number[] },
): Promise<void> {
  await db.query(
    `UPDATE data_meta.deployments
        SET status = $2, finished_at = $3, migrations = $4, error = $5, reverts = $6
      WHERE id = $1`,
    [id, outcome.status, outcome.finishedAt, outcome.migrations, outcome.error ? JSON.stringify(outcome.error) : null, outcome.reverts ?? []],
  );
}

export async function setDeploymentTag(db: Database, id: number, tag: string): Promise<void> {
  await db.query('UPDATE data_meta.deployments SET git_tag = $2 WHERE id = $1', [id, tag]);
}

export async function markRolledBack(db: Database, ids: number[]): Promise<void> {
  await db.query(`UPDATE data_meta.deployments SET status = 'rolled_back' WHERE id = ANY ($1::bigint[])`, [ids]);
}

export interface AppliedRow {
  version: string;
  name: string;
  checksum: string;
  appliedAt: Date;
  executionMs: number;
  deploymentId: number;
}

export async function recordAppliedMigrations(db: Database, rows: AppliedRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO data_meta.migrations (version, name, checksum, applied_at, execution_ms, deployment_id)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::integer[], $6::bigint[])`,
    [
      rows.map((r) => r.version),
      rows.map((r) => r.name),
      rows.map((r) => r.checksum),
      rows.map((r) => r.appliedAt),
      rows.map((r) => Math.round(r.executionMs)),
      rows.map((r) => r.deploymentId),
    ],
  );
}

export async function removeAppliedMigrations(db: Database, versions: string[]): Promise<void> {
  await db.query('DELETE FROM data_meta.migrations WHERE version = ANY ($1::text[])', [versions]);
}

/**
 * What a deployment committed before it stopped: the versions its
 * no-transaction files applied (a deploy) or reverted (a rollback), each
 * recorded in the same transaction as its work.
 */
export async function committedVersions(db: Database, deployment: Pick<Deployment, 'id' | 'kind'>): Promise<string[]> {
  const result =
    deployment.kind === 'rollback'
      ? await db.query<{ version: string }>(`SELECT payload->>'version' AS version FROM data_meta.events WHERE deployment_id = $1 AND kind = 'migration.reverted' ORDER BY id`, [deployment.id])
      : await db.query<{ version: string }>('SELECT version FROM data_meta.migrations WHERE deployment_id = $1 ORDER BY seq', [deployment.id]);
  return result.rows.map((row) => row.version);
}

/** Running rows of an environment whose process is gone (their backend no longer holds the lock). */
export async function interruptedDeployments(db: Database, environment: string): Promise<Deployment[]> {
  const recent = await readDeployments(db, environment, { limit: 50 });
  return recent.filter((deployment) => deployment.interrupted);
}

// ---------------------------------------------------------------- approvals

export interface Approval {
  environment: string;
  planHash: string;
  approver: string;
  approvedAt: Date;
}

/** Records an approval of one exact plan by one person (again is a no-op), with its audit event. */
export async function recordApproval(db: Database, approval: Approval): Promise<boolean> {
  return inTransaction(db, async () => {
    const inserted = await db.query(
      `INSERT INTO data_meta.approvals (environment, plan_hash, approver, approved_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (environment, plan_hash, approver) DO NOTHING RETURNING id`,
      [approval.environment, approval.planHash, approval.approver, approval.approvedAt],
    );
    if (inserted.rowCount === 0) return false;
    await appendEvents(db, [
      { environment: approval.environment, kind: 'plan.approved', deploymentId: null, actor: approval.approver, at: approval.approvedAt, payload: { planHash: approval.planHash } },
    ]);
    return true;
  });
}

/** Every approval of an environment, oldest first (none before bookkeeping version 2). */
export async function readApprovals(db: Database, environment: string): Promise<Approval[]> {
  const version = await bookkeepingVersion(db);
  if (version === null || version < 2) return [];
  const result = await db.query<{ environment: string; plan_hash: string; approver: string; approved_at: Date }>(
    `SELECT environment, plan_hash, approver, approved_at FROM data_meta.approvals WHERE environment = $1 ORDER BY id`,
    [environment],
  );
  return result.rows.map((row) => ({ environment: row.environment, planHash: row.plan_hash, approver: row.approver, approvedAt: row.approved_at }));
}

// ---------------------------------------------------------------- statistics

/** pg_class.reltuples of tables by name ('users', 'app.users'); tables that do not exist, or were never analysed, are left out. */
export async function readRowEstimates(db: Database, tables: string[]): Promise<Map<string, number>> {
  const estimates = new Map<string, number>();
  if (tables.length === 0) return estimates;
  const result = await db.query<{ name: string; rows: number }>(
    `SELECT t.name, c.reltuples::float8 AS rows
       FROM unnest($1::text[]) AS t(name)
       JOIN pg_class c ON c.oid = to_regclass(t.name)
      WHERE c.reltuples >= 0`,
    [tables],
  );
  for (const row of result.rows) estimates.set(row.name, Number(row.rows));
  return estimates;
}
