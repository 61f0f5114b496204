import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { variablesByName } from '../security/server-variables.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { countStatusWindow, round } from '../performance/counter-window.js';
import { globalVariablesQuery } from './settings.js';

const COUNTERS = ['Opened_tables', 'Threads_created', 'Connections'] as const;

export const mysqlCacheEfficiency = defineCheck({
  id: 'mysql.cache-efficiency',
  catalogRef: 'MY-M07',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Table-cache / thread-cache efficiency', zh: '表缓存 / 线程缓存命中率' },
  description: {
    en: 'Table cache hit: Open_tables / Opened_tables, the tables held open now against the tables opened over the window; below warnTableCacheHitPercent (20 %) is a warning (table_open_cache too small). Thread cache hit: 1 − Threads_created / Connections over the window; at or below warnThreadCacheHitPercent (50 %) is a warning (thread_cache_size too small; not graded with thread_handling=pool-of-threads). Counters are the growth since the stored snapshot at the window start; without one, the totals since the server started, which the report says (MySQLTuner rules).',
    zh: '表缓存命中率：Open_tables / Opened_tables，即当前打开的表数与窗口内打开表的次数之比；低于 warnTableCacheHitPercent（20%）为警告（table_open_cache 过小）。线程缓存命中率：窗口内 1 − Threads_created / Connections；不高于 warnThreadCacheHitPercent（50%）为警告（thread_cache_size 过小；thread_handling=pool-of-threads 时不评估）。计数取自窗口起点处快照以来的增量；没有快照时为实例启动以来的累计值，报告中会注明（MySQLTuner 规则）。',
  },
  remediation: {
    en: 'Raise table_open_cache (SET GLOBAL, and in my.cnf) until Opened_tables grows slowly, keeping open_files_limit above it; raise thread_cache_size (SET GLOBAL; up to the usual number of concurrent connections) so new connections reuse threads. Frequent FLUSH TABLES or many temporary tables also open tables.',
    zh: '调大 table_open_cache（SET GLOBAL 并写入 my.cnf），直到 Opened_tables 增长缓慢，同时保证 open_files_limit 大于它；调大 thread_cache_size（SET GLOBAL，最多到常见并发连接数），让新连接复用线程。频繁执行 FLUSH TABLES 或大量临时表也会增加打开表次数。',
  },
  queries: {
    variables: globalVariablesQuery(['table_open_cache', 'table_cache', 'thread_cache_size', 'thread_handling']),
    status: { sql: globalStatusSql(['Open_tables', ...COUNTERS, 'Uptime']), row: statusRow },
  },
  thresholds: {
    schema: z.object({
      warnTableCacheHitPercent: z.number().min(0).max(100),
      warnThreadCacheHitPercent: z.number().min(0).max(100),
    }),
    defaults: { warnTableCacheHitPercent: 20, warnThreadCacheHitPercent: 50 },
  },
  evaluate({ variables, status }, ctx) {
    const s = new StatusValues(status);
    if (COUNTERS.every((n) => s.number(n) === undefined))
      return {
        skipped: {
          en: 'the server reported none of Opened_tables, Threads_created, Connections',
          zh: '实例未返回 Opened_tables、Threads_created、Connections',
        },
      };
    const vars = variablesByName(variables);
    const tableCache = vars.get('table_open_cache') ?? vars.get('table_cache') ?? null;
    const threadCache = vars.get('thread_cache_size') ?? null;
    const p = countStatusWindow(COUNTERS, s, ctx);
    const findings: FindingDraft[] = [];
    const openTables = s.number('Open_tables');
    const opened = p.counted.Opened_tables;
    if (openTables !== undefined && opened !== undefined && opened > 0) {
      const hit = Math.min(100, (openTables / opened) * 100);
      const g = grade(hit, { warn: ctx.thresholds.warnTableCacheHitPercent }, { direction: 'below', inclusive: false });
      if (g) {
        const limit = thresholdText(g.limit, UNITS.percent);
        findings.push({
          severity: g.severity,
          object: 'table_open_cache',
          message: {
            en: `table cache hit ${hit.toFixed(1)} %: ${openTables} tables open, ${opened} opened ${p.period.en}; table_open_cache = ${tableCache ?? '?'}; ${limit.en}`,
            zh: `表缓存命中率 ${hit.toFixed(1)}%：当前打开 ${openTables} 张表，统计区间内打开 ${opened} 次（${p.period.zh}）；table_open_cache = ${tableCache ?? '?'}；${limit.zh}`,
          },
          value: round(hit),
          threshold: g.limit,
          evidence: [
            { Open_tables: openTables, table_open_cache: tableCache },
            ...p.evidence.filter((e) => e.counter === 'Opened_tables'),
          ],
        });
      }
    }
    const created = p.counted.Threads_created;
    const connections = p.counted.Connections;
    // With the thread pool (pool-of-threads) connections do not get threads of their own: no thread cache to grade.
    const pooled = /pool-of-threads/i.test(vars.get('thread_handling') ?? '');
    if (!pooled && created !== undefined && connections !== undefined && connections > 0) {
      const hit = Math.max(0, (1 - created / connections) * 100);
      const g = grade(hit, { warn: ctx.thresholds.warnThreadCacheHitPercent }, { direction: 'below' });
      if (g) {
        const limit = thresholdText(g.limit, UNITS.percent);
        findings.push({
          severity: g.severity,
          object: 'thread_cache_size',
          message: {
            en: `thread cache hit ${hit.toFixed(1)} %: ${created} threads created for ${connections} connections ${p.period.en}; thread_cache_size = ${threadCache ?? '?'}; ${limit.en}`,
            zh: `线程缓存命中率 ${hit.toFixed(1)}%：${connections} 次连接创建了 ${created} 个线程（${p.period.zh}）；thread_cache_size = ${threadCache ?? '?'}；${limit.zh}`,
          },
          value: round(hit),
          threshold: g.limit,
          evidence: [
            { thread_cache_size: threadCache },
            ...p.evidence.filter((e) => e.counter === 'Threads_created' || e.counter === 'Connections'),
          ],
        });
      }
    }
    return findings;
  },
});
