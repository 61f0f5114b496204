import { createPool } from 'mysql2/promise';
import type { Pool, PoolConnection, PoolOptions } from 'mysql2/promise';

import { isConnectionError, isNoTlsSupportError, isRestartingError, toUnreachableError } from './connection-error.js';
import { MysqlSession, mysqlSessionStatements } from './mysql-session.js';
import type { ConnectionContext } from './connection-error.js';
import { classifyQueryError, TargetQueryError, toQueryError } from './query-error.js';
import { isReadOnlyValue, parseMysqlVersion, replicaStatusStatement } from './server-facts.js';
import type { ParsedVersion } from './server-facts.js';
import { withComment } from './statement-comment.js';
import { describeSpec } from './target-spec.js';
import type {
  QueryOptions,
  ResolvedTargetSpec,
  ServerFacts,
  Target,
  TargetSession,
  TargetSpec,
} from './target-spec.js';
import { mysqlSslOptions } from './tls-options.js';

const SYSTEM_SCHEMAS = ['mysql', 'information_schema', 'performance_schema', 'sys'];

function quoteIdentifier(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** A MySQL or MariaDB instance behind one small pool of read-only connections. */
export class MysqlTarget implements Target {
  readonly spec: Readonly<TargetSpec>;
  readonly #cfg: ResolvedTargetSpec;
  #pool: Pool | undefined;
  #plaintextAfterPrefer = false;
  /** A connection succeeded once: later refusals are a restart (retried briefly), not an unreachable server. */
  #answered = false;
  #tlsSettled = false;
  #tlsProbe: Promise<void> | undefined;
  #server: ParsedVersion | undefined;
  #facts: Promise<ServerFacts> | undefined;
  #closing: Promise<void> | undefined;
  readonly #retired: Promise<void>[] = [];
  readonly #prepared = new WeakSet<object>();
  readonly #currentDatabase = new WeakMap<object, string | undefined>();
  readonly #sessions = new Set<MysqlSession>();

  constructor(spec: TargetSpec, resolved: ResolvedTargetSpec) {
    this.spec = Object.freeze({ ...spec });
    this.#cfg = resolved;
  }

  toJSON(): Omit<TargetSpec, 'password'> {
    return describeSpec(this.spec);
  }

  toString(): string {
    return `${this.spec.engine}://${this.spec.user}@${this.spec.host}:${this.spec.port}${this.spec.database ? `/${this.spec.database}` : ''}`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MysqlTarget(${this.toString()})`;
  }

  /**
   * The connection keeps the schema a previous session `USE`d; a session without a database (and a spec without
   * one) may therefore start in any schema, so checks qualify their table names.
   */
  async session(database?: string): Promise<TargetSession> {
    const conn = await this.#connect();
    const wanted = database ?? this.#cfg.database;
    try {
      const server = await this.#prepare(conn);
      if (wanted !== undefined && this.#currentDatabase.get(conn.connection) !== wanted) {
        await conn.query(withComment(`USE ${quoteIdentifier(wanted)}`, 'session'));
        this.#currentDatabase.set(conn.connection, wanted);
      }
      const session = new MysqlSession(conn, server, wanted, this.#context(), this.#cfg.statementTimeoutMs, (s) =>
        this.#sessions.delete(s),
      );
      this.#sessions.add(session);
      return session;
    } catch (err) {
      if (isConnectionError(err)) {
        conn.destroy();
        throw toUnreachableError(err, this.#context());
      }
      // Not marked prepared or moved to `wanted`, so the next session sets it up again.
      conn.release();
      throw toQueryError(err, 'session');
    }
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
    const placeholders = SYSTEM_SCHEMAS.map(() => '?').join(', ');
    const rows = await this.query<{ name: string }>(
      `SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME NOT IN (${placeholders}) ORDER BY SCHEMA_NAME`,
      SYSTEM_SCHEMAS,
      { tag: 'list-databases' },
    );
    return rows.map((r) => r.name);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const session of this.#sessions) session.destroy();
      if (this.#pool) this.#retire(this.#pool);
      await Promise.all(this.#retired);
    })();
    return this.#closing;
  }

  async #readFacts(): Promise<ServerFacts> {
    const session = await this.session();
    try {
      const [info] = await session.query<{ version: string; hostname: string | null; read_only: unknown }>(
        'SELECT VERSION() AS version, @@hostname AS hostname, @@read_only AS read_only',
        [],
        { tag: 'facts' },
      );
      if (!info) throw new Error('SELECT VERSION() returned no row');
      const parsed = parseMysqlVersion(info.version);
      const uptime = await session.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Uptime'", [], { tag: 'facts' });
      const role = await this.#role(session, parsed);
      return {
        engine: this.spec.engine,
        flavor: parsed.flavor,
        version: parsed.version,
        versionNum: parsed.versionNum,
        versionString: info.version,
        role,
        uptimeSeconds: Number(uptime[0]?.Value ?? 0),
        ...(info.hostname ? { hostname: info.hostname } : {}),
        readOnly: isReadOnlyValue(info.read_only),
      };
    } finally {
      await session.release();
    }
  }

  /** Falls back to weaker signals when the account may not list replication channels. */
  async #role(session: TargetSession, server: ParsedVersion): Promise<'primary' | 'replica'> {
    try {
      const channels = await session.query(replicaStatusStatement(server.flavor, server.versionNum), [], {
        tag: 'facts',
      });
      return channels.length > 0 ? 'replica' : 'primary';
    } catch (err) {
      if (!(err instanceof TargetQueryError) || classifyQueryError(err).kind !== 'permission') throw err;
    }
    try {
      if (server.flavor === 'mariadb') {
        const [row] = await session.query<{ Value: string }>("SHOW GLOBAL STATUS LIKE 'Slaves_running'", [], {
          tag: 'facts',
        });
        return Number(row?.Value ?? 0) > 0 ? 'replica' : 'primary';
      }
      const [row] = await session.query<{ n: string | number }>(
        'SELECT COUNT(*) AS n FROM performance_schema.replication_connection_configuration',
        [],
        { tag: 'facts' },
      );
      return Number(row?.n ?? 0) > 0 ? 'replica' : 'primary';
    } catch (err) {
      if (err instanceof TargetQueryError) return 'primary';
      throw err;
    }
  }

  async #connect(): Promise<PoolConnection> {
    if (this.#cfg.tls.mode === 'prefer' && !this.#tlsSettled) {
      this.#tlsProbe ??= this.#probeTls().finally(() => {
        this.#tlsProbe = undefined;
      });
      await this.#tlsProbe;
    }
    // As for PostgreSQL: a server that answered earlier and now refuses is restarting; wait for it, with backoff, up
    // to the connect timeout.
    const deadline = Date.now() + this.#cfg.connectTimeoutMs;
    let pause = 100;
    for (;;) {
      if (this.#closing) throw new Error(`target ${this.toString()} is closed`);
      try {
        const conn = await this.#currentPool().getConnection();
        this.#answered = true;
        return conn;
      } catch (err) {
        if (this.#answered && isRestartingError(err) && Date.now() + pause < deadline) {
          await new Promise((resolve) => setTimeout(resolve, pause));
          pause = Math.min(pause * 2, 1000);
          continue;
        }
        throw toUnreachableError(err, this.#context());
      }
    }
  }

  /**
   * Under `prefer`, one connection finds out whether the server speaks TLS before any other is attempted, so that
   * concurrent callers do not queue on a TLS pool about to be dropped.
   */
  async #probeTls(): Promise<void> {
    const pool = this.#currentPool();
    try {
      (await pool.getConnection()).release();
    } catch (err) {
      if (!isNoTlsSupportError(err)) throw toUnreachableError(err, this.#context());
      this.#plaintextAfterPrefer = true;
      this.#retire(pool);
    }
    this.#tlsSettled = true;
  }

  #currentPool(): Pool {
    if (this.#closing) throw new Error(`target ${this.toString()} is closed`);
    this.#pool ??= createPool(this.#poolOptions());
    return this.#pool;
  }

  #retire(pool: Pool): void {
    if (this.#pool !== pool) return;
    this.#pool = undefined;
    this.#retired.push(pool.end().catch(() => undefined));
  }

  /** Settings go on lazily, not in the pool's `connection` event, so that their failure reaches the caller. */
  async #prepare(conn: PoolConnection): Promise<ParsedVersion> {
    if (!this.#server) {
      const [rows] = await conn.query(withComment('SELECT VERSION() AS version', 'session'));
      this.#server = parseMysqlVersion(String((rows as { version: string }[])[0]?.version ?? ''));
    }
    if (!this.#prepared.has(conn.connection)) {
      for (const sql of mysqlSessionStatements(this.#server, this.#cfg)) {
        await conn.query(withComment(sql, 'session'));
      }
      this.#prepared.add(conn.connection);
      this.#currentDatabase.set(conn.connection, this.#cfg.database);
    }
    return this.#server;
  }

  #poolOptions(): PoolOptions {
    const ssl = this.#plaintextAfterPrefer ? undefined : mysqlSslOptions(this.#cfg.tls);
    return {
      host: this.#cfg.host,
      port: this.#cfg.port,
      user: this.#cfg.user,
      ...(this.#cfg.password !== undefined ? { password: this.#cfg.password } : {}),
      ...(this.#cfg.database !== undefined ? { database: this.#cfg.database } : {}),
      ...(ssl ? { ssl } : {}),
      connectTimeout: this.#cfg.connectTimeoutMs,
      connectionLimit: this.#cfg.poolSize,
      maxIdle: this.#cfg.poolSize,
      waitForConnections: true,
      queueLimit: 0,
      enableKeepAlive: true,
      multipleStatements: false,
      // Every check has its own result shape and returns a handful of rows: compiling a row parser per shape (the
      // default) costs more than interpreting those rows, most of all in a fresh CLI process (npm run bench).
      disableEval: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      dateStrings: false,
      connectAttributes: { program_name: this.#cfg.applicationName },
    };
  }

  #context(): ConnectionContext {
    const { engine, host, port, user, password, database, connectTimeoutMs, tls } = this.#cfg;
    return { engine, host, port, user, password, database, connectTimeoutMs, tlsMode: tls.mode };
  }
}
