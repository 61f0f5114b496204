import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { counterWindow, type CounterWindow } from '../counter-window.js';

const count = z.coerce.number();
const resetAt = (ms: number | null): Date | null => (ms ? new Date(ms) : null);

/** Up to 16: the checkpointer's, background writer's and backends' buffer writes in pg_stat_bgwriter. */
const BGWRITER_SQL = `SELECT buffers_checkpoint, buffers_clean, buffers_backend, checkpoint_write_time,
  checkpoint_sync_time, COALESCE(extract(epoch FROM stats_reset) * 1000, 0)::float8 AS stats_reset_ms
FROM pg_stat_bgwriter`;
/** 17+: the checkpointer has its own view, buffers_backend is gone (pg_stat_io has the backends' writes). */
const BGWRITER_17_SQL = `SELECT c.buffers_written AS buffers_checkpoint, b.buffers_clean, NULL::bigint AS buffers_backend,
  c.write_time AS checkpoint_write_time, c.sync_time AS checkpoint_sync_time,
  COALESCE(extract(epoch FROM GREATEST(b.stats_reset, c.stats_reset)) * 1000, 0)::float8 AS stats_reset_ms
FROM pg_stat_bgwriter b CROSS JOIN pg_stat_checkpointer c`;
/** 16+: blocks written per backend type, as the snapshot keeps them (`io.<backend_type>.writes`). */
const IO_SQL = `SELECT backend_type, sum(writes)::float8 AS writes,
  COALESCE(extract(epoch FROM max(stats_reset)) * 1000, 0)::float8 AS stats_reset_ms
FROM pg_stat_io WHERE writes IS NOT NULL GROUP BY backend_type ORDER BY backend_type LIMIT 32`;

const CHECKPOINTER = 'checkpointer';
const BGWRITER = 'background writer';

