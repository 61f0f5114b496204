import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { toTexts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';

const LOG_STATEMENT_LEVELS = ['none', 'ddl', 'mod', 'all'] as const;
/** Escapes log_line_prefix needs, each satisfied by any of its alternatives. */
const PREFIX_FIELDS: { what: Texts; escapes: string[] }[] = [
  { what: { en: 'user (%u)', zh: '用户（%u）' }, escapes: ['%u'] },
  { what: { en: 'database (%d)', zh: '数据库（%d）' }, escapes: ['%d'] },
  { what: { en: 'client host (%h or %r)', zh: '客户端主机（%h 或 %r）' }, escapes: ['%h', '%r'] },
];
const thresholdSchema = z.object({
  requireConnectionLogging: z.boolean(),
  minLogStatement: z.enum(LOG_STATEMENT_LEVELS),
  requirePgaudit: z.boolean(),
});
type Thresholds = z.infer<typeof thresholdSchema>;
const OFF = new Set(['off', '', 'false', 'no', '0']);
const NO_SETTINGS = { en: 'needs pg_read_all_settings', zh: '需要 pg_read_all_settings 权限' };

export const postgresLoggingAudit = defineCheck({
  id: 'postgres.logging-audit',
  catalogRef: 'PG-W21',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Logging and audit configuration', zh: '日志与审计配置' },
  description: {
    en: 'Whether the server log can answer "who connected from where and did what", as banking rules and the Chinese MLPS 2.0 require: log_connections and log_disconnections on, log_line_prefix naming user, database and client host (unless csvlog/jsonlog, which always record them), statements logged at least at log_statement = ddl or an audit extension, and pgaudit loaded through shared_preload_libraries with pgaudit.log set.',
    zh: '检查服务器日志能否回答"谁从哪里连接、做了什么"，这是银行业规范和等保 2.0 的要求：开启 log_connections 和 log_disconnections；log_line_prefix 包含用户、数据库和客户端地址（csvlog/jsonlog 格式始终记录这些字段，不受此限）；语句日志至少为 log_statement = ddl 或使用审计扩展；通过 shared_preload_libraries 加载 pgaudit 并设置 pgaudit.log。',
  },
  remediation: {
    en: "ALTER SYSTEM SET log_connections = on; ALTER SYSTEM SET log_disconnections = on; set log_line_prefix to e.g. '%m [%p] %q%u@%d from %h app=%a '; then SELECT pg_reload_conf(). For auditing, install pgaudit, add it to shared_preload_libraries (restart), CREATE EXTENSION pgaudit and set pgaudit.log (e.g. 'ddl, role, write'); ship the log to a central, tamper-proof store.",
    zh: "执行 ALTER SYSTEM SET log_connections = on; ALTER SYSTEM SET log_disconnections = on;，将 log_line_prefix 设为例如 '%m [%p] %q%u@%d from %h app=%a '，然后 SELECT pg_reload_conf()。审计方面，安装 pgaudit，将其加入 shared_preload_libraries（需重启），执行 CREATE EXTENSION pgaudit 并设置 pgaudit.log（例如 'ddl, role, write'）；将日志传送到集中的、防篡改的存储。",
  },
  queries: {
    settings: {
      sql: [
        {
          since: 0,
          sql: `SELECT s.name, s.setting
FROM pg_settings s
WHERE s.name IN ('log_connections', 'log_disconnections', 'log_line_prefix', 'log_statement', 'log_destination', 'shared_preload_libraries', 'pgaudit.log')
ORDER BY s.name`,
        },
      ],
      row: z.object({ name: z.string(), setting: z.string().nullable() }),
    },
  },
  thresholds: {
    schema: thresholdSchema,
    defaults: {
      requireConnectionLogging: true,
      minLogStatement: 'ddl',
      requirePgaudit: true,
    } satisfies Thresholds as Thresholds,
  },
  evaluate({ settings }, ctx) {
    const value = (name: string) => settings.find((s) => s.name === name)?.setting ?? undefined;
    const { requireConnectionLogging, minLogStatement, requirePgaudit } = ctx.thresholds;
    const findings: FindingDraft[] = [];
    const unknown: string[] = [];

    if (requireConnectionLogging) {
      for (const name of ['log_connections', 'log_disconnections']) {
        const v = value(name);
        if (v === undefined) unknown.push(name);
        else if (OFF.has(v.trim().toLowerCase())) {
          const what =
            name === 'log_connections'
              ? { en: 'connection attempts are', zh: '连接尝试' }
              : { en: 'session ends (with their duration) are', zh: '会话结束（及其持续时间）' };
          findings.push({
            severity: 'warning',
            object: name,
            message: {
              en: `${name} = ${v || "''"}: ${what.en} not recorded in the server log`,
              zh: `${name} = ${v || "''"}：服务器日志不会记录${what.zh}`,
            },
            value: v,
            threshold: 'on',
          });
        }
      }
    }

    const destinations = (value('log_destination') ?? '').split(',').map((d) => d.trim());
    const prefix = value('log_line_prefix');
    if (prefix === undefined) unknown.push('log_line_prefix');
    else if (!destinations.includes('csvlog') && !destinations.includes('jsonlog')) {
      const missing = PREFIX_FIELDS.filter((f) => !f.escapes.some((e) => prefix.includes(e))).map((f) => f.what);
      if (missing.length > 0) {
        findings.push({
          severity: 'warning',
          object: 'log_line_prefix',
          message: {
            en: `log_line_prefix '${prefix}' does not record the ${missing.map((m) => m.en).join(', ')} of each log line`,
            zh: `log_line_prefix '${prefix}' 未在每行日志中记录${missing.map((m) => m.zh).join('、')}`,
          },
          value: prefix,
        });
      }
    }

    const libraries = value('shared_preload_libraries');
    const pgaudit =
      libraries === undefined
        ? undefined
        : libraries.split(',').some((l) => l.trim().replace(/^"|"$/g, '') === 'pgaudit');
    if (libraries === undefined) unknown.push('shared_preload_libraries');
    else if (requirePgaudit && !pgaudit) {
      findings.push({
        severity: 'warning',
        object: 'shared_preload_libraries',
        message: {
          en: `pgaudit is not loaded (shared_preload_libraries = '${libraries}'): no session or object audit log`,
          zh: `未加载 pgaudit（shared_preload_libraries = '${libraries}'）：没有会话级或对象级审计日志`,
        },
        value: libraries,
        threshold: 'pgaudit',
      });
    }
    if (pgaudit) {
      const auditLog = value('pgaudit.log');
      if (
        auditLog === undefined ||
        OFF.has(auditLog.trim().toLowerCase()) ||
        auditLog.trim().toLowerCase() === 'none'
      ) {
        findings.push({
          severity: 'warning',
          object: 'pgaudit.log',
          message: {
            en: `pgaudit is loaded but pgaudit.log = '${auditLog ?? 'none'}': nothing is audited`,
            zh: `已加载 pgaudit，但 pgaudit.log = '${auditLog ?? 'none'}'：没有审计任何操作`,
          },
          value: auditLog ?? 'none',
        });
      }
    }

    const statement = value('log_statement');
    if (statement === undefined) unknown.push('log_statement');
    else if (
      !pgaudit &&
      (LOG_STATEMENT_LEVELS as readonly string[]).indexOf(statement) < LOG_STATEMENT_LEVELS.indexOf(minLogStatement)
    ) {
      findings.push({
        severity: 'warning',
        object: 'log_statement',
        message: {
          en: `log_statement = ${statement} and no audit extension: ${minLogStatement === 'ddl' ? 'schema and privilege changes are' : `statements of class ${minLogStatement} are`} not logged (threshold ${minLogStatement})`,
          zh: `log_statement = ${statement} 且未使用审计扩展：${minLogStatement === 'ddl' ? '模式与权限变更' : `${minLogStatement} 类语句`}不会被记录（阈值 ${minLogStatement}）`,
        },
        value: statement,
        threshold: minLogStatement,
      });
    }

    if (unknown.length > 0) {
      const note = {
        en: `not verified: ${unknown.join(', ')} (${NO_SETTINGS.en})`,
        zh: `未能核实：${unknown.join('、')}（${NO_SETTINGS.zh}）`,
      };
      if (findings.length === 0) return { skipped: note };
      for (const f of findings) {
        const m = toTexts(f.message);
        f.message = { en: `${m.en}; ${note.en}`, zh: `${m.zh}；${note.zh}` };
      }
    }
    return findings;
  },
});
