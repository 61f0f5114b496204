import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';

const LOG_STATEMENT_LEVELS = ['none', 'ddl', 'mod', 'all'] as const;
/** Escapes log_line_prefix needs, each satisfied by any of its alternatives. */
const PREFIX_FIELDS: { what: string; escapes: string[] }[] = [
  { what: 'user (%u)', escapes: ['%u'] },
  { what: 'database (%d)', escapes: ['%d'] },
  { what: 'client host (%h or %r)', escapes: ['%h', '%r'] },
];
const thresholdSchema = z.object({
  requireConnectionLogging: z.boolean(),
  minLogStatement: z.enum(LOG_STATEMENT_LEVELS),
  requirePgaudit: z.boolean(),
});
type Thresholds = z.infer<typeof thresholdSchema>;
const OFF = new Set(['off', '', 'false', 'no', '0']);
const NO_SETTINGS = 'needs pg_read_all_settings';

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
            name === 'log_connections' ? 'connection attempts are' : 'session ends (with their duration) are';
          findings.push({
            severity: 'warning',
            object: name,
            message: `${name} = ${v || "''"}: ${what} not recorded in the server log`,
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
          message: `log_line_prefix '${prefix}' does not record the ${missing.join(', ')} of each log line`,
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
        message: `pgaudit is not loaded (shared_preload_libraries = '${libraries}'): no session or object audit log`,
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
          message: `pgaudit is loaded but pgaudit.log = '${auditLog ?? 'none'}': nothing is audited`,
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
        message: `log_statement = ${statement} and no audit extension: ${minLogStatement === 'ddl' ? 'schema and privilege changes are' : `statements of class ${minLogStatement} are`} not logged (threshold ${minLogStatement})`,
        value: statement,
        threshold: minLogStatement,
      });
    }

    if (unknown.length > 0) {
      const note = `not verified: ${unknown.join(', ')} (${NO_SETTINGS})`;
      if (findings.length === 0) return { skipped: note };
      for (const f of findings) f.message += `; ${note}`;
    }
    return findings;
  },
});
