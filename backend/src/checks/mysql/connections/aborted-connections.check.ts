import { z } from 'zod';
import type { CounterBaseline, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { atWindowEnd, baselineCoverage, snapshotNotUsed, UNUSABLE_SNAPSHOT } from '../../format.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { globalStatusSql, sinceServerStart, StatusValues, statusRow } from './global-status.js';

const CONNECTION_ERRORS = ['accept', 'internal', 'max_connections', 'peer_address', 'select', 'tcpwrap'].map(
  (e) => `Connection_errors_${e}`,
);
const COUNTERS = ['Aborted_connects', 'Connections', 'Aborted_clients', ...CONNECTION_ERRORS] as const;
type Counter = (typeof COUNTERS)[number];

/** The snapshot collector's key of a status counter. */
const counterKey = (name: string): string => `status.${name.toLowerCase()}`;

type Values = Record<Counter, number | undefined>;

/**
 * Counter growth since the baseline snapshot, or why the snapshot cannot be used. Aborted_connects and Connections
 * decide; a side counter the snapshot lacks or that went backwards is left out (undefined).
 */
function windowDelta(current: Values, base: CounterBaseline): { delta: Values } | { unusable: Texts } {
  if (!Number.isFinite(Date.parse(base.takenAt))) return { unusable: UNUSABLE_SNAPSHOT.unreadableTime };
  const delta = {} as Values;
  for (const n of COUNTERS) {
    const now = current[n];
    const before = base.counters[counterKey(n)];
    delta[n] = now === undefined || before === undefined || now < before ? undefined : now - before;
  }
  for (const n of ['Aborted_connects', 'Connections'] as const) {
    if (base.counters[counterKey(n)] === undefined) return { unusable: UNUSABLE_SNAPSHOT.lacks(n) };
    if (delta[n] === undefined)
      return {
        unusable: { en: `${n} went backwards (FLUSH STATUS?)`, zh: `${n} 比快照时变小了（执行过 FLUSH STATUS？）` },
      };
  }
  return { delta };
}

export const mysqlAbortedConnections = defineCheck({
  id: 'mysql.aborted-connections',
  catalogRef: 'MY-D06',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'connections',
  tier: 'daily',
  window: 'delta',
  scope: 'instance',
  title: { en: 'Failed connection attempts', zh: '连接失败比例' },
  description: {
    en: 'Share of connection attempts that failed (Aborted_connects / Connections: wrong passwords, missing privileges, handshake timeouts), with the Connection_errors_* breakdown. The counters are the growth since the stored snapshot at the window start (or, failing that, the first one inside the window); without a snapshot from the current server lifetime they are the totals since the server started. The report says which period was counted.',
    zh: '连接尝试中失败的比例（Aborted_connects / Connections：密码错误、权限不足、握手超时等），并列出 Connection_errors_* 明细。计数取自窗口起点处（若没有，则取窗口内第一份）快照以来的增量；若没有本次实例启动后的快照，则为实例启动以来的累计值。报告中会注明统计区间。',
  },
  remediation: {
    en: 'Look for the failing clients in the error log (log_warnings ≥ 2 on MariaDB, log_error_verbosity = 3 on MySQL): wrong credentials after a password change, scanners, connect_timeout too short for slow networks. Block unknown sources and fix application credentials.',
    zh: '在错误日志中查找失败的客户端（MariaDB 设置 log_warnings ≥ 2，MySQL 设置 log_error_verbosity = 3）：改密后仍用旧密码的应用、扫描器、网络较慢而 connect_timeout 过短等。封禁未知来源，修正应用账号配置。',
  },
  queries: {
    status: {
      sql: globalStatusSql(['Aborted_connects', 'Aborted_clients', 'Connections', 'Uptime', ...CONNECTION_ERRORS]),
      row: statusRow,
    },
  },
  thresholds: { schema: z.object({ warnPercent: z.number().min(0) }), defaults: { warnPercent: 3 } },
  evaluate({ status }, ctx) {
    const s = new StatusValues(status);
    if (s.number('Aborted_connects') === undefined || s.number('Connections') === undefined)
      return {
        skipped: {
          en: 'the server did not report Aborted_connects and Connections',
          zh: '实例未返回 Aborted_connects 和 Connections',
        },
      };
    const base = ctx.counterBaseline;
    const current = Object.fromEntries(
      COUNTERS.map((n) => [n, atWindowEnd(base, counterKey(n), s.number(n))]),
    ) as Values;
    const fromBase = base ? windowDelta(current, base) : undefined;
    const counted = fromBase && 'delta' in fromBase ? fromBase.delta : current;
    const aborted = counted.Aborted_connects ?? 0;
    const connections = counted.Connections ?? 0;
    if (connections === 0) return [];
    const pct = (aborted / connections) * 100;
    const graded = grade(pct, { warn: ctx.thresholds.warnPercent }, { inclusive: false });
    if (!graded) return [];
    const errors = Object.fromEntries(CONNECTION_ERRORS.map((n) => [n, counted[n] ?? 0]));
    const notable = Object.entries(errors).filter(([, v]) => v > 0);
    let since = sinceServerStart(ctx.now, ctx.window, s.number('Uptime') ?? ctx.server.uptimeSeconds);
    let note: Texts = { en: '', zh: '' };
    let evidence: Record<string, unknown>[] = [
      { Aborted_connects: aborted, Connections: connections, Aborted_clients: counted.Aborted_clients ?? 0, ...errors },
    ];
    if (base && fromBase && 'delta' in fromBase) {
      since = baselineCoverage(base);
      evidence = COUNTERS.map((n) => ({
        counter: n,
        baseline: base.counters[counterKey(n)] ?? null,
        current: current[n] ?? null,
        delta: fromBase.delta[n] ?? null,
      }));
    } else if (base && fromBase && 'unusable' in fromBase) {
      note = snapshotNotUsed(base, fromBase.unusable);
    }
    const limit = thresholdText(graded.limit, UNITS.percent);
    const errorList = notable.map(([n, v]) => `${n} = ${v}`).join(', ');
    return [
      {
        severity: graded.severity,
        object: ctx.instance.name,
        message: {
          en:
            `${aborted} of ${connections} connection attempts failed (${pct.toFixed(2)} %) ${since.en}${note.en}; ${limit.en}` +
            (errorList ? `; ${errorList}` : ''),
          zh:
            `${connections} 次连接尝试中有 ${aborted} 次失败（${pct.toFixed(2)}%），统计区间：${since.zh}${note.zh}；${limit.zh}` +
            (errorList ? `；${errorList}` : ''),
        },
        value: Math.round(pct * 100) / 100,
        threshold: graded.limit,
        evidence,
      },
    ];
  },
});
