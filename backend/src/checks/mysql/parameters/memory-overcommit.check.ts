import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { variablesByName } from '../security/server-variables.js';
import { globalStatusSql, StatusValues, statusRow } from '../connections/global-status.js';
import { round } from '../performance/counter-window.js';
import { bytesOf } from './variable-bytes.js';
import { hostRam } from './host-memory.js';
import { globalVariablesQuery } from './settings.js';

/** Allocated once for the server (absent ones, e.g. aria_pagecache_buffer_size on MySQL, count as 0). */
const GLOBAL_BUFFERS = [
  'innodb_buffer_pool_size',
  'innodb_log_buffer_size',
  'innodb_additional_mem_pool_size',
  'key_buffer_size',
  'query_cache_size',
  'aria_pagecache_buffer_size',
] as const;
/** Allocated per connection at worst (plus the in-memory temporary table limit, the smaller of the two sizes). */
const THREAD_BUFFERS = [
  'sort_buffer_size',
  'join_buffer_size',
  'read_buffer_size',
  'read_rnd_buffer_size',
  'thread_stack',
  'binlog_cache_size',
] as const;
const TMP_LIMITS = ['tmp_table_size', 'max_heap_table_size'] as const;

export const mysqlMemoryOvercommit = defineCheck({
  id: 'mysql.memory-overcommit',
  catalogRef: 'MY-M05',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Worst-case memory over-commit', zh: '最坏情况内存超配' },
  description: {
    en: 'Worst-case memory: the global buffers (innodb_buffer_pool_size, innodb_log_buffer_size, key_buffer_size, query_cache_size, aria_pagecache_buffer_size on MariaDB) plus max_connections × the per-connection buffers (sort_buffer_size, join_buffer_size, read_buffer_size, read_rnd_buffer_size, thread_stack, binlog_cache_size and an in-memory temporary table of min(tmp_table_size, max_heap_table_size)), compared with the host RAM from the host metrics source. Above warnPercent (85 %) of RAM is a warning (MySQLTuner); the same sum with Max_used_connections (the peak since the server started) is reported beside it. Skipped when the RAM is unknown. On a host shared with other services the real headroom is smaller.',
    zh: '最坏情况内存：全局缓冲（innodb_buffer_pool_size、innodb_log_buffer_size、key_buffer_size、query_cache_size，MariaDB 上还有 aria_pagecache_buffer_size）加上 max_connections × 每连接缓冲（sort_buffer_size、join_buffer_size、read_buffer_size、read_rnd_buffer_size、thread_stack、binlog_cache_size，以及大小为 min(tmp_table_size, max_heap_table_size) 的内存临时表），与主机指标来源给出的主机内存比较。超过内存的 warnPercent（85%）为警告（MySQLTuner 规则）；同时给出按 Max_used_connections（实例启动以来的峰值）计算的值。内存未知时跳过。主机上还运行其他服务时，实际余量更小。',
  },
  remediation: {
    en: 'Lower max_connections to what the application pools really need (a connection pool or ProxySQL in front helps), keep the per-session buffers at their defaults and raise them per session where a query needs it, or shrink innodb_buffer_pool_size; alternatively add RAM.',
    zh: '将 max_connections 降到应用连接池真正需要的数量（可在前端使用连接池或 ProxySQL），每会话缓冲保持默认值、只在需要的查询会话中单独调大，或调小 innodb_buffer_pool_size；也可以增加内存。',
  },
  queries: {
    variables: globalVariablesQuery([...GLOBAL_BUFFERS, ...THREAD_BUFFERS, ...TMP_LIMITS, 'max_connections']),
    status: { sql: globalStatusSql(['Max_used_connections']), row: statusRow },
  },
  thresholds: { schema: z.object({ warnPercent: z.number().positive() }), defaults: { warnPercent: 85 } },
  evaluate({ variables, status }, ctx) {
    const ram = hostRam(ctx);
    if ('unknown' in ram)
      return {
        skipped: {
          en: `the host RAM is unknown (${ram.unknown.en})`,
          zh: `主机内存未知（${ram.unknown.zh}）`,
        },
      };
    const vars = variablesByName(variables);
    const maxConnections = bytesOf(vars, 'max_connections');
    if (maxConnections === undefined)
      return { skipped: { en: 'the server did not report max_connections', zh: '实例未返回 max_connections' } };
    const parts: Record<string, number> = {};
    for (const n of [...GLOBAL_BUFFERS, ...THREAD_BUFFERS]) {
      const b = bytesOf(vars, n);
      if (b !== undefined) parts[n] = b;
    }
    const tmpSizes = TMP_LIMITS.map((n) => bytesOf(vars, n)).filter((b): b is number => b !== undefined);
    const tmp = tmpSizes.length ? Math.min(...tmpSizes) : 0;
    const globalBytes = GLOBAL_BUFFERS.reduce((sum, n) => sum + (parts[n] ?? 0), 0);
    const perThread = THREAD_BUFFERS.reduce((sum, n) => sum + (parts[n] ?? 0), 0) + tmp;
    const worst = globalBytes + maxConnections * perThread;
    const pct = (worst / ram.bytes) * 100;
    const graded = grade(pct, { warn: ctx.thresholds.warnPercent }, { inclusive: false });
    if (!graded) return [];
    const peak = new StatusValues(status).number('Max_used_connections');
    const used = peak === undefined ? undefined : globalBytes + peak * perThread;
    const usedPct = used === undefined ? undefined : (used / ram.bytes) * 100;
    const limit = thresholdText(graded.limit, UNITS.percent);
    const peakText =
      used === undefined || usedPct === undefined
        ? { en: 'Max_used_connections is not reported', zh: '实例未返回 Max_used_connections' }
        : {
            en: `with Max_used_connections = ${peak} (peak since the server started) it is ${formatBytes(used)} (${usedPct.toFixed(1)} %)`,
            zh: `按 Max_used_connections = ${peak}（实例启动以来的峰值）计算为 ${formatBytes(used)}（${usedPct.toFixed(1)}%）`,
          };
    return [
      {
        severity: graded.severity,
        object: 'max_connections',
        message: {
          en: `worst-case memory ${formatBytes(worst)} is ${pct.toFixed(1)} % of the ${formatBytes(ram.bytes)} RAM of ${ram.node}: global buffers ${formatBytes(globalBytes)} + max_connections = ${maxConnections} × ${formatBytes(perThread)} per connection; ${limit.en}; ${peakText.en}`,
          zh: `最坏情况内存 ${formatBytes(worst)}，为主机 ${ram.node} 内存 ${formatBytes(ram.bytes)} 的 ${pct.toFixed(1)}%：全局缓冲 ${formatBytes(globalBytes)} + max_connections = ${maxConnections} × 每连接 ${formatBytes(perThread)}；${limit.zh}；${peakText.zh}`,
        },
        value: round(pct),
        threshold: graded.limit,
        evidence: [
          {
            worst_case_bytes: worst,
            mem_total_bytes: ram.bytes,
            global_bytes: globalBytes,
            per_connection_bytes: perThread,
            max_connections: maxConnections,
            max_used_connections: peak ?? null,
            max_used_bytes: used ?? null,
          },
          ...Object.entries(parts).map(([name, bytes]) => ({ variable: name, bytes })),
          { variable: 'min(tmp_table_size, max_heap_table_size)', bytes: tmp },
        ],
      },
    ];
  },
});
