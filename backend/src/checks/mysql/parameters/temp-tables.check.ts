import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { variablesByName } from '../security/server-variables.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow, round } from '../performance/counter-window.js';
import { bytesOf } from './variable-bytes.js';
import { globalVariablesQuery } from './settings.js';

const COUNTERS = ['Created_tmp_disk_tables', 'Created_tmp_tables'] as const;

export const mysqlTempTables = defineCheck({
  id: 'mysql.temp-tables',
  catalogRef: 'MY-M06',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'delta',
  scope: 'instance',
  title: { en: 'On-disk temporary tables', zh: '磁盘临时表' },
  description: {
    en: 'Share of internal temporary tables created on disk (Created_tmp_disk_tables / Created_tmp_tables) over the window: above warnPercent (25 %, MySQLTuner) is a warning. The counters are the growth since the stored snapshot at the window start; without one, the totals since the server started, which the report says. tmp_table_size above max_heap_table_size is information: the smaller of the two is the effective in-memory limit.',
    zh: '窗口内在磁盘上创建的内部临时表比例（Created_tmp_disk_tables / Created_tmp_tables）：超过 warnPercent（25%，MySQLTuner 规则）为警告。计数取自窗口起点处快照以来的增量；没有快照时为实例启动以来的累计值，报告中会注明。tmp_table_size 大于 max_heap_table_size 时给出提示：两者中较小者才是实际生效的内存上限。',
  },
  remediation: {
    en: 'Find the statements that create disk temporary tables (performance_schema statement digests: SUM_CREATED_TMP_DISK_TABLES; the slow log with log_slow_verbosity on MariaDB): add indexes for GROUP BY / ORDER BY / DISTINCT, avoid selecting TEXT/BLOB columns into sorts. Then raise tmp_table_size and max_heap_table_size together (the smaller one applies), keeping worst-case memory in mind.',
    zh: '找出产生磁盘临时表的语句（performance_schema 语句摘要中的 SUM_CREATED_TMP_DISK_TABLES；MariaDB 可用 log_slow_verbosity 的慢日志）：为 GROUP BY / ORDER BY / DISTINCT 添加索引，避免把 TEXT/BLOB 列带入排序。然后同时调大 tmp_table_size 和 max_heap_table_size（较小者生效），并注意最坏情况内存。',
  },
  queries: {
    variables: globalVariablesQuery(['tmp_table_size', 'max_heap_table_size']),
    status: { sql: globalStatusSql([...COUNTERS, 'Uptime']), row: statusRow },
  },
  thresholds: { schema: z.object({ warnPercent: z.number().min(0).max(100) }), defaults: { warnPercent: 25 } },
  evaluate({ variables, status }, ctx) {
    const s = new StatusValues(status);
    const vars = variablesByName(variables);
    const findings: FindingDraft[] = [];
    if (COUNTERS.every((n) => s.number(n) !== undefined)) {
      const p = countStatusWindow(COUNTERS, s, ctx);
      const disk = p.counted.Created_tmp_disk_tables ?? 0;
      const all = p.counted.Created_tmp_tables ?? 0;
      // Every on-disk table is also counted in Created_tmp_tables, so the share stays within 100 %.
      const pct = all > 0 ? Math.min(100, (disk / all) * 100) : 0;
      const graded = all > 0 ? grade(pct, { warn: ctx.thresholds.warnPercent }, { inclusive: false }) : null;
      if (graded) {
        const limit = thresholdText(graded.limit, UNITS.percent);
        findings.push({
          severity: graded.severity,
          object: 'Created_tmp_disk_tables',
          message: {
            en: `${disk} of ${all} internal temporary tables were created on disk (${pct.toFixed(1)} %) ${p.period.en}; ${limit.en}`,
            zh: `${all} 个内部临时表中有 ${disk} 个在磁盘上创建（${pct.toFixed(1)}%），统计区间：${p.period.zh}；${limit.zh}`,
          },
          value: round(pct),
          threshold: graded.limit,
          evidence: [
            ...p.evidence,
            {
              tmp_table_size: vars.get('tmp_table_size') ?? null,
              max_heap_table_size: vars.get('max_heap_table_size') ?? null,
            },
          ],
        });
      }
    }
    const tmp = bytesOf(vars, 'tmp_table_size');
    const heap = bytesOf(vars, 'max_heap_table_size');
    if (tmp !== undefined && heap !== undefined && tmp > heap)
      findings.push({
        severity: 'info',
        object: 'tmp_table_size',
        message: {
          en: `tmp_table_size = ${formatBytes(tmp)} is larger than max_heap_table_size = ${formatBytes(heap)}: in-memory temporary tables still go to disk at ${formatBytes(heap)}, the smaller of the two`,
          zh: `tmp_table_size = ${formatBytes(tmp)} 大于 max_heap_table_size = ${formatBytes(heap)}：内存临时表仍会在达到两者中较小的 ${formatBytes(heap)} 时转到磁盘`,
        },
        value: tmp,
        threshold: heap,
        evidence: [{ tmp_table_size: tmp, max_heap_table_size: heap }],
      });
    if (findings.length === 0 && COUNTERS.some((n) => s.number(n) === undefined) && tmp === undefined)
      return {
        skipped: {
          en: 'the server reported neither the temporary table counters nor tmp_table_size',
          zh: '实例未返回临时表计数和 tmp_table_size',
        },
      };
    return findings;
  },
});
