import type { PoolConnection } from 'mysql2/promise';
import { isConnectionError, toUnreachableError } from './connection-error.js';
import type { ConnectionContext } from './connection-error.js';
import { toQueryError } from './query-error.js';
import { SerialQueue } from './serial-queue.js';
import type { ParsedVersion } from './server-facts.js';
import { withComment } from './statement-comment.js';
import { checkTimeoutMs } from './target-spec.js';
import type { QueryOptions, TargetSession } from './target-spec.js';

/** Session settings every pooled connection gets before its first statement. */
export function mysqlSessionStatements(
  server: ParsedVersion,
  timeouts: { statementTimeoutMs: number; lockTimeoutMs: number },
): string[] {
  const lockSeconds = Math.max(1, Math.ceil(timeouts.lockTimeoutMs / 1000));
  const settings = [`SESSION lock_wait_timeout = ${lockSeconds}`, `SESSION innodb_lock_wait_timeout = ${lockSeconds}`];
  if (server.flavor === 'mariadb' && server.versionNum >= 100101) {
    settings.unshift(`SESSION max_statement_time = ${mariadbSeconds(timeouts.statementTimeoutMs)}`);
  } else if (server.flavor === 'mysql' && server.versionNum >= 50708) {
    settings.unshift(`SESSION max_execution_time = ${timeouts.statementTimeoutMs}`);
  }
  return ['SET SESSION TRANSACTION READ ONLY', `SET ${settings.join(', ')}`];
}

function mariadbSeconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** One pooled connection lent to a caller: statements run one at a time, with the session's timeouts. */
export class MysqlSession implements TargetSession {
  readonly database?: string;
  readonly #conn: PoolConnection;
  readonly #server: ParsedVersion;
  readonly #context: ConnectionContext;
  readonly #statementTimeoutMs: number;
  readonly #onEnd: (session: MysqlSession) => void;
  readonly #queue = new SerialQueue();
  #released = false;
  #broken = false;

  constructor(
    conn: PoolConnection,
    server: ParsedVersion,
    database: string | undefined,
    context: ConnectionContext,
    statementTimeoutMs: number,
    onEnd: (session: MysqlSession) => void,
  ) {
    this.#conn = conn;
    this.#server = server;
    this.#context = context;
    this.#statementTimeoutMs = statementTimeoutMs;
    this.#onEnd = onEnd;
    if (database !== undefined) this.database = database;
  }

  query<T = Record<string, unknown>>(sql: string, params?: unknown[], opts?: QueryOptions): Promise<T[]> {
    return this.#queue.run(async () => {
      if (this.#released) throw new Error('session was released');
      const tag = opts?.tag;
      const timeoutMs = opts?.timeoutMs === undefined ? undefined : checkTimeoutMs(opts.timeoutMs);
      if (timeoutMs !== undefined && this.#server.flavor === 'mariadb' && this.#server.versionNum >= 100101) {
        return this.#send<T>(`SET STATEMENT max_statement_time = ${mariadbSeconds(timeoutMs)} FOR ${sql}`, params, tag);
      }
      if (timeoutMs !== undefined && this.#server.flavor === 'mysql' && this.#server.versionNum >= 50708) {
        // max_execution_time has no per-statement form for every SELECT shape (CTEs, unions), so set and restore.
        await this.#send(`SET SESSION max_execution_time = ${timeoutMs}`, undefined, tag);
        try {
          return await this.#send<T>(sql, params, tag);
        } finally {
          await this.#send(`SET SESSION max_execution_time = ${this.#statementTimeoutMs}`, undefined, tag).catch(() => {
            this.#broken = true;
          });
        }
      }
      return this.#send<T>(sql, params, tag);
    });
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.#onEnd(this);
    if (this.#broken) this.#conn.destroy();
    else this.#conn.release();
  }

  /** Ends the session without returning its connection, for `close()`. */
  destroy(): void {
    this.#broken = true;
    void this.release();
  }

  async #send<T>(sql: string, params: unknown[] | undefined, tag: string | undefined): Promise<T[]> {
    try {
      const [rows] = await this.#conn.query({ sql: withComment(sql, tag), ...(params ? { values: params } : {}) });
      return Array.isArray(rows) ? (rows as T[]) : [];
    } catch (err) {
      if ((err as { fatal?: boolean }).fatal === true) this.#broken = true;
      if (isConnectionError(err)) throw toUnreachableError(err, this.#context);
      throw toQueryError(err, tag);
    }
  }
}
