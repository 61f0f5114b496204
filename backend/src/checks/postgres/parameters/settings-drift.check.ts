import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { evaluateDrift, maskedValue, sameValue, withUnit, type ExtraFinding } from '../../parameter-drift.js';

/** `reset_val`: the value a session gets on RESET (server, database and role level), not this session's own SETs. */
const SETTINGS_SQL = `SELECT name, reset_val AS value, unit, source, sourcefile, sourceline
FROM pg_settings ORDER BY name`;

/** Entries ALTER SYSTEM wrote; pg_file_settings reads the files now, so entries not yet applied show too. */
const AUTO_CONF_SQL = `SELECT name, setting, applied, error, sourceline
FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno`;

/** Values this client's own connection set: the server's value cannot be told from them. */
const CLIENT_SOURCES = new Set(['client', 'session']);

export const postgresSettingsDrift = defineCheck({
  id: 'postgres.settings-drift',
  catalogRef: 'PG-M07',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'trend',
  scope: 'instance',
  title: {
    en: 'Settings drift from the baseline; ALTER SYSTEM entries',
    zh: '参数相对基线的漂移；ALTER SYSTEM 设置项',
  },
  description: {
    en: 'Reads every setting from pg_settings (the reset value, with its source and file) and the entries ALTER SYSTEM wrote to postgresql.auto.conf (pg_file_settings; superuser or a granted role), and compares the settings with the parameter baseline of the instance, else of its business (set through /api/v1/baselines, by hand or from a report), and with the values the previous report of the same tier recorded. A baselined setting with another value is a warning naming the expected and the actual value (units are compared by meaning: 128MB = 16384 of 8kB); other changes since the previous report and postgresql.auto.conf entries the baseline does not expect are informational. Settings this client sets at connection (application_name, statement_timeout, …) cannot be told and are left out.',
    zh: '读取 pg_settings 中的全部参数（重置值及其来源和文件）以及 ALTER SYSTEM 写入 postgresql.auto.conf 的设置项（pg_file_settings；需超级用户或已授权角色），将参数与该实例的参数基线（没有则取其业务的基线；通过 /api/v1/baselines 手工设置或从某次报告设置）以及同一层级上一次报告记录的值比较。基线中的参数取值不同报告为警告，并给出期望值与实际值（单位按含义比较：128MB = 16384 个 8kB）；相对上次报告的其他变更，以及基线未预期的 postgresql.auto.conf 设置项，报告为提示。本客户端连接时设置的参数（application_name、statement_timeout 等）无法判断服务器取值，不参与比较。',
  },
  remediation: {
    en: 'Check each difference against an approved change: put the value back (ALTER SYSTEM RESET name, or the configuration file, then SELECT pg_reload_conf()), or, when the change is intended, move it into the managed configuration file and update the baseline (PUT /api/v1/baselines/instance/{id} with the parameters, or with fromReportId to take a report’s values).',
    zh: '逐项核对差异是否有已批准的变更：将参数改回（ALTER SYSTEM RESET 参数名，或修改配置文件，然后执行 SELECT pg_reload_conf()）；若变更是预期的，将其写入受管理的配置文件并更新基线（PUT /api/v1/baselines/instance/{id} 提交参数，或用 fromReportId 取某次报告的值）。',
  },
  queries: {
    settings: {
      sql: [{ since: 0, sql: SETTINGS_SQL }],
      row: z.object({
        name: z.string(),
        value: z.string().nullable(),
        unit: z.string().nullable(),
        source: z.string().nullable(),
        sourcefile: z.string().nullable(),
        sourceline: z.coerce.number().nullable(),
      }),
    },
    autoConf: {
      sql: [{ since: 0, sql: AUTO_CONF_SQL }],
      row: z.object({
        name: z.string(),
        setting: z.string().nullable(),
        applied: z.boolean(),
        error: z.string().nullable(),
        sourceline: z.coerce.number().nullable(),
      }),
      optional: true,
    },
  },
  thresholds: {
    schema: z.object({
      ignoreParameters: z.array(z.string()),
      reportAlterSystem: z.boolean(),
      maxFindings: z.number().int().positive(),
    }),
    defaults: { ignoreParameters: ['transaction_*'], reportAlterSystem: true, maxFindings: 100 },
  },
  evaluate({ settings, autoConf }, ctx) {
    const current = settings.map((s) => ({
      name: s.name,
      value: s.source && CLIENT_SOURCES.has(s.source) ? null : withUnit(s.value ?? '', s.unit),
      unit: s.unit,
      source: s.source,
      sourcefile: s.sourcefile ? `${s.sourcefile}${s.sourceline ? `:${s.sourceline}` : ''}` : null,
    }));
    const units = new Map(settings.map((s) => [s.name.toLowerCase(), s.unit]));
    const inEffectNow = new Map(current.map((c) => [c.name.toLowerCase(), c.value]));
    const extra: ExtraFinding[] = [];
    if (ctx.thresholds.reportAlterSystem) {
      for (const e of autoConf) {
        const value = maskedValue(e.name, e.setting ?? '');
        const unit = units.get(e.name.toLowerCase());
        const inEffect = inEffectNow.get(e.name.toLowerCase());
        // `applied` says whether the entry can be applied, not whether it is: compare with the value in effect.
        const pending = e.error
          ? { en: ` (not applied: ${e.error})`, zh: `（未生效：${e.error}）` }
          : !e.applied
            ? { en: ' (not applied: overridden or invalid)', zh: '（未生效：被覆盖或无效）' }
            : inEffect != null && !sameValue(e.setting ?? '', inEffect, unit)
              ? {
                  en: ` (not applied yet: ${inEffect} is in effect; needs a reload or restart)`,
                  zh: `（尚未生效：当前生效值为 ${inEffect}，需要重新加载或重启）`,
                }
              : { en: '', zh: '' };
        extra.push({
          parameter: e.name,
          value: e.setting ?? '',
          finding: {
            severity: 'info',
            object: e.name,
            message: {
              en: `${e.name} = ${value} set by ALTER SYSTEM in postgresql.auto.conf, outside the configuration files you manage${pending.en}`,
              zh: `${e.name} = ${value} 由 ALTER SYSTEM 写入 postgresql.auto.conf，不在所管理的配置文件中${pending.zh}`,
            },
            value,
            evidence: [
              { parameter: e.name, actual: value, unit: unit ?? null, applied: e.applied, line: e.sourceline },
            ],
          },
        });
      }
    }
    return evaluateDrift(current, {
      ignore: ctx.thresholds.ignoreParameters,
      maxFindings: ctx.thresholds.maxFindings,
      now: ctx.now,
      instanceName: ctx.instance.name,
      baseline: ctx.instance.parameterBaseline,
      previous: ctx.baseline,
      extra,
    });
  },
});
