import type { ServerFacts, Target } from '../targets/target-spec.js';

/** Status counters worth keeping over time (MySQL/MariaDB, compared lower-case). */
export const MYSQL_STATUS_COUNTERS = [
  'aborted_clients',
  'aborted_connects',
  'bytes_received',
  'bytes_sent',
  'com_commit',
  'com_rollback',
  'connection_errors_accept',
  'connection_errors_internal',
  'connection_errors_max_connections',
  'connection_errors_peer_address',
  'connection_errors_select',
  'connection_errors_tcpwrap',
  'connections',
  'created_tmp_disk_tables',
  'created_tmp_tables',
  'innodb_buffer_pool_read_requests',
  'innodb_buffer_pool_reads',
  'innodb_deadlocks',
  'innodb_log_waits',
  'innodb_os_log_written',
  'innodb_row_lock_time',
  'innodb_row_lock_waits',
  'max_used_connections',
  'opened_tables',
  'questions',
  'select_full_join',
  'select_scan',
  'slow_queries',
  'sort_merge_passes',
  'sort_range',
  'sort_scan',
  'table_locks_immediate',
  'table_locks_waited',
  'threads_connected',
  'threads_created',
] as const;

const PG_DATABASE_COUNTERS = [
  'xact_commit',
  'xact_rollback',
  'deadlocks',
  'conflicts',
  'temp_files',
  'temp_bytes',
  'checksum_failures',
  'blks_read',
  'blks_hit',
] as const;
const PG14_SESSION_COUNTERS = ['sessions', 'sessions_fatal', 'sessions_killed', 'sessions_abandoned'] as const;

/**
 * Buffer writes by who wrote them (`bgwriter.<column>`): checkpointer, background writer and, up to 16, backends.
 * PostgreSQL 17 moved the checkpointer's columns to pg_stat_checkpointer and dropped buffers_backend (pg_stat_io has
 * it). stats_reset_ms is the later of the two views' resets.
 */
const PG_BGWRITER_SQL = `SELECT buffers_checkpoint, buffers_clean, buffers_backend, buffers_backend_fsync, maxwritten_clean,
  checkpoint_write_time, checkpoint_sync_time, COALESCE(extract(epoch FROM stats_reset) * 1000, 0)::float8 AS stats_reset_ms
FROM pg_stat_bgwriter`;
const PG17_BGWRITER_SQL = `SELECT c.buffers_written AS buffers_checkpoint, b.buffers_clean, b.maxwritten_clean,
  c.write_time AS checkpoint_write_time, c.sync_time AS checkpoint_sync_time,
  COALESCE(extract(epoch FROM GREATEST(b.stats_reset, c.stats_reset)) * 1000, 0)::float8 AS stats_reset_ms
FROM pg_stat_bgwriter b CROSS JOIN pg_stat_checkpointer c`;
/** PostgreSQL 16+: blocks written per backend type (`io.<backend_type>.writes`), a dozen types at most. */
const PG16_IO_SQL = `SELECT backend_type, sum(writes)::float8 AS writes,
  COALESCE(extract(epoch FROM max(stats_reset)) * 1000, 0)::float8 AS stats_reset_ms
FROM pg_stat_io WHERE writes IS NOT NULL GROUP BY backend_type ORDER BY backend_type LIMIT 32`;
/** Sequential scans of the largest tables of the connected database (`table.<datname>.<schema>.<table>.seq_scan`). */
export const PG_TABLE_SCAN_LIMIT = 50;
const PG_TABLE_SCANS_SQL = `SELECT current_database() AS datname, schemaname, relname, seq_scan
FROM pg_stat_user_tables ORDER BY n_live_tup DESC, relid LIMIT ${PG_TABLE_SCAN_LIMIT}`;

/** InnoDB metrics kept for every MySQL/MariaDB flavor (`metric.<name>`). */
const INNODB_METRICS = ['adaptive_hash_searches', 'adaptive_hash_searches_btree'];

const num = (v: unknown): number | undefined => {
  const n = Number(v);
  return v !== null && v !== undefined && v !== '' && Number.isFinite(n) ? n : undefined;
};

async function mysqlCounters(target: Target, facts: ServerFacts): Promise<Record<string, number>> {
  const source =
    facts.flavor === 'mysql' && facts.versionNum >= 50700
      ? 'performance_schema.global_status'
      : 'information_schema.GLOBAL_STATUS';
  const rows = await target.query<{ name: string; value: unknown }>(
    `SELECT LOWER(VARIABLE_NAME) AS name, VARIABLE_VALUE AS value FROM ${source} WHERE LOWER(VARIABLE_NAME) IN (${MYSQL_STATUS_COUNTERS.map(() => '?').join(', ')})`,
    [...MYSQL_STATUS_COUNTERS],
    { tag: 'snapshot' },
  );
  const out: Record<string, number> = {};
  for (const r of rows) {
    const v = num(r.value);
    if (v !== undefined) out[`status.${r.name}`] = v;
  }
  // InnoDB metrics (MySQL: lock_deadlocks for MY-D09; both flavors: the adaptive hash index lookups for MY-A07).
  // Disabled metrics keep COUNT 0 and an unreadable table leaves them out: the checks then count since server start.
  const names = [...(facts.flavor === 'mysql' ? ['lock_deadlocks'] : []), ...INNODB_METRICS];
  const metrics = await target
    .query<{ name: string; value: unknown }>(
      `SELECT LOWER(NAME) AS name, COUNT AS value FROM information_schema.INNODB_METRICS WHERE NAME IN (${names.map(() => '?').join(', ')})`,
      names,
      { tag: 'snapshot' },
    )
    .catch(() => []);
  for (const m of metrics) {
    const v = num(m.value);
    if (v !== undefined) out[`metric.${m.name}`] = v;
  }
  return out;
}

