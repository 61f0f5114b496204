import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import type { FindingDraft } from '../../check.types.js';
import {
  DIGEST_QUERIES,
  digestSample,
  digestsUnavailable,
  ms,
  onSystemCatalogs,
  shortText,
  statementEvidence,
  statementWindow,
  type StatementInWindow,
} from './digests.js';

const byTime = (a: StatementInWindow, b: StatementInWindow) => b.totalTimeMs - a.totalTimeMs;
const where = (s: StatementInWindow) => (s.database ? `\`${s.database}\` ` : '');

export const mysqlTopSql = defineCheck({
  id: 'mysql.top-sql',
  catalogRef: 'MY-A01',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'performance',
  tier: 'annual',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Top SQL by total latency', zh: '总耗时最高的 SQL' },
  description: {
    en: 'Ranks statement digests (performance_schema.events_statements_summary_by_digest) by total latency over the window: the digests at the window end minus the statement sample of the stored snapshot at the window start, matched by digest and schema. A digest new in the window (or below the top 100 kept at the start) counts whole; a digest whose counters went backwards (the digest table was truncated) counts since then, and the report says so. Without a snapshot the totals are since the table was last truncated or the server started. The top statements are reported as information with calls, total and mean time, rows examined and errors, with the statement that examined the most rows and the one with the most errors; statements of the top list that ran without using an index (SUM_NO_INDEX_USED) are warnings, except those on performance_schema / information_schema (monitoring, whose tables have no indexes to add). Skipped when performance_schema is OFF or the digest table cannot be read.',
    zh: '按窗口内总耗时对语句摘要（performance_schema.events_statements_summary_by_digest）排序：窗口终点的摘要减去窗口起点处快照中的语句样本，按摘要和库匹配。窗口内新出现的摘要（或起点时不在保存的前 100 条中）按全量计；计数变小的摘要（摘要表被清空）按清空后计，并在报告中注明。没有快照时为自摘要表上次清空或实例启动以来的累计值。以信息级别列出排名靠前的语句（调用次数、总耗时与平均耗时、扫描行数、错误数），并给出扫描行数最多和错误最多的语句；排名中未使用索引执行过（SUM_NO_INDEX_USED）的语句为警告，但查询 performance_schema / information_schema 的语句（监控语句，其表无法加索引）除外。performance_schema 为 OFF 或无法读取摘要表时跳过。',
  },
  remediation: {
    en: 'Tune the statements at the top: EXPLAIN them, add the missing index for those reported without index use, rewrite or cache the frequent ones, batch row-by-row work. Fix the cause of statements with errors. Keep performance_schema=ON so the next review has digests (performance_schema_digests_size bounds how many are kept).',
    zh: '优化排名靠前的语句：用 EXPLAIN 分析；为报告未使用索引的语句补充索引；改写或缓存高频语句；将逐行操作改为批量。修复报错语句的根因。保持 performance_schema=ON，使下次巡检有摘要数据（保存条数受 performance_schema_digests_size 限制）。',
  },
  queries: DIGEST_QUERIES,
  thresholds: {
    schema: z.object({ maxStatements: z.number().int().min(1).max(20) }),
    defaults: { maxStatements: 10 },
  },
  evaluate(rows, ctx) {
    const unavailable = digestsUnavailable(rows);
    if (unavailable) return { skipped: unavailable };
    const window = statementWindow(rows.digests.map(digestSample), ctx.counterBaseline);
    const ranked = window.statements.filter((s) => s.calls > 0).sort(byTime);
    if (ranked.length === 0)
      return [
        {
          severity: 'info',
          object: ctx.instance.name,
          message: {
            en: `No statement ran ${window.period.en}`,
            zh: `统计区间内没有执行任何语句：${window.period.zh}`,
          },
        },
      ];
    const top = ranked.slice(0, ctx.thresholds.maxStatements);
    const most = (extra: string) =>
      [...ranked]
        .sort((a, b) => (b.extras[extra] ?? 0) - (a.extras[extra] ?? 0))
        .find((s) => (s.extras[extra] ?? 0) > 0);
    const mostRows = most('rows_examined');
    const mostErrors = most('errors');
    const total = ranked.reduce((t, s) => t + s.totalTimeMs, 0);
    const share = total > 0 ? Math.round((top.reduce((t, s) => t + s.totalTimeMs, 0) / total) * 1000) / 10 : 0;
    const head = top[0]!;
    const extrasEn = [
      mostRows
        ? `most rows examined: ${where(mostRows)}${shortText(mostRows.text, 80)} (${mostRows.extras.rows_examined} rows)`
        : '',
      mostErrors
        ? `most errors: ${where(mostErrors)}${shortText(mostErrors.text, 80)} (${mostErrors.extras.errors} errors)`
        : '',
    ].filter(Boolean);
    const extrasZh = [
      mostRows
        ? `扫描行数最多：${where(mostRows)}${shortText(mostRows.text, 80)}（${mostRows.extras.rows_examined} 行）`
        : '',
      mostErrors
        ? `错误最多：${where(mostErrors)}${shortText(mostErrors.text, 80)}（${mostErrors.extras.errors} 次错误）`
        : '',
    ].filter(Boolean);
    const findings: FindingDraft[] = [
      {
        severity: 'info',
        object: ctx.instance.name,
        message: {
          en:
            `Top ${top.length} statements by total latency ${window.period.en}: ${share} % of the time of the ${ranked.length} digests seen; first ${where(head)}${shortText(head.text, 80)} (${head.calls} calls, ${ms(head.totalTimeMs)} ms)` +
            (extrasEn.length ? `; ${extrasEn.join('; ')}` : ''),
          zh:
            `按总耗时排名前 ${top.length} 的语句，统计区间：${window.period.zh}；占所见 ${ranked.length} 条摘要总耗时的 ${share}%；第一名 ${where(head)}${shortText(head.text, 80)}（${head.calls} 次调用，${ms(head.totalTimeMs)} ms）` +
            (extrasZh.length ? `；${extrasZh.join('；')}` : ''),
        },
        value: ms(head.totalTimeMs),
        evidence: top.map(statementEvidence),
      },
    ];
    top.forEach((s, i) => {
      const noIndex = s.extras.no_index_used ?? 0;
      if (noIndex <= 0 || onSystemCatalogs(s.text)) return;
      findings.push({
        severity: 'warning',
        object: `${where(s)}digest ${s.id}`,
        message: {
          en: `Statement #${i + 1} by total latency ran ${noIndex} of ${s.calls} times without using an index ${window.period.en}: ${shortText(s.text, 120)}`,
          zh: `总耗时排名第 ${i + 1} 的语句在统计区间内 ${s.calls} 次执行中有 ${noIndex} 次未使用索引（${window.period.zh}）：${shortText(s.text, 120)}`,
        },
        value: noIndex,
        threshold: 0,
        evidence: [statementEvidence(s)],
      });
    });
    return findings;
  },
});
