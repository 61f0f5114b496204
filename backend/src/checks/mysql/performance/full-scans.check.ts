import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText } from '../../grading.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow, round } from './counter-window.js';
import {
  DIGEST_QUERIES,
  digestSample,
  digestsUnavailable,
  onSystemCatalogs,
  statementEvidence,
  statementWindow,
} from './digests.js';

const COUNTERS = ['Select_full_join', 'Select_scan'] as const;
/** A counted period shorter than this is taken as this long, so a few joins right after a snapshot are not extrapolated. */
const MIN_SPAN_MS = 3_600_000;
/** Full-scan statements listed. */
const TOP = 5;

export const mysqlFullScans = defineCheck({
  id: 'mysql.full-scans',
  catalogRef: 'MY-A02',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Full scans and joins without index', zh: '全表扫描与无索引关联' },
  description: {
    en: 'Counts joins that scanned a table without an index (Δ Select_full_join) and full scans of the first table (Δ Select_scan) over the window, as growth since the stored snapshot at the window start (without one, since the server started; the report says which period). More than 250 joins without index per day is a warning (a period under an hour counts as an hour). With performance_schema digests, the statements of the window that most often ran without an index are listed (not those on performance_schema / information_schema).',
    zh: '统计窗口内未使用索引的关联次数（Δ Select_full_join）和首表全表扫描次数（Δ Select_scan），为窗口起点处快照以来的增量（没有快照时为实例启动以来，报告会注明统计区间）。每天无索引关联超过 250 次为警告（统计区间不足一小时按一小时计）。有 performance_schema 摘要时，列出窗口内未使用索引次数最多的语句（不含查询 performance_schema / information_schema 的语句）。',
  },
  remediation: {
    en: 'Find the joins without index (the statements listed, sys.statements_with_full_table_scans, or the slow log with log_queries_not_using_indexes) and index the join columns of the inner tables; EXPLAIN shows "Using join buffer" / type ALL for them.',
    zh: '找出无索引的关联（列出的语句、sys.statements_with_full_table_scans，或开启 log_queries_not_using_indexes 的慢日志），为被驱动表的关联列建立索引；EXPLAIN 中这类关联显示 "Using join buffer" 或 type 为 ALL。',
  },
  queries: {
    status: { sql: globalStatusSql([...COUNTERS, 'Uptime']), row: statusRow },
    ...DIGEST_QUERIES,
  },
  thresholds: { schema: z.object({ warnPerDay: z.number().min(0) }), defaults: { warnPerDay: 250 } },
  evaluate(rows, ctx) {
    const s = new StatusValues(rows.status);
    if (s.number('Select_full_join') === undefined || s.number('Select_scan') === undefined)
      return {
        skipped: {
          en: 'the server did not report Select_full_join and Select_scan',
          zh: '实例未返回 Select_full_join 和 Select_scan',
        },
      };
    const w = countStatusWindow(COUNTERS, s, ctx);
    const joins = w.counted.Select_full_join ?? 0;
    const scans = w.counted.Select_scan ?? 0;
    const days = Math.max(w.spanMs, MIN_SPAN_MS) / 86_400_000;
    const perDay = round(joins / days, 1);
    const scansPerDay = round(scans / days, 1);
    const graded = grade(perDay, { warn: ctx.thresholds.warnPerDay }, { inclusive: false });

    const unavailable = digestsUnavailable(rows);
    const statements = unavailable
      ? []
      : statementWindow(rows.digests.map(digestSample), ctx.counterBaseline)
          .statements.filter((st) => (st.extras.no_index_used ?? 0) > 0 && !onSystemCatalogs(st.text))
          .sort(
            (a, b) =>
              (b.extras.no_index_used ?? 0) - (a.extras.no_index_used ?? 0) ||
              (b.extras.rows_examined ?? 0) - (a.extras.rows_examined ?? 0),
          )
          .slice(0, TOP);
    const digestNote = unavailable
      ? { en: `; no statement list: ${unavailable.en}`, zh: `；无法列出语句：${unavailable.zh}` }
      : statements.length === 0
        ? { en: '; no statement digest ran without an index', zh: '；没有未使用索引执行的语句摘要' }
        : {
            en: `; ${statements.length} statement(s) ran without an index, the most often: ${statements[0]!.text.slice(0, 80)} (${statements[0]!.extras.no_index_used} times)`,
            zh: `；有 ${statements.length} 条语句未使用索引执行，次数最多的：${statements[0]!.text.slice(0, 80)}（${statements[0]!.extras.no_index_used} 次）`,
          };
    const limit = thresholdText(ctx.thresholds.warnPerDay, { en: ' per day', zh: ' 次/天' });
    return [
      {
        severity: graded?.severity ?? 'info',
        object: ctx.instance.name,
        message: {
          en: `${joins} joins without index (Select_full_join, ${perDay} per day; ${limit.en}) and ${scans} full scans (Select_scan, ${scansPerDay} per day) ${w.period.en}${digestNote.en}`,
          zh: `无索引关联 ${joins} 次（Select_full_join，每天 ${perDay} 次；${limit.zh}），全表扫描 ${scans} 次（Select_scan，每天 ${scansPerDay} 次），统计区间：${w.period.zh}${digestNote.zh}`,
        },
        value: perDay,
        threshold: ctx.thresholds.warnPerDay,
        evidence: [...w.evidence, ...statements.map(statementEvidence)],
      },
    ];
  },
});
