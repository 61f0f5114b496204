import pg from 'pg';
import type { PoolClient, PoolConfig, QueryConfig } from 'pg';

import { isConnectionError, isNoTlsSupportError, isRestartingError, toUnreachableError } from './connection-error.js';
import type { ConnectionContext } from './connection-error.js';
import { toQueryError } from './query-error.js';
import { SerialQueue } from './serial-queue.js';
import { parsePostgresVersion } from './server-facts.js';
import { withComment } from './statement-comment.js';
import { checkTimeoutMs, describeSpec } from './target-spec.js';
import type {
  QueryOptions,
  ResolvedTargetSpec,
  ServerFacts,
  Target,
  TargetSession,
  TargetSpec,
} from './target-spec.js';
import { pgSslOptions } from './tls-options.js';

/** Where a target without a database starts: present on every cluster, unlike a database named after the user. */
export const DEFAULT_POSTGRES_DATABASE = 'postgres';

/** pg-pool's message when every connection of a full pool stays busy for `connectionTimeoutMillis`. */
const POOL_BUSY_MESSAGE = 'timeout exceeded when trying to connect';
/** Backoff of new connections while a server that answered before restarts. */
const RESTART_RETRY_FIRST_MS = 100;
const RESTART_RETRY_MAX_MS = 1000;

interface PoolEntry {
  pool: pg.Pool;
  tls: boolean;
}

/** A PostgreSQL cluster: one small pool of read-only sessions per database visited. */
export class PostgresTarget implements Target {
  readonly spec: Readonly<TargetSpec>;
  readonly #cfg: ResolvedTargetSpec;
  readonly #pools = new Map<string, PoolEntry>();
  readonly #retired: Promise<void>[] = [];
  readonly #sessions = new Set<PostgresSession>();
  #plaintextAfterPrefer = false;
  #tlsSettled = false;
  /** A connection succeeded once: later refusals are a restart (retried briefly), not an unreachable server. */
  #answered = false;
  #tlsProbe: Promise<void> | undefined;
  #facts: Promise<ServerFacts> | undefined;
  #closing: Promise<void> | undefined;

  constructor(spec: TargetSpec, resolved: ResolvedTargetSpec) {
    this.spec = Object.freeze({ ...spec });
    this.#cfg = resolved;
  }

  toJSON(): Omit<TargetSpec, 'password'> {
    return describeSpec(this.spec);
  }

  toString(): string {
    return `postgres://${this.spec.user}@${this.spec.host}:${this.spec.port}/${this.#defaultDatabase()}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PostgresTarget(${this.toString()})`;
  }

