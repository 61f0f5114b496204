import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { myAccount, myQualified } from '../../quote.js';

const SYSTEM = `('mysql', 'information_schema', 'performance_schema', 'sys')`;

/**
 * DEFINER is stored as `user@host`; the host never contains '@', the user may. Accounts match on the exact user name
 * and the host compared case-insensitively (host names are case-insensitive in grants), byte-wise after conversion so
 * that the information_schema and mysql schema collations cannot clash.
 */
const orphansSql = (
  accounts: string,
) => `SELECT d.object_type, d.object_schema, d.object_name, d.definer, d.security_type,
  LEFT(d.definer, CHAR_LENGTH(d.definer) - CHAR_LENGTH(SUBSTRING_INDEX(d.definer, '@', -1)) - 1) AS definer_user,
  SUBSTRING_INDEX(d.definer, '@', -1) AS definer_host
FROM (
  SELECT 'VIEW' AS object_type, TABLE_SCHEMA AS object_schema, TABLE_NAME AS object_name, DEFINER AS definer, SECURITY_TYPE AS security_type
  FROM information_schema.VIEWS WHERE TABLE_SCHEMA NOT IN ${SYSTEM}
  UNION ALL
  SELECT ROUTINE_TYPE, ROUTINE_SCHEMA, ROUTINE_NAME, DEFINER, SECURITY_TYPE
  FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA NOT IN ${SYSTEM}
  UNION ALL
  SELECT 'TRIGGER', TRIGGER_SCHEMA, TRIGGER_NAME, DEFINER, 'DEFINER'
  FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA NOT IN ${SYSTEM}
  UNION ALL
  SELECT 'EVENT', EVENT_SCHEMA, EVENT_NAME, DEFINER, 'DEFINER'
  FROM information_schema.EVENTS WHERE EVENT_SCHEMA NOT IN ${SYSTEM}
) d
WHERE d.definer LIKE '%@%' AND NOT EXISTS (
  SELECT 1 FROM ${accounts} a
  WHERE CONVERT(a.User USING utf8mb4) COLLATE utf8mb4_bin
      = CONVERT(LEFT(d.definer, CHAR_LENGTH(d.definer) - CHAR_LENGTH(SUBSTRING_INDEX(d.definer, '@', -1)) - 1) USING utf8mb4) COLLATE utf8mb4_bin
    AND CONVERT(LOWER(a.Host) USING utf8mb4) COLLATE utf8mb4_bin
      = CONVERT(LOWER(SUBSTRING_INDEX(d.definer, '@', -1)) USING utf8mb4) COLLATE utf8mb4_bin
)
ORDER BY d.object_schema, d.object_type, d.object_name
LIMIT 500`;

const KIND_ZH: Record<string, string> = {
  procedure: '存储过程',
  function: '函数',
  view: '视图',
  trigger: '触发器',
  event: '事件',
};

export const mysqlOrphanDefiners = defineCheck({
  id: 'mysql.orphan-definers',
  catalogRef: 'MY-W09',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'objects',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Objects whose DEFINER account no longer exists', zh: 'DEFINER 账号已不存在的对象' },
  description: {
    en: 'Views, stored procedures and functions, triggers and events whose DEFINER names an account (or MariaDB role) that has been dropped. Using a SQL SECURITY DEFINER view or routine, firing the trigger or running the event then fails with ERROR 1449 "The user specified as a definer does not exist". Accounts are read from mysql.global_priv on MariaDB ≥ 10.4 (mysql.user is only a view there) and mysql.user elsewhere. The monitoring account sees only the routines and triggers it has privileges on.',
    zh: 'DEFINER 指向已被删除的账号（或 MariaDB 角色）的视图、存储过程/函数、触发器和事件。此后访问 SQL SECURITY DEFINER 的视图或例程、触发触发器、执行事件都会报 ERROR 1449 “The user specified as a definer does not exist”。MariaDB 10.4 及以上从 mysql.global_priv 读取账号（其 mysql.user 只是视图），其他版本读取 mysql.user。巡检账号只能看到其有权限的存储例程和触发器。',
  },
  remediation: {
    en: "Recreate the object with an existing, least-privileged definer (ALTER DEFINER = 'app'@'%' VIEW …, or drop and recreate routines, triggers and events with DEFINER = …), or recreate the missing account if it was dropped by mistake.",
    zh: "使用现存的、权限最小的账号作为 DEFINER 重建对象（视图可用 ALTER DEFINER = 'app'@'%' VIEW …；存储例程、触发器、事件需 DROP 后以 DEFINER = … 重建），若账号系误删则重新创建该账号。",
  },
  queries: {
    accounts: {
      sql: [
        { since: 0, sql: `SELECT COUNT(*) AS accounts FROM mysql.user` },
        { since: 100400, flavors: ['mariadb'], sql: `SELECT COUNT(*) AS accounts FROM mysql.global_priv` },
      ],
      row: z.object({ accounts: z.coerce.number() }),
      optional: true,
    },
    orphans: {
      sql: [
        { since: 0, sql: orphansSql('mysql.user') },
        { since: 100400, flavors: ['mariadb'], sql: orphansSql('mysql.global_priv') },
      ],
      row: z.object({
        object_type: z.string(),
        object_schema: z.string(),
        object_name: z.string(),
        definer: z.string(),
        security_type: z.string(),
        definer_user: z.string(),
        definer_host: z.string(),
      }),
      optional: true,
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ accounts, orphans }, ctx) {
    if (accounts.length === 0) {
      const table =
        ctx.server.flavor === 'mariadb' && ctx.server.versionNum >= 100400 ? 'mysql.global_priv' : 'mysql.user';
      return {
        skipped: {
          en: `cannot read the account list: grant SELECT ON ${table} to the monitoring account`,
          zh: `无法读取账号列表：请为监控账号授予 SELECT ON ${table} 权限`,
        },
      };
    }
    return orphans.map((r) => {
      const object = myQualified(r.object_schema, r.object_name);
      const account = myAccount(r.definer_user, r.definer_host);
      const invoker = r.security_type.toUpperCase() === 'INVOKER';
      const kind = r.object_type.toLowerCase();
      const kindZh = KIND_ZH[kind] ?? kind;
      return {
        severity: invoker ? ('info' as const) : ('warning' as const),
        object,
        message: invoker
          ? {
              en: `${kind} ${object} (SQL SECURITY INVOKER) has DEFINER ${account}, which does not exist; it still runs, but a dump of it cannot be reloaded without SUPER or SET_USER_ID`,
              zh: `${kindZh} ${object}（SQL SECURITY INVOKER）的 DEFINER ${account} 不存在；它仍可执行，但其导出（dump）在没有 SUPER 或 SET_USER_ID 权限时无法重新导入`,
            }
          : {
              en: `${kind} ${object} has DEFINER ${account}, which does not exist: using it fails with ERROR 1449`,
              zh: `${kindZh} ${object} 的 DEFINER ${account} 不存在：调用时会报 ERROR 1449`,
            },
        value: account,
        evidence: [{ type: r.object_type, definer: r.definer, securityType: r.security_type }],
      };
    });
  },
});
