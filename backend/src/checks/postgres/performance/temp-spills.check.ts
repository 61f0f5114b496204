import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { grade, thresholdText } from '../../grading.js';
import { pgIdent } from '../../quote.js';
import { databaseWindow, inDatabase } from '../counter-window.js';
import {
  shortText,
  statementEvidence,
  statementInfoRow,
  statementInfoVariants,
  statementRow,
  statementVariants,
  statementWindow,
  withNotes,
} from './statement-window.js';

const count = z.coerce.number();
const GiB = 1024 ** 3;
const DAY_MS = 86_400_000;
/** pg_stat_statements counts temporary blocks of BLCKSZ, 8 KiB on every common build. */
const BLOCK_BYTES = 8192;

export const postgresTempSpills = defineCheck({
  id: 'postgres.temp-spills',
  catalogRef: 'PG-A03',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Temporary file spills', zh: '临时文件落盘' },
  description: {
    en: 'Sorts, hashes and materialisations that spilled to temporary files per database over the window: Δtemp_files and Δtemp_bytes of pg_stat_database against the snapshot at the window start (cumulative since the statistics reset when no usable snapshot; the report says which period). More than warnTempFilesCount files is a warning; the spilled volume per day of the period is graded against warnBytesPerDay and critBytesPerDay. When pg_stat_statements is readable, the statements that wrote the most temporary blocks in that database over the window are listed with the finding.',
    zh: '按数据库统计窗口内排序、哈希和物化落盘产生的临时文件：pg_stat_database 的 Δtemp_files 与 Δtemp_bytes，与窗口起点的快照相减（没有可用快照时为自统计信息重置以来的累计值，报告注明统计区间）。临时文件数超过 warnTempFilesCount 为警告；统计区间内每天的落盘量按 warnBytesPerDay 和 critBytesPerDay 评估。可读取 pg_stat_statements 时，随发现列出窗口内该库写临时块最多的语句。',
  },
  remediation: {
    en: 'Look at the statements that write temporary blocks (EXPLAIN (ANALYZE, BUFFERS) shows "Sort Method: external merge" or hash batches): add indexes that deliver rows in order, reduce the rows sorted or hashed, and raise work_mem for those sessions or roles (SET work_mem, ALTER ROLE … SET work_mem) rather than globally; log_temp_files names them in the log.',
    zh: '检查写临时块的语句（EXPLAIN (ANALYZE, BUFFERS) 中出现 "Sort Method: external merge" 或哈希分批）：增加能按顺序返回行的索引，减少参与排序或哈希的行数，并仅为这些会话或角色调大 work_mem（SET work_mem、ALTER ROLE … SET work_mem），而不是全局调大；log_temp_files 可在日志中记录它们。',
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT datname, temp_files, temp_bytes, stats_reset FROM pg_stat_database
WHERE datname IS NOT NULL ORDER BY datname LIMIT 500`,
        },
      ],
      row: z.object({
        datname: z.string(),
        temp_files: count,
        temp_bytes: count,
        stats_reset: z.coerce.date().nullable(),
      }),
    },
    info: { sql: statementInfoVariants, row: statementInfoRow, optional: true },
    statements: { sql: statementVariants('temp'), row: statementRow, optional: true },
  },
  thresholds: {
    schema: z.object({
      warnTempFilesCount: z.number().int().nonnegative(),
      warnBytesPerDay: z.number().nonnegative(),
      critBytesPerDay: z.number().nonnegative(),
      /** Statements listed per database. */
      maxStatements: z.number().int().positive().max(20),
    }),
    defaults: { warnTempFilesCount: 100, warnBytesPerDay: 10 * GiB, critBytesPerDay: 100 * GiB, maxStatements: 5 },
  },
  evaluate({ main, info, statements }, ctx) {
    const t = ctx.thresholds;
    const findings: FindingDraft[] = [];
    const sw = statements.length ? statementWindow(ctx.counterBaseline, statements, info[0]) : undefined;
    for (const row of main) {
      const w = databaseWindow(
        ctx.counterBaseline,
        row.datname,
        { temp_files: row.temp_files, temp_bytes: row.temp_bytes },
        row.stats_reset,
        ctx.now,
      );
      const files = w.values.temp_files!;
      const bytes = w.values.temp_bytes!;
      if (files <= 0) continue;
      const byFiles = grade(files, { warn: t.warnTempFilesCount }, { inclusive: false });
      const perDay = w.spanMs && w.spanMs > 0 ? (bytes / w.spanMs) * DAY_MS : null;
      const byVolume =
        perDay === null
          ? null
          : grade(perDay, { warn: t.warnBytesPerDay, crit: t.critBytesPerDay }, { inclusive: false });
      const g = byVolume?.severity === 'critical' ? byVolume : (byFiles ?? byVolume);
      if (!g) continue;
      const object = pgIdent(row.datname);
      const where = inDatabase(object);
      const limit =
        g === byFiles
          ? thresholdText(t.warnTempFilesCount, { en: ' files', zh: ' 个文件' })
          : { en: `threshold ${formatBytes(g.limit)}/day`, zh: `阈值 每天 ${formatBytes(g.limit)}` };
      const rate =
        perDay === null
          ? { en: '', zh: '' }
          : { en: `, ${formatBytes(Math.round(perDay))}/day`, zh: `，每天 ${formatBytes(Math.round(perDay))}` };
      const top = (sw?.statements ?? [])
        .filter((s) => s.database === row.datname && s.tempBlksWritten > 0)
        .sort((a, b) => b.tempBlksWritten - a.tempBlksWritten)
        .slice(0, t.maxStatements);
      const first = top[0];
      const worst = first
        ? {
            en: `; most by ${shortText(first.text)} (${formatBytes(first.tempBlksWritten * BLOCK_BYTES)} in ${first.calls} calls)`,
            zh: `；最多的语句为 ${shortText(first.text)}（${first.calls} 次调用写入 ${formatBytes(first.tempBlksWritten * BLOCK_BYTES)}）`,
          }
        : { en: '', zh: '' };
      const notes = first && sw ? withNotes(sw.notes) : { en: '', zh: '' };
      findings.push({
        severity: g.severity,
        object,
        message: {
          en: `${files} temporary files, ${formatBytes(bytes)} spilled to disk ${where.en}${rate.en} (${limit.en}) ${w.since.en}${worst.en}${notes.en}`,
          zh: `${where.zh} 有 ${files} 个临时文件，共 ${formatBytes(bytes)} 落盘${rate.zh}（${limit.zh}），${w.since.zh}${worst.zh}${notes.zh}`,
        },
        value: g === byFiles ? files : Math.round(perDay ?? bytes),
        threshold: g.limit,
        evidence: [...w.evidence, ...top.map(statementEvidence)],
      });
    }
    return findings;
  },
});
