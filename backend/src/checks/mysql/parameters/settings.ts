import type { z } from 'zod';
import { variableRow } from '../security/server-variables.js';

/**
 * A `SHOW GLOBAL VARIABLES` query limited to the given names; a name the server does not know (another flavor or
 * version) is simply absent, so one SQL text serves MySQL and MariaDB.
 */
export function globalVariablesQuery(names: readonly string[]) {
  const list = names.map((n) => `'${n}'`).join(', ');
  return {
    sql: [{ since: 0, sql: `SHOW GLOBAL VARIABLES WHERE Variable_name IN (${list})` }],
    row: variableRow,
  };
}

/** The first of the names the server reports, with its value. */
export function firstKnown(
  vars: Map<string, string | null>,
  names: readonly string[],
): { name: string; value: string | null } | null {
  for (const name of names) if (vars.has(name)) return { name, value: vars.get(name) ?? null };
  return null;
}

export const noVariables = {
  en: 'the server returned none of the variables this check reads',
  zh: '实例未返回本检查读取的任何参数',
};

export type VariableRow = z.infer<typeof variableRow>;

/** Retention in seconds: binlog_expire_logs_seconds when set (MySQL 8, MariaDB >= 10.6.1), else expire_logs_days. */
export function binlogRetentionSeconds(vars: Map<string, string | null>): { seconds: number; source: string } | null {
  const secs = vars.get('binlog_expire_logs_seconds');
  const days = vars.get('expire_logs_days');
  const s = secs === undefined || secs === null ? NaN : Number(secs);
  const d = days === undefined || days === null ? NaN : Number(days);
  // MySQL 8 ignores expire_logs_days when binlog_expire_logs_seconds is set; both 0 means never purge.
  if (Number.isFinite(s) && s > 0) return { seconds: s, source: `binlog_expire_logs_seconds=${secs}` };
  if (Number.isFinite(d) && d > 0) return { seconds: d * 86_400, source: `expire_logs_days=${days}` };
  if (Number.isFinite(s)) return { seconds: 0, source: `binlog_expire_logs_seconds=${secs}` };
  if (Number.isFinite(d)) return { seconds: 0, source: `expire_logs_days=${days}` };
  return null;
}
