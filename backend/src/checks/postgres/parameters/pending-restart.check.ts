import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { maskedValue } from '../../parameter-drift.js';

const PENDING_SQL = `SELECT name, setting, unit, source, sourcefile, sourceline
FROM pg_settings WHERE pending_restart ORDER BY name`;

/** Whether this login may read pg_file_settings (superuser, or SELECT and EXECUTE granted on it). */
const PRIVILEGE_SQL = `SELECT has_table_privilege('pg_catalog.pg_file_settings', 'SELECT')
  AND has_function_privilege('pg_catalog.pg_show_all_file_settings()', 'EXECUTE') AS can_read`;

/** Lines of the configuration files the server could not apply; a syntax error leaves name and setting null. */
const FILE_ERRORS_SQL = `SELECT sourcefile, sourceline, seqno, name, setting, error
FROM pg_file_settings WHERE error IS NOT NULL ORDER BY seqno LIMIT 100`;

/** What pg_file_settings says of a restart-only setting changed in a file: a pending restart, not a broken file. */
const NEEDS_RESTART = 'setting could not be applied';

export const postgresPendingRestart = defineCheck({
  id: 'postgres.pending-restart',
  catalogRef: 'PG-M01',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Settings pending restart; configuration file errors', zh: '待重启生效的参数；配置文件错误' },
  description: {
    en: 'Settings changed in the configuration files (or by ALTER SYSTEM) and reloaded, but which only take effect at the next restart (pg_settings.pending_restart), are warnings: the server runs with other values than its files say, and the next restart, maybe an unplanned one, changes its behaviour. Lines of postgresql.conf, included files or postgresql.auto.conf the server could not apply (pg_file_settings.error: syntax errors, invalid values, unknown parameters) are critical: the next reload or restart may fail or silently ignore the file. Reading pg_file_settings needs a superuser or SELECT on it granted; without that the report says so.',
    zh: '在配置文件中（或通过 ALTER SYSTEM）修改并已重新加载、但须在下次重启后才生效的参数（pg_settings.pending_restart）报告为警告：实例当前运行的取值与配置文件不一致，下一次重启（可能是计划外的）会改变其行为。postgresql.conf、被包含的文件或 postgresql.auto.conf 中实例无法应用的行（pg_file_settings.error：语法错误、非法取值、未知参数）报告为严重：下次重新加载或重启可能失败，或整个文件被静默忽略。读取 pg_file_settings 需要超级用户或被授予其查询权限；没有权限时报告会注明。',
  },
  remediation: {
    en: 'Pending restart: plan a restart in a maintenance window so the values in the files take effect, or put the files back to the running values (ALTER SYSTEM RESET name, then SELECT pg_reload_conf()). File errors: fix the line named in the finding, check with SELECT * FROM pg_file_settings WHERE error IS NOT NULL, then SELECT pg_reload_conf().',
    zh: '待重启：在维护窗口内安排重启，使配置文件中的取值生效；或将配置文件改回当前运行的取值（ALTER SYSTEM RESET 参数名，然后执行 SELECT pg_reload_conf()）。配置文件错误：修正发现中指出的行，用 SELECT * FROM pg_file_settings WHERE error IS NOT NULL 确认，然后执行 SELECT pg_reload_conf()。',
  },
  queries: {
    pending: {
      sql: [{ since: 0, sql: PENDING_SQL }],
      row: z.object({
        name: z.string(),
        setting: z.string().nullable(),
        unit: z.string().nullable(),
        source: z.string().nullable(),
        sourcefile: z.string().nullable(),
        sourceline: z.coerce.number().nullable(),
      }),
    },
    privilege: {
      sql: [{ since: 0, sql: PRIVILEGE_SQL }],
      row: z.object({ can_read: z.boolean().nullable() }),
    },
    fileErrors: {
      sql: [{ since: 0, sql: FILE_ERRORS_SQL }],
      row: z.object({
        sourcefile: z.string().nullable(),
        sourceline: z.coerce.number().nullable(),
        seqno: z.coerce.number().nullable(),
        name: z.string().nullable(),
        setting: z.string().nullable(),
        error: z.string(),
      }),
      optional: true,
    },
  },
  thresholds: { schema: z.object({ ignoreParameters: z.array(z.string()) }), defaults: { ignoreParameters: [] } },
  evaluate({ pending, privilege, fileErrors }, ctx) {
    const ignored = new Set(ctx.thresholds.ignoreParameters.map((n) => n.toLowerCase()));
    const findings: FindingDraft[] = [];
    const pendingNames = new Set(pending.map((p) => p.name));
    for (const p of pending) {
      if (ignored.has(p.name.toLowerCase())) continue;
      const value = maskedValue(p.name, p.setting ?? 'NULL');
      const running = `${value}${p.unit ? ` (unit ${p.unit})` : ''}`;
      findings.push({
        severity: 'warning',
        object: p.name,
        message: {
          en: `${p.name} was changed in the configuration but needs a restart: the server still runs with ${running}; the next restart applies the new value`,
          zh: `${p.name} 已在配置中修改，但须重启才能生效：实例仍以 ${running} 运行；下次重启时将应用新值`,
        },
        value,
        evidence: [
          {
            parameter: p.name,
            running: value,
            unit: p.unit,
            source: p.source,
            sourcefile: p.sourcefile,
            sourceline: p.sourceline,
          },
        ],
      });
    }
    const canRead = privilege[0]?.can_read === true;
    if (!canRead) {
      findings.push({
        severity: 'info',
        object: 'pg_file_settings',
        message: {
          en: 'configuration file errors were not checked: this login may not read pg_file_settings (needs a superuser, or GRANT SELECT ON pg_file_settings and EXECUTE ON FUNCTION pg_show_all_file_settings())',
          zh: '未检查配置文件错误：当前登录用户无权读取 pg_file_settings（需要超级用户，或授予 SELECT ON pg_file_settings 及 EXECUTE ON FUNCTION pg_show_all_file_settings() 权限）',
        },
      });
      return findings;
    }
    for (const e of fileErrors) {
      if (e.error === NEEDS_RESTART && e.name !== null && pendingNames.has(e.name)) continue;
      if (e.name && ignored.has(e.name.toLowerCase())) continue;
      const where = `${e.sourcefile ?? '?'}:${e.sourceline ?? '?'}`;
      const what = e.name ? `${e.name} = ${maskedValue(e.name, e.setting ?? '')}` : '';
      findings.push({
        severity: 'critical',
        object: where,
        message: {
          en: `configuration line ${where}${what ? ` (${what})` : ''} cannot be applied: ${e.error}; the next reload or restart may fail or ignore the file`,
          zh: `配置行 ${where}${what ? `（${what}）` : ''} 无法应用：${e.error}；下次重新加载或重启可能失败或忽略该文件`,
        },
        value: e.error,
        evidence: [{ sourcefile: e.sourcefile, sourceline: e.sourceline, parameter: e.name, error: e.error }],
      });
    }
    return findings;
  },
});
