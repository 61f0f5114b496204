import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import type { FindingDraft } from '../../check.types.js';

/** Messages that mean the server crashed, ran out of memory or found corruption. */
const SEVERE = /assert|out of memory|cannot allocate|corrupt|crash|got signal|fatal/i;

const secondsBetween = (later: Date, earlier: Date) =>
  Math.max(0, Math.ceil((later.getTime() - earlier.getTime()) / 1000));

export const mysqlErrorLog = defineCheck({
  id: 'mysql.error-log',
  catalogRef: 'MY-D07',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'errors',
  tier: 'daily',
  window: 'events',
  scope: 'instance',
  title: { en: 'Errors in the error log', zh: '错误日志中的错误' },
  description: {
    en: 'Error-priority events logged within the window, grouped by error code, read from performance_schema.error_log (MySQL ≥ 8.0.22, an in-memory ring buffer that can lose old events). Crashes, assertions, out-of-memory and corruption messages are critical. MariaDB and older MySQL keep the error log only in a file, which needs a host agent.',
    zh: '读取窗口内优先级为 Error 的错误日志事件，按错误码汇总，来源为 performance_schema.error_log（MySQL ≥ 8.0.22，内存环形缓冲区，旧事件可能被覆盖）。崩溃、断言失败、内存不足、数据损坏类消息为严重。MariaDB 及较早的 MySQL 只能从日志文件读取错误日志，需要主机代理。',
  },
  remediation: {
    en: 'Read each error in context in the full error log file; crashes and corruption need an immediate look (InnoDB recovery messages, backups); recurring errors usually point to a configuration or application problem.',
    zh: '在完整的错误日志文件中查看每条错误的上下文；崩溃和数据损坏需立即处理（InnoDB 恢复信息、备份可用性）；反复出现的错误通常指向配置或应用问题。',
  },
  queries: {
    buffer: {
      sql: [
        {
          since: 0,
          flavors: ['mysql'],
          sql: 'SELECT @@performance_schema AS performance_schema, COUNT(*) AS events, TIMESTAMPDIFF(SECOND, MIN(LOGGED), NOW(6)) AS oldest_age_seconds FROM performance_schema.error_log',
        },
      ],
      row: z.object({
        performance_schema: z.coerce.number(),
        events: z.coerce.number(),
        oldest_age_seconds: z.coerce.number().nullable(),
      }),
    },
    errors: {
      sql: [
        {
          since: 0,
          flavors: ['mysql'],
          sql: `SELECT LOGGED AS logged, PRIO AS prio, ERROR_CODE AS error_code, SUBSYSTEM AS subsystem, LEFT(DATA, 500) AS data
FROM performance_schema.error_log
WHERE PRIO = 'Error' AND LOGGED >= NOW(6) - INTERVAL ? SECOND AND LOGGED <= NOW(6) - INTERVAL ? SECOND
ORDER BY LOGGED DESC LIMIT 500`,
        },
      ],
      row: z.object({
        logged: z.coerce.date(),
        prio: z.string(),
        error_code: z.string().nullable(),
        subsystem: z.string().nullable(),
        data: z.string().nullable(),
      }),
      // Relative to the server's clock, so that client and server time zones cannot shift the window.
      params: (ctx) => [secondsBetween(ctx.now, ctx.window.from), secondsBetween(ctx.now, ctx.window.to)],
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  applies({ server }) {
    if (server.flavor === 'mariadb')
      return {
        en: 'MariaDB has no SQL access to the error log (needs a host agent or SSH log source)',
        zh: 'MariaDB 无法通过 SQL 读取错误日志（需要主机代理或 SSH 日志来源）',
      };
    if (server.versionNum < 80022)
      return {
        en: 'MySQL < 8.0.22 has no performance_schema.error_log (needs a host agent or SSH log source)',
        zh: 'MySQL 8.0.22 之前的版本没有 performance_schema.error_log（需要主机代理或 SSH 日志来源）',
      };
    return null;
  },
  evaluate({ buffer, errors }, ctx) {
    const b = buffer[0];
    if (!b || b.performance_schema === 0)
      return {
        skipped: {
          en: 'performance_schema is OFF, so performance_schema.error_log is empty',
          zh: 'performance_schema 未开启（OFF），performance_schema.error_log 为空',
        },
      };
    const windowSeconds = secondsBetween(ctx.window.to, ctx.window.from);
    const partial =
      b.oldest_age_seconds !== null && b.oldest_age_seconds < secondsBetween(ctx.now, ctx.window.from)
        ? {
            en: ` (the error_log buffer only reaches back ${b.oldest_age_seconds} s of the ${windowSeconds} s window)`,
            zh: `（error_log 缓冲区只保留了 ${windowSeconds} 秒窗口中最近 ${b.oldest_age_seconds} 秒的事件）`,
          }
        : { en: '', zh: '' };
    const byCode = new Map<string, typeof errors>();
    for (const e of errors) {
      const code = e.error_code ?? 'unknown';
      byCode.set(code, [...(byCode.get(code) ?? []), e]);
    }
    const findings: FindingDraft[] = [];
    for (const [code, events] of byCode) {
      const latest = events[0]!;
      const severe = events.some((e) => SEVERE.test(e.data ?? ''));
      findings.push({
        severity: severe ? 'critical' : 'warning',
        object: code,
        message: {
          en: `${events.length} [Error] event${events.length > 1 ? 's' : ''} ${code} (${latest.subsystem ?? 'unknown subsystem'}) in the window, latest at ${latest.logged.toISOString()}: ${latest.data ?? ''}${partial.en}`,
          zh: `窗口内有 ${events.length} 条 [Error] 事件 ${code}（${latest.subsystem ?? '未知子系统'}），最近一条在 ${latest.logged.toISOString()}：${latest.data ?? ''}${partial.zh}`,
        },
        value: events.length,
        evidence: events.map((e) => ({ logged: e.logged.toISOString(), subsystem: e.subsystem, data: e.data })),
      });
    }
    return findings;
  },
});