async function postgresCounters(target: Target, facts: ServerFacts): Promise<Record<string, number>> {
  const columns = [...PG_DATABASE_COUNTERS, ...(facts.versionNum >= 140000 ? PG14_SESSION_COUNTERS : [])];
  const rows = await target.query<Record<string, unknown>>(
    `SELECT COALESCE(datname, '<shared>') AS datname, ${columns.join(', ')},
       COALESCE(extract(epoch FROM stats_reset) * 1000, 0)::float8 AS stats_reset_ms
     FROM pg_stat_database`,
    [],
    { tag: 'snapshot' },
  );
  const out: Record<string, number> = {};
  for (const r of rows) {
    for (const c of [...columns, 'stats_reset_ms']) {
      const v = num(r[c]);
      if (v !== undefined) out[`db.${String(r.datname)}.${c}`] = v;
    }
  }
  const archiver = await target.query<Record<string, unknown>>(
    'SELECT archived_count, failed_count FROM pg_stat_archiver',
    [],
    { tag: 'snapshot' },
  );
  for (const [k, v] of Object.entries(archiver[0] ?? {})) {
    const n = num(v);
    if (n !== undefined) out[`archiver.${k}`] = n;
  }
  const checkpoints =
    facts.versionNum >= 170000
      ? 'SELECT num_timed AS checkpoints_timed, num_requested AS checkpoints_req FROM pg_stat_checkpointer'
      : 'SELECT checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter';
  const cp = await target.query<Record<string, unknown>>(checkpoints, [], { tag: 'snapshot' }).catch(() => []);
  for (const [k, v] of Object.entries(cp[0] ?? {})) {
    const n = num(v);
    if (n !== undefined) out[`checkpointer.${k}`] = n;
  }
  const bgwriter = await target
    .query<Record<string, unknown>>(facts.versionNum >= 170000 ? PG17_BGWRITER_SQL : PG_BGWRITER_SQL, [], {
      tag: 'snapshot',
    })
    .catch(() => []);
  for (const [k, v] of Object.entries(bgwriter[0] ?? {})) {
    const n = num(v);
    if (n !== undefined) out[`bgwriter.${k}`] = n;
  }
  if (facts.versionNum >= 160000) {
    const io = await target.query<Record<string, unknown>>(PG16_IO_SQL, [], { tag: 'snapshot' }).catch(() => []);
    for (const r of io) {
      for (const c of ['writes', 'stats_reset_ms']) {
        const n = num(r[c]);
        if (n !== undefined) out[`io.${String(r.backend_type)}.${c}`] = n;
      }
    }
  }
  const tables = await target
    .query<Record<string, unknown>>(PG_TABLE_SCANS_SQL, [], { tag: 'snapshot' })
    .catch(() => []);
  for (const r of tables) {
    const n = num(r.seq_scan);
    if (n !== undefined) out[`table.${String(r.datname)}.${String(r.schemaname)}.${String(r.relname)}.seq_scan`] = n;
  }
  Object.assign(out, await statementsInfo(target, facts));
  return out;
}

/**
 * PostgreSQL 14+: pg_stat_statements_info (`pgss.dealloc`, `pgss.stats_reset_ms`), so a window can tell evicted
 * entries and a reset of the statement statistics; nothing when the extension is not in the connected database.
 */
async function statementsInfo(target: Target, facts: ServerFacts): Promise<Record<string, number>> {
  if (facts.versionNum < 140000) return {};
  try {
    const ext = await target.query<{ nspname: string }>(
      `SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
       WHERE e.extname = 'pg_stat_statements'`,
      [],
      { tag: 'snapshot' },
    );
    const schema = ext[0]?.nspname;
    if (!schema) return {};
    const rows = await target.query<Record<string, unknown>>(
      `SELECT dealloc::float8 AS dealloc, COALESCE(extract(epoch FROM stats_reset) * 1000, 0)::float8 AS stats_reset_ms
       FROM "${schema.replace(/"/g, '""')}".pg_stat_statements_info`,
      [],
      { tag: 'snapshot' },
    );
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(rows[0] ?? {})) {
      const n = num(v);
      if (n !== undefined) out[`pgss.${k}`] = n;
    }
    return out;
  } catch {
    return {};
  }
}

/** Reads the counters delta checks subtract; cheap (a few catalog views), safe on any privilege level it can read. */
export async function collectCounters(target: Target, facts: ServerFacts): Promise<Record<string, number>> {
  return facts.flavor === 'postgres' ? postgresCounters(target, facts) : mysqlCounters(target, facts);
}

/** Server start time from uptime, rounded to the second so two readings of one lifetime agree. */
export function serverStartedAt(facts: ServerFacts, now: Date): string {
  return new Date(Math.round((now.getTime() - facts.uptimeSeconds * 1000) / 1000) * 1000).toISOString();
}
