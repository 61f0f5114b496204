/** Cumulative counters of one instance at one moment, the edges delta checks subtract. */
export interface CounterSnapshot {
  instanceId: string;
  takenAt: string;
  /** When the server (postmaster / mysqld) started: counters from another lifetime cannot be subtracted. */
  serverStartedAt: string;
  counters: Record<string, number>;
  /**
   * The statements with the most total time since the statistics were reset (pg_stat_statements or
   * performance_schema digests), at most {@link STATEMENT_SAMPLE_LIMIT}; absent when the source is not available.
   */
  statements?: StatementSample[];
}

/** Statements kept per snapshot (top by total time). */
export const STATEMENT_SAMPLE_LIMIT = 100;
/** Characters of statement text kept. */
export const STATEMENT_TEXT_LIMIT = 1000;

/** One normalised statement's cumulative counters, engine-neutral. */
export interface StatementSample {
  /** queryid (PostgreSQL, with user and database) or DIGEST (MySQL/MariaDB, with schema). */
  id: string;
  /** Database (PostgreSQL) or default schema (MySQL/MariaDB), when known. */
  database?: string;
  user?: string;
  /** Normalised text, truncated to {@link STATEMENT_TEXT_LIMIT} characters. */
  text: string;
  calls: number;
  totalTimeMs: number;
  rows: number;
  /**
   * Further cumulative counters by source name: shared_blks_hit, shared_blks_read, temp_blks_written, wal_bytes
   * (PostgreSQL); rows_examined, errors, no_index_used, tmp_disk_tables, sort_merge_passes (MySQL/MariaDB).
   */
  extras: Record<string, number>;
}

/** The sample key two snapshots are matched on. */
export const statementKey = (s: StatementSample): string => `${s.database ?? ''}|${s.user ?? ''}|${s.id}`;

export const truncateStatement = (text: string): string =>
  text.length > STATEMENT_TEXT_LIMIT ? `${text.slice(0, STATEMENT_TEXT_LIMIT - 1)}…` : text;