  async session(database?: string): Promise<TargetSession> {
    const db = database ?? this.#defaultDatabase();
    const client = await this.#connect(db);
    const session = new PostgresSession(client, db, this.#context(db), this.#cfg.statementTimeoutMs, (s) =>
      this.#sessions.delete(s),
    );
    this.#sessions.add(session);
    return session;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<T[]> {
    const session = await this.session();
    try {
      return await session.query<T>(sql, params, opts);
    } finally {
      await session.release();
    }
  }

  facts(): Promise<ServerFacts> {
    this.#facts ??= this.#readFacts().catch((err: unknown) => {
      this.#facts = undefined;
      throw err;
    });
    return this.#facts;
  }

  async listDatabases(): Promise<string[]> {
    const rows = await this.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname',
      [],
      { tag: 'list-databases' },
    );
    return rows.map((r) => r.datname);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const session of this.#sessions) session.destroy();
      for (const db of [...this.#pools.keys()]) this.#retire(db);
      await Promise.all(this.#retired);
    })();
    return this.#closing;
  }

  async #readFacts(): Promise<ServerFacts> {
    const [row] = await this.query<{
      server_version: string;
      server_version_num: string;
      in_recovery: boolean;
      uptime_seconds: string;
    }>(
      `SELECT current_setting('server_version') AS server_version,
              current_setting('server_version_num') AS server_version_num,
              pg_is_in_recovery() AS in_recovery,
              floor(extract(epoch FROM now() - pg_postmaster_start_time()))::bigint AS uptime_seconds`,
      [],
      { tag: 'facts' },
    );
    if (!row) throw new Error('server facts query returned no row');
    const parsed = parsePostgresVersion(row.server_version, row.server_version_num);
    return {
      engine: this.spec.engine,
      flavor: parsed.flavor,
      version: parsed.version,
      versionNum: parsed.versionNum,
      versionString: row.server_version,
      role: row.in_recovery ? 'replica' : 'primary',
      uptimeSeconds: Number(row.uptime_seconds),
      readOnly: row.in_recovery,
    };
  }

  #defaultDatabase(): string {
    return this.#cfg.database ?? DEFAULT_POSTGRES_DATABASE;
  }

  async #connect(db: string): Promise<PoolClient> {
    if (this.#closing) throw new Error(`target ${this.toString()} is closed`);
    if (this.#cfg.tls.mode === 'prefer' && !this.#tlsSettled) {
      this.#tlsProbe ??= this.#probeTls(db).finally(() => {
        this.#tlsProbe = undefined;
      });
      await this.#tlsProbe;
    }
    // A server that answered earlier in this run and now refuses is restarting (failover, maintenance): new sessions
    // wait for it, with backoff, up to the connect timeout, so checks that start during the gap still run.
    const deadline = Date.now() + this.#cfg.connectTimeoutMs;
    let pause = RESTART_RETRY_FIRST_MS;
    for (;;) {
      if (this.#closing) throw new Error(`target ${this.toString()} is closed`);
      try {
        const client = await this.#poolFor(db).pool.connect();
        this.#answered = true;
        return client;
      } catch (err) {
        if (err instanceof Error && err.message === POOL_BUSY_MESSAGE) continue;
        if (this.#answered && isRestartingError(err) && Date.now() + pause < deadline) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          pause = Math.min(pause * 2, RESTART_RETRY_MAX_MS);
          continue;
        }
        throw toUnreachableError(err, this.#context(db));
      }
    }
  }

  /**
   * Under `prefer`, one connection finds out whether the server speaks TLS before any other is attempted, so that
   * concurrent callers do not queue on a TLS pool about to be dropped.
   */
  async #probeTls(db: string): Promise<void> {
    try {
      const client = await this.#poolFor(db).pool.connect();
      client.release();
    } catch (err) {
      if (!isNoTlsSupportError(err)) throw toUnreachableError(err, this.#context(db));
      this.#plaintextAfterPrefer = true;
      for (const [name, entry] of this.#pools) if (entry.tls) this.#retire(name);
    }
    this.#tlsSettled = true;
  }

  #poolFor(db: string): PoolEntry {
    const existing = this.#pools.get(db);
    if (existing) return existing;
    const ssl = this.#plaintextAfterPrefer ? false : pgSslOptions(this.#cfg.tls);
    const config: PoolConfig = {
      host: this.#cfg.host,
      port: this.#cfg.port,
      user: this.#cfg.user,
      ...(this.#cfg.password !== undefined ? { password: this.#cfg.password } : {}),
      database: db,
      ssl,
      max: this.#cfg.poolSize,
      idleTimeoutMillis: 10_000,
      connectionTimeoutMillis: this.#cfg.connectTimeoutMs,
      keepAlive: true,
      application_name: this.#cfg.applicationName,
      statement_timeout: this.#cfg.statementTimeoutMs,
      lock_timeout: this.#cfg.lockTimeoutMs,
      idle_in_transaction_session_timeout: this.#cfg.statementTimeoutMs,
      options: '-c default_transaction_read_only=on',
    };
    const entry = { pool: new pg.Pool(config), tls: ssl !== false };
    // An idle connection that dies is dropped by the pool; without a listener the error would crash the process.
    entry.pool.on('error', () => undefined);
    this.#pools.set(db, entry);
    return entry;
  }

  #retire(db: string): void {
    const entry = this.#pools.get(db);
    if (!entry) return;
    this.#pools.delete(db);
    this.#retired.push(entry.pool.end().catch(() => undefined));
  }

  #context(db: string): ConnectionContext {
    const { engine, host, port, user, password, connectTimeoutMs, tls } = this.#cfg;
    return { engine, host, port, user, password, database: db, connectTimeoutMs, tlsMode: tls.mode };
  }
}

class PostgresSession implements TargetSession {
  readonly database: string;
  readonly #client: PoolClient;
  readonly #context: ConnectionContext;
  readonly #statementTimeoutMs: number;
  readonly #onEnd: (session: PostgresSession) => void;
  readonly #queue = new SerialQueue();
  readonly #onClientError = (): void => {
    this.#broken = true;
  };
  #released = false;
  #broken = false;

  constructor(
    client: PoolClient,
    database: string,
    context: ConnectionContext,
    statementTimeoutMs: number,
    onEnd: (session: PostgresSession) => void,
  ) {
    this.#client = client;
    this.database = database;
    this.#context = context;
    this.#statementTimeoutMs = statementTimeoutMs;
    this.#onEnd = onEnd;
    // pg-pool stops listening for errors on a client while it is checked out.
    client.on('error', this.#onClientError);
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<T[]> {
    return this.#queue.run(async () => {
      if (this.#released) throw new Error('session was released');
      const tag = opts?.tag;
      if (opts?.timeoutMs === undefined || opts.timeoutMs === this.#statementTimeoutMs) {
        return this.#send<T>(sql, params, tag);
      }
      await this.#send(`SET statement_timeout = ${checkTimeoutMs(opts.timeoutMs)}`, undefined, tag);
      try {
        return await this.#send<T>(sql, params, tag);
      } finally {
        // RESET returns to the value sent at connection start-up.
        await this.#send('RESET statement_timeout', undefined, tag).catch(() => {
          this.#broken = true;
        });
      }
    });
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#onEnd(this);
    this.#client.removeListener('error', this.#onClientError);
    this.#client.release(this.#broken ? true : undefined);
  }

  /** Ends the session and its connection, for `close()`. */
  destroy(): void {
    this.#broken = true;
    void this.release();
  }

  async #send<T>(sql: string, params: unknown[] | undefined, tag: string | undefined): Promise<T[]> {
    // Extended protocol even without parameters: one statement per call, never a `;`-separated batch.
    const query: QueryConfig & { queryMode: 'extended' } = {
      text: withComment(sql, tag),
      values: params ?? [],
      queryMode: 'extended',
    };
    try {
      const result = await this.#client.query(query);
      return result.rows as T[];
    } catch (err) {
      if (isConnectionError(err)) {
        this.#broken = true;
        throw toUnreachableError(err, this.#context);
      }
      throw toQueryError(err, tag);
    }
  }
}