export const postgresBufferWrites = defineCheck({
  id: 'postgres.buffer-writes',
  catalogRef: 'PG-A04',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Checkpoint, background writer and backend writes', zh: '检查点、后台写进程与后端进程的写入' },
  description: {
    en: 'Who wrote the dirty shared buffers over the window: the checkpointer, the background writer or the backends themselves (client backends, autovacuum and other workers), with the checkpoints’ write and sync time. PostgreSQL 16+ reads pg_stat_io writes by backend type; up to 15 pg_stat_bgwriter buffers_checkpoint, buffers_clean and buffers_backend (17+ takes the checkpointer’s columns from pg_stat_checkpointer). Counters are the growth since the snapshot at the window start (cumulative since the statistics reset when no usable snapshot; the report says which period). Backends writing more than warnBackendPercent of all blocks is a warning; otherwise the split is reported for information when at least minWrites blocks were written.',
    zh: '统计窗口内脏共享缓冲区由谁写出：检查点进程、后台写进程，还是后端进程自身（客户端后端、autovacuum 及其他工作进程），并给出检查点的写入与同步耗时。PostgreSQL 16 及以上按后端类型读取 pg_stat_io 的 writes；15 及以下读取 pg_stat_bgwriter 的 buffers_checkpoint、buffers_clean 与 buffers_backend（17 及以上检查点列取自 pg_stat_checkpointer）。计数为窗口起点快照以来的增量（没有可用快照时为自统计信息重置以来的累计值，报告注明统计区间）。后端进程写入超过全部块的 warnBackendPercent 为警告；否则在写入块数达到 minWrites 时以提示形式报告各方占比。',
  },
  remediation: {
    en: 'Backends writing their own buffers wait on I/O: let the background writer do more (raise bgwriter_lru_maxpages and bgwriter_lru_multiplier, lower bgwriter_delay), make checkpoints spread their writes (checkpoint_completion_target 0.9, a max_wal_size that keeps checkpoints timed) and size shared_buffers for the working set; bulk loads and VACUUM writing through their ring buffers are expected to show as backend writes.',
    zh: '后端进程自行写出缓冲区时需要等待 I/O：让后台写进程承担更多写入（调大 bgwriter_lru_maxpages 和 bgwriter_lru_multiplier，调小 bgwriter_delay），让检查点平滑写入（checkpoint_completion_target 0.9，max_wal_size 足以使检查点按时触发），并按工作集设置 shared_buffers；批量导入和 VACUUM 通过环形缓冲区写入，表现为后端写入属正常现象。',
  },
  queries: {
    bgwriter: {
      sql: [
        { since: 0, sql: BGWRITER_SQL },
        { since: 170000, sql: BGWRITER_17_SQL },
      ],
      row: z.object({
        buffers_checkpoint: count,
        buffers_clean: count,
        buffers_backend: count.nullable(),
        checkpoint_write_time: count,
        checkpoint_sync_time: count,
        stats_reset_ms: count,
      }),
    },
    io: {
      sql: [
        {
          since: 0,
          sql: 'SELECT NULL::text AS backend_type, NULL::float8 AS writes, NULL::float8 AS stats_reset_ms WHERE false',
        },
        { since: 160000, sql: IO_SQL },
      ],
      row: z.object({ backend_type: z.string(), writes: count, stats_reset_ms: count }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({
      warnBackendPercent: z.number().min(0).max(100),
      /** Fewer blocks written than this make the split meaningless. */
      minWrites: z.number().int().nonnegative(),
    }),
    defaults: { warnBackendPercent: 50, minWrites: 10_000 },
  },
  evaluate({ bgwriter, io }, ctx) {
    const t = ctx.thresholds;
    const b = bgwriter[0];
    if (!b) return { skipped: { en: 'pg_stat_bgwriter returned no row', zh: 'pg_stat_bgwriter 未返回数据' } };
    const times = counterWindow(
      ctx.counterBaseline,
      [
        { name: 'checkpoint_write_time', key: 'bgwriter.checkpoint_write_time', live: b.checkpoint_write_time },
        { name: 'checkpoint_sync_time', key: 'bgwriter.checkpoint_sync_time', live: b.checkpoint_sync_time },
      ],
      [{ key: 'bgwriter.stats_reset_ms', live: resetAt(b.stats_reset_ms) }],
      ctx.now,
    );
    let w: CounterWindow;
    let checkpointer: number;
    let cleaner: number;
    let backend: number;
    let source: string;
    if (io.length) {
      w = counterWindow(
        ctx.counterBaseline,
        io.map((r) => ({ name: r.backend_type, key: `io.${r.backend_type}.writes`, live: r.writes })),
        io.map((r) => ({ key: `io.${r.backend_type}.stats_reset_ms`, live: resetAt(r.stats_reset_ms) })),
        ctx.now,
      );
      checkpointer = w.values[CHECKPOINTER] ?? 0;
      cleaner = w.values[BGWRITER] ?? 0;
      backend = Object.entries(w.values)
        .filter(([type]) => type !== CHECKPOINTER && type !== BGWRITER)
        .reduce((sum, [, n]) => sum + n, 0);
      source = 'pg_stat_io';
    } else if (b.buffers_backend !== null) {
      w = counterWindow(
        ctx.counterBaseline,
        [
          { name: 'buffers_checkpoint', key: 'bgwriter.buffers_checkpoint', live: b.buffers_checkpoint },
          { name: 'buffers_clean', key: 'bgwriter.buffers_clean', live: b.buffers_clean },
          { name: 'buffers_backend', key: 'bgwriter.buffers_backend', live: b.buffers_backend },
        ],
        [{ key: 'bgwriter.stats_reset_ms', live: resetAt(b.stats_reset_ms) }],
        ctx.now,
      );
      checkpointer = w.values.buffers_checkpoint!;
      cleaner = w.values.buffers_clean!;
      backend = w.values.buffers_backend!;
      source = 'pg_stat_bgwriter';
    } else {
      return {
        skipped: {
          en: 'neither pg_stat_io nor pg_stat_bgwriter.buffers_backend is readable',
          zh: '无法读取 pg_stat_io 或 pg_stat_bgwriter.buffers_backend',
        },
      };
    }
    const total = checkpointer + cleaner + backend;
    if (total < t.minWrites || total <= 0) return [];
    const pct = (n: number) => (100 * n) / total;
    const g = grade(pct(backend), { warn: t.warnBackendPercent }, { inclusive: false });
    const split: Texts = {
      en: `${total} blocks written (${source}): checkpointer ${pct(checkpointer).toFixed(1)} %, background writer ${pct(cleaner).toFixed(1)} %, backends ${pct(backend).toFixed(1)} %`,
      zh: `共写出 ${total} 个块（${source}）：检查点进程 ${pct(checkpointer).toFixed(1)}%，后台写进程 ${pct(cleaner).toFixed(1)}%，后端进程 ${pct(backend).toFixed(1)}%`,
    };
    const cpTime: Texts = {
      en: `; checkpoints spent ${(times.values.checkpoint_write_time! / 1000).toFixed(1)} s writing and ${(times.values.checkpoint_sync_time! / 1000).toFixed(1)} s syncing ${times.since.en}`,
      zh: `；检查点写入耗时 ${(times.values.checkpoint_write_time! / 1000).toFixed(1)} 秒、同步耗时 ${(times.values.checkpoint_sync_time! / 1000).toFixed(1)} 秒，${times.since.zh}`,
    };
    const limit = g ? thresholdText(g.limit, UNITS.percent) : undefined;
    const finding: FindingDraft = {
      severity: g?.severity ?? 'info',
      object: source,
      message: {
        en: `${g ? 'Backends wrote most buffers themselves: ' : ''}${split.en}${limit ? ` (${limit.en})` : ''} ${w.since.en}${cpTime.en}`,
        zh: `${g ? '大部分缓冲区由后端进程自行写出：' : ''}${split.zh}${limit ? `（${limit.zh}）` : ''}，${w.since.zh}${cpTime.zh}`,
      },
      value: Math.round(pct(backend) * 10) / 10,
      ...(g ? { threshold: g.limit } : {}),
      evidence: [...w.evidence, ...times.evidence],
    };
    return [finding];
  },
});
