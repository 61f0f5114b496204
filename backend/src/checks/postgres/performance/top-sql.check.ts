import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import {
  EXTENSION_SQL,
  extensionRow,
  shortText,
  statementEvidence,
  statementInfoRow,
  statementInfoVariants,
  statementRow,
  statementsUnavailable,
  statementVariants,
  statementWindow,
  withNotes,
} from './statement-window.js';

export const postgresTopSql = defineCheck({
  id: 'postgres.top-sql',
  catalogRef: 'PG-A01',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Top SQL by total time', zh: '按总耗时排序的 Top SQL' },
  description: {
    en: 'The statements with the most execution (and, on PostgreSQL 13+, planning) time over the window, from pg_stat_statements: the live statistics at the window end minus the statement samples of the snapshot at the window start, matched by database, user and queryid. Reports the top statements with calls, total and mean time, rows, shared blocks hit and read, temporary blocks written and WAL bytes (13+); a statement among them whose mean time reaches warnMeanSeconds is a warning. Statements without a window-start sample (new, evicted, below the snapshot’s top 100) and evictions or a reset of the statistics (pg_stat_statements_info, 14+) are stated. Skipped when the extension is not preloaded or not created in the connected database (PG-M10 reports that).',
    zh: '基于 pg_stat_statements 统计窗口内执行（PostgreSQL 13 及以上含计划）耗时最多的语句：窗口终点的实时统计减去窗口起点快照中的语句样本，按数据库、用户和 queryid 匹配。报告前若干条语句的调用次数、总耗时与平均耗时、返回行数、共享块命中与读取、临时块写入及 WAL 字节数（13 及以上）；其中平均耗时达到 warnMeanSeconds 的语句为警告。没有窗口起点样本的语句（新出现、被淘汰、不在快照前 100 条中）以及统计被淘汰或重置（pg_stat_statements_info，14 及以上）会在报告中注明。扩展未预加载或未在所连接的数据库中创建时跳过（由 PG-M10 报告）。',
  },
  remediation: {
    en: 'Start with the statements with the most total time: EXPLAIN (ANALYZE, BUFFERS) them, add or fix indexes, rewrite or batch them, cache results the application re-reads; for slow mean times look at plans, locks and I/O (shared_blks_read, temp_blks_written). Raise pg_stat_statements.max when entries are evicted.',
    zh: '从总耗时最多的语句入手：对其执行 EXPLAIN (ANALYZE, BUFFERS)，增加或修正索引，改写或批量化，缓存应用反复读取的结果；平均耗时高的语句重点看执行计划、锁和 I/O（shared_blks_read、temp_blks_written）。条目被淘汰时调大 pg_stat_statements.max。',
  },
  queries: {
    extension: { sql: [{ since: 0, sql: EXTENSION_SQL }], row: extensionRow },
    info: { sql: statementInfoVariants, row: statementInfoRow, optional: true },
    statements: { sql: statementVariants('time'), row: statementRow, optional: true },
  },
  thresholds: {
    schema: z.object({
      warnMeanSeconds: z.number().positive(),
      /** Statements reported. */
      maxStatements: z.number().int().positive().max(20),
    }),
    defaults: { warnMeanSeconds: 1, maxStatements: 10 },
  },
  evaluate({ extension, info, statements }, ctx) {
    const unavailable = statementsUnavailable(extension[0]);
    if (unavailable) return { skipped: unavailable };
    const t = ctx.thresholds;
    const w = statementWindow(ctx.counterBaseline, statements, info[0]);
    const top = [...w.statements].sort((a, b) => b.totalMs - a.totalMs).slice(0, t.maxStatements);
    const notes = withNotes(w.notes);
    if (!top.length) {
      return [
        {
          severity: 'info',
          object: 'pg_stat_statements',
          message: {
            en: `No statement ran ${w.since.en}${notes.en}`,
            zh: `${w.since.zh}，没有语句执行${notes.zh}`,
          },
        },
      ];
    }
    const totalMs = top.reduce((sum, s) => sum + s.totalMs, 0);
    const findings: FindingDraft[] = [
      {
        severity: 'info',
        object: 'pg_stat_statements',
        message: {
          en: `Top ${top.length} statements by total time ${w.since.en}: ${(totalMs / 1000).toFixed(1)} s in all, the first ${top[0]!.calls} calls ${(top[0]!.totalMs / 1000).toFixed(1)} s (${shortText(top[0]!.text)})${notes.en}`,
          zh: `${w.since.zh}，按总耗时排序的前 ${top.length} 条语句：合计 ${(totalMs / 1000).toFixed(1)} 秒，第一条调用 ${top[0]!.calls} 次、耗时 ${(top[0]!.totalMs / 1000).toFixed(1)} 秒（${shortText(top[0]!.text)}）${notes.zh}`,
        },
        value: Math.round(totalMs),
        evidence: top.map(statementEvidence),
      },
    ];
    for (const s of top) {
      if (s.calls <= 0) continue;
      const mean = s.totalMs / s.calls / 1000;
      const g = grade(mean, { warn: t.warnMeanSeconds });
      if (!g) continue;
      const limit = thresholdText(g.limit, UNITS.seconds);
      findings.push({
        severity: g.severity,
        object: `queryid ${s.id}${s.database ? ` (${s.user ?? ''}@${s.database})` : ''}`,
        message: {
          en: `Mean time ${mean.toFixed(2)} s over ${s.calls} calls (${limit.en}) ${w.since.en}: ${shortText(s.text)}`,
          zh: `${w.since.zh}，平均耗时 ${mean.toFixed(2)} 秒，共 ${s.calls} 次调用（${limit.zh}）：${shortText(s.text)}`,
        },
        value: Math.round(mean * 100) / 100,
        threshold: g.limit,
        evidence: [statementEvidence(s)],
      });
    }
    return findings;
  },
});
