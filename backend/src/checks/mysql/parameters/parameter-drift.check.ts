import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { evaluateDrift, maskedValue, type ExtraFinding } from '../../parameter-drift.js';

const MARIADB_SQL = `SELECT LOWER(VARIABLE_NAME) AS name, GLOBAL_VALUE AS value, GLOBAL_VALUE_ORIGIN AS source,
  NULLIF(GLOBAL_VALUE_PATH, '') AS sourcefile
FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_SCOPE <> 'SESSION ONLY' ORDER BY VARIABLE_NAME`;

const MYSQL8_SQL = `SELECT LOWER(g.VARIABLE_NAME) AS name, g.VARIABLE_VALUE AS value, i.VARIABLE_SOURCE AS source,
  NULLIF(i.VARIABLE_PATH, '') AS sourcefile
FROM performance_schema.global_variables g
LEFT JOIN performance_schema.variables_info i ON i.VARIABLE_NAME = g.VARIABLE_NAME ORDER BY g.VARIABLE_NAME`;

const plain = (table: string) =>
  `SELECT LOWER(VARIABLE_NAME) AS name, VARIABLE_VALUE AS value, NULL AS source, NULL AS sourcefile FROM ${table} ORDER BY VARIABLE_NAME`;

/** Where a value set at run time comes from: MariaDB `SQL` (SET GLOBAL), MySQL 8 `DYNAMIC` / `PERSISTED`. */
const RUNTIME_SOURCES: Record<string, { en: string; zh: string }> = {
  SQL: { en: 'SET GLOBAL (not in the option files; lost on restart)', zh: 'SET GLOBAL（不在配置文件中，重启后丢失）' },
  DYNAMIC: {
    en: 'SET GLOBAL (not in the option files; lost on restart)',
    zh: 'SET GLOBAL（不在配置文件中，重启后丢失）',
  },
  PERSISTED: {
    en: 'SET PERSIST (mysqld-auto.cnf, outside the option files you manage)',
    zh: 'SET PERSIST（mysqld-auto.cnf，不在所管理的配置文件中）',
  },
};

export const mysqlParameterDrift = defineCheck({
  id: 'mysql.parameter-drift',
  catalogRef: 'MY-M10',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'trend',
  scope: 'instance',
  title: { en: 'Parameter drift from the baseline', zh: '参数相对基线的漂移' },
  description: {
    en: 'Reads every global variable (MariaDB information_schema.SYSTEM_VARIABLES with the origin of each value; MySQL 8 performance_schema.global_variables with variables_info; SHOW GLOBAL VARIABLES elsewhere) and compares it with the parameter baseline of the instance, else of its business (set through /api/v1/baselines, by hand or from a report), and with the values the previous report of the same tier recorded. A baselined parameter with another value is a warning naming the expected and the actual value (sizes, switches and lists are compared by meaning: 128M = 134217728, ON = 1); other changes since the previous report and values set at run time with SET GLOBAL or SET PERSIST, which the option files do not show, are informational. GTID positions and other moving values are ignored.',
    zh: '读取全部全局变量（MariaDB 取 information_schema.SYSTEM_VARIABLES 及各值的来源；MySQL 8 取 performance_schema.global_variables 与 variables_info；其他版本取 SHOW GLOBAL VARIABLES），与该实例的参数基线（没有则取其业务的基线；通过 /api/v1/baselines 手工设置或从某次报告设置）以及同一层级上一次报告记录的值比较。基线中的参数取值不同报告为警告，并给出期望值与实际值（大小、开关和列表按含义比较：128M = 134217728，ON = 1）；相对上次报告的其他变更，以及通过 SET GLOBAL 或 SET PERSIST 在运行时设置、配置文件中看不到的值，报告为提示。GTID 位置等持续变化的值不参与比较。',
  },
  remediation: {
    en: 'Check each difference against an approved change: put the value back (SET GLOBAL and the option file), or, when the change is intended, write it to the option file and update the baseline (PUT /api/v1/baselines/instance/{id} with the parameters, or with fromReportId to take a report’s values).',
    zh: '逐项核对差异是否有已批准的变更：将参数改回（SET GLOBAL 并修改配置文件）；若变更是预期的，写入配置文件并更新基线（PUT /api/v1/baselines/instance/{id} 提交参数，或用 fromReportId 取某次报告的值）。',
  },
  queries: {
    variables: {
      sql: [
        { since: 0, sql: plain('information_schema.GLOBAL_VARIABLES') },
        { since: 50706, flavors: ['mysql'], sql: plain('performance_schema.global_variables') },
        { since: 80000, flavors: ['mysql'], sql: MYSQL8_SQL },
        { since: 100100, flavors: ['mariadb'], sql: MARIADB_SQL },
      ],
      row: z.object({
        name: z.string(),
        value: z.string().nullable(),
        source: z.string().nullable(),
        sourcefile: z.string().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      ignoreParameters: z.array(z.string()),
      reportRuntimeChanges: z.boolean(),
      maxFindings: z.number().int().positive(),
    }),
    defaults: {
      ignoreParameters: [
        'gtid_binlog_pos',
        'gtid_binlog_state',
        'gtid_current_pos',
        'gtid_slave_pos',
        'gtid_executed',
        'gtid_purged',
        'gtid_owned',
        'innodb_buffer_pool_dump_now',
        'innodb_buffer_pool_load_now',
        'debug_sync',
      ],
      reportRuntimeChanges: true,
      maxFindings: 100,
    },
  },
  evaluate({ variables }, ctx) {
    const current = variables.map((v) => ({
      name: v.name,
      value: v.value ?? '',
      source: v.source,
      sourcefile: v.sourcefile,
    }));
    const ignore = ctx.thresholds.ignoreParameters;
    const extra: ExtraFinding[] = [];
    if (ctx.thresholds.reportRuntimeChanges) {
      for (const v of variables) {
        const how = v.source ? RUNTIME_SOURCES[v.source.toUpperCase()] : undefined;
        if (!how || ignore.includes(v.name)) continue;
        const value = maskedValue(v.name, v.value ?? '');
        extra.push({
          parameter: v.name,
          value: v.value ?? '',
          finding: {
            severity: 'info',
            object: v.name,
            message: { en: `${v.name} = ${value} was set by ${how.en}`, zh: `${v.name} = ${value} 由 ${how.zh}设置` },
            value,
            evidence: [{ parameter: v.name, actual: value, source: v.source, sourcefile: v.sourcefile }],
          },
        });
      }
    }
    return evaluateDrift(current, {
      ignore,
      maxFindings: ctx.thresholds.maxFindings,
      now: ctx.now,
      instanceName: ctx.instance.name,
      baseline: ctx.instance.parameterBaseline,
      previous: ctx.baseline,
      extra,
    });
  },
});
