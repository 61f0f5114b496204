import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { isOn, variablesByName } from '../security/server-variables.js';
import { globalVariablesQuery, noVariables } from './settings.js';

export const mysqlIntegritySettings = defineCheck({
  id: 'mysql.integrity-settings',
  catalogRef: 'MY-M08',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Data integrity settings', zh: '数据完整性参数' },
  description: {
    en: "Warnings when sql_mode lacks STRICT_TRANS_TABLES (and STRICT_ALL_TABLES; invalid or out-of-range values are silently truncated), innodb_strict_mode is OFF (bad CREATE/ALTER options only warn), innodb_file_per_table is OFF (tables share the system tablespace, whose space is never returned), or the time zone tables are empty (named time zones such as CONVERT_TZ(…, 'Asia/Shanghai') return NULL) — the PMM advisor rules.",
    zh: "以下情况报告警告：sql_mode 不含 STRICT_TRANS_TABLES（也不含 STRICT_ALL_TABLES，非法或越界的值会被静默截断）；innodb_strict_mode 为 OFF（错误的 CREATE/ALTER 选项只产生警告）；innodb_file_per_table 为 OFF（表共用系统表空间，空间永不释放）；时区表为空（CONVERT_TZ(…, 'Asia/Shanghai') 等命名时区返回 NULL）——对应 PMM 顾问规则。",
  },
  remediation: {
    en: 'Add STRICT_TRANS_TABLES to sql_mode and set innodb_strict_mode=ON and innodb_file_per_table=ON in my.cnf (and SET GLOBAL; test the application first, strict mode turns silent truncation into errors); load the time zone tables with mysql_tzinfo_to_sql /usr/share/zoneinfo | mysql mysql (mariadb-tzinfo-to-sql on MariaDB).',
    zh: '在 my.cnf 中为 sql_mode 加入 STRICT_TRANS_TABLES，并设置 innodb_strict_mode=ON、innodb_file_per_table=ON（同时 SET GLOBAL；先在应用上测试，严格模式会把静默截断变为报错）；用 mysql_tzinfo_to_sql /usr/share/zoneinfo | mysql mysql（MariaDB 为 mariadb-tzinfo-to-sql）加载时区表。',
  },
  queries: {
    variables: globalVariablesQuery(['sql_mode', 'innodb_strict_mode', 'innodb_file_per_table']),
    timeZones: {
      sql: [{ since: 0, sql: 'SELECT COUNT(*) AS names FROM mysql.time_zone_name' }],
      row: z.object({ names: z.coerce.number() }),
      optional: true,
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ variables, timeZones }) {
    if (variables.length === 0) return { skipped: noVariables };
    const vars = variablesByName(variables);
    const findings: FindingDraft[] = [];
    const push = (object: string, en: string, zh: string) =>
      findings.push({ severity: 'warning', object, message: { en, zh } });
    if (vars.has('sql_mode')) {
      const mode = (vars.get('sql_mode') ?? '').toUpperCase().split(',');
      if (!mode.includes('STRICT_TRANS_TABLES') && !mode.includes('STRICT_ALL_TABLES'))
        push(
          'sql_mode',
          `sql_mode='${vars.get('sql_mode') ?? ''}' lacks STRICT_TRANS_TABLES: invalid or out-of-range values are stored truncated with only a warning`,
          `sql_mode='${vars.get('sql_mode') ?? ''}' 不含 STRICT_TRANS_TABLES：非法或越界的值会被截断保存，仅产生警告`,
        );
    }
    if (vars.has('innodb_strict_mode') && !isOn(vars.get('innodb_strict_mode')))
      push(
        'innodb_strict_mode',
        'innodb_strict_mode=OFF: invalid table options in CREATE/ALTER TABLE are accepted with a warning',
        'innodb_strict_mode=OFF：CREATE/ALTER TABLE 中无效的表选项只产生警告即被接受',
      );
    if (vars.has('innodb_file_per_table') && !isOn(vars.get('innodb_file_per_table')))
      push(
        'innodb_file_per_table',
        'innodb_file_per_table=OFF: new tables go to the system tablespace, which never shrinks after DROP or TRUNCATE',
        'innodb_file_per_table=OFF：新表存放在系统表空间中，DROP 或 TRUNCATE 后空间不会释放',
      );
    const tz = timeZones?.[0];
    if (tz !== undefined && tz.names === 0)
      push(
        'mysql.time_zone_name',
        "the time zone tables are empty: named time zones (CONVERT_TZ, SET time_zone='Europe/Berlin') do not work",
        "时区表为空：命名时区（CONVERT_TZ、SET time_zone='Asia/Shanghai'）无法使用",
      );
    return findings;
  },
});
