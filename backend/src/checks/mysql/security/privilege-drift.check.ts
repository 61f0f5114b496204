import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import {
  GLOBAL_PRIV_SQL,
  PRIVILEGE_LIST_SQL,
  accountObject,
  compactPrivileges,
  expandPrivileges,
  globalPrivileges,
} from './accounts.js';

const MAX_ACCOUNTS = 5000;
const MAX_DYNAMIC = 20000;

const classicAccounts = (
  privs: string,
  isRole: string,
) => `SELECT User AS user, Host AS host, NULL AS access, ${privs} AS privs, ${isRole} AS is_role
FROM mysql.user ORDER BY User, Host LIMIT ${MAX_ACCOUNTS + 1}`;

/** mysql.db privilege flags as one Y/N string, in column order. */
const DB_FLAGS = [
  'Select_priv',
  'Insert_priv',
  'Update_priv',
  'Delete_priv',
  'Create_priv',
  'Drop_priv',
  'Grant_priv',
  'References_priv',
  'Index_priv',
  'Alter_priv',
  'Create_tmp_table_priv',
  'Lock_tables_priv',
  'Create_view_priv',
  'Show_view_priv',
  'Create_routine_priv',
  'Alter_routine_priv',
  'Execute_priv',
  'Event_priv',
  'Trigger_priv',
];

/**
 * Database, table, column, routine and role grants, folded per account into a count and an order-independent digest
 * (XOR of 60-bit SHA-2 prefixes), so the result stays one row per account however many grants there are.
 */
const grantDigests = (dbFlags: string[], roles: string) => `SELECT g.user, g.host, COUNT(*) AS entries,
  BIT_XOR(CAST(CONV(LEFT(SHA2(g.item, 256), 15), 16, 10) AS UNSIGNED)) AS digest
FROM (
  SELECT User AS user, Host AS host, CONCAT('db:', Db, ':', CONCAT(${dbFlags.join(', ')})) AS item FROM mysql.db
  UNION ALL
  SELECT User, Host, CONCAT('table:', Db, '.', Table_name, ':', Table_priv, ':', Column_priv) FROM mysql.tables_priv
  UNION ALL
  SELECT User, Host, CONCAT('column:', Db, '.', Table_name, '.', Column_name, ':', Column_priv) FROM mysql.columns_priv
  UNION ALL
  SELECT User, Host, CONCAT('routine:', Db, '.', Routine_name, ':', Routine_type, ':', Proc_priv) FROM mysql.procs_priv${roles}
) g
GROUP BY g.user, g.host ORDER BY g.user, g.host LIMIT ${MAX_ACCOUNTS + 1}`;

const MARIADB_ROLES = `
  UNION ALL
  SELECT User, Host, CONCAT('role:', Role, ':', Admin_option) FROM mysql.roles_mapping`;
const MYSQL_ROLES = `
  UNION ALL
  SELECT TO_USER, TO_HOST, CONCAT('role:', FROM_USER, '@', FROM_HOST, ':', WITH_ADMIN_OPTION) FROM mysql.role_edges`;

/** Fingerprint: `<16 hex of SHA-256 over every privilege>;<global privileges>`, so a later run can tell a gain. */
function fingerprint(
  global: string[],
  dynamic: string[],
  grants: { entries: number; digest: string } | undefined,
): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([global, dynamic, grants?.entries ?? 0, grants?.digest ?? '0']))
    .digest('hex')
    .slice(0, 16);
  return `${hash};${global.join(',')}`;
}

const globalsOf = (value: string): string[] => {
  const at = value.indexOf(';');
  return at < 0 ? [] : value.slice(at + 1).split(',');
};

export const mysqlPrivilegeDrift = defineCheck({
  id: 'mysql.privilege-drift',
  catalogRef: 'MY-W18',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'trend',
  scope: 'instance',
  title: { en: 'Privilege drift since the previous inspection', zh: '权限相对上次巡检的变化' },
  description: {
    en: 'Fingerprints every account and role: global privileges (MariaDB ≥ 10.4 mysql.global_priv access bits; mysql.user columns elsewhere; MySQL 8 dynamic privileges from mysql.global_grants) plus database, table, column, routine and role grants (mysql.db, tables_priv, columns_priv, procs_priv, roles_mapping / role_edges), read with SQL rather than SHOW GRANTS per account. Compared with the previous report: a new or changed account that gained global privileges is a warning; other new or changed accounts and removed accounts are informational. The first run only records fingerprints.',
    zh: '为每个账号和角色计算权限指纹：全局权限（MariaDB 10.4 及以上取 mysql.global_priv 的 access 位；其他版本取 mysql.user 的权限列；MySQL 8 另取 mysql.global_grants 中的动态权限），以及库、表、列、存储过程和角色授权（mysql.db、tables_priv、columns_priv、procs_priv、roles_mapping / role_edges），通过 SQL 读取而不是逐个账号执行 SHOW GRANTS。与上次报告比较：新增或变更的账号若获得了全局权限则为警告；其他新增、变更的账号以及被删除的账号为提示。首次运行只记录指纹。',
  },
  remediation: {
    en: 'Confirm each change against an approved change request; revoke global privileges that were not approved (REVOKE … ON *.* FROM …) and find who granted them in the audit log.',
    zh: '逐项与已批准的变更单核对；收回未经批准的全局权限（REVOKE … ON *.* FROM …），并通过审计日志查明授权人。',
  },
  queries: {
    accounts: {
      sql: [
        { since: 50706, flavors: ['mysql'], sql: classicAccounts(PRIVILEGE_LIST_SQL.core, '0') },
        { since: 80000, flavors: ['mysql'], sql: classicAccounts(PRIVILEGE_LIST_SQL.mysql8, '0') },
        {
          since: 100000,
          flavors: ['mariadb'],
          sql: classicAccounts(PRIVILEGE_LIST_SQL.core, `IF(is_role = 'Y', 1, 0)`),
        },
        {
          since: 100304,
          flavors: ['mariadb'],
          sql: classicAccounts(PRIVILEGE_LIST_SQL.mariadb103, `IF(is_role = 'Y', 1, 0)`),
        },
        {
          since: 100400,
          flavors: ['mariadb'],
          sql: `SELECT User AS user, Host AS host, JSON_VALUE(Priv, '$.access') AS access, NULL AS privs,
  IF(${GLOBAL_PRIV_SQL.isRole}, 1, 0) AS is_role
FROM mysql.global_priv ORDER BY User, Host LIMIT ${MAX_ACCOUNTS + 1}`,
        },
      ],
      row: z.object({
        user: z.string(),
        host: z.string(),
        access: z.string().nullable(),
        privs: z.string().nullable(),
        is_role: z.coerce.number(),
      }),
    },
    dynamic: {
      sql: [
        { since: 0, sql: `SELECT '' AS user, '' AS host, '' AS priv, '' AS grant_option FROM DUAL WHERE 1 = 0` },
        {
          since: 80000,
          flavors: ['mysql'],
          sql: `SELECT USER AS user, HOST AS host, PRIV AS priv, WITH_GRANT_OPTION AS grant_option
FROM mysql.global_grants ORDER BY USER, HOST, PRIV LIMIT ${MAX_DYNAMIC + 1}`,
        },
      ],
      row: z.object({ user: z.string(), host: z.string(), priv: z.string(), grant_option: z.string() }),
    },
    grants: {
      sql: [
        { since: 50706, flavors: ['mysql'], sql: grantDigests(DB_FLAGS, '') },
        { since: 80000, flavors: ['mysql'], sql: grantDigests(DB_FLAGS, MYSQL_ROLES) },
        { since: 100000, flavors: ['mariadb'], sql: grantDigests(DB_FLAGS, MARIADB_ROLES) },
        { since: 100304, flavors: ['mariadb'], sql: grantDigests([...DB_FLAGS, 'Delete_history_priv'], MARIADB_ROLES) },
      ],
      row: z.object({ user: z.string(), host: z.string(), entries: z.coerce.number(), digest: z.coerce.string() }),
    },
  },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ accounts, dynamic, grants }, ctx) {
    if (accounts.length > MAX_ACCOUNTS || dynamic.length > MAX_DYNAMIC || grants.length > MAX_ACCOUNTS) {
      return {
        skipped: {
          en: `more than ${MAX_ACCOUNTS} accounts: privilege fingerprints are not computed`,
          zh: `账号数超过 ${MAX_ACCOUNTS} 个：不计算权限指纹`,
        },
      };
    }
    const key = (user: string, host: string) => JSON.stringify([user, host]);
    const dynamicOf = new Map<string, string[]>();
    for (const d of dynamic) {
      const list = dynamicOf.get(key(d.user, d.host)) ?? [];
      list.push(d.grant_option === 'Y' ? `${d.priv} WITH GRANT OPTION` : d.priv);
      dynamicOf.set(key(d.user, d.host), list);
    }
    const grantsOf = new Map(grants.map((g) => [key(g.user, g.host), g]));

    const fingerprints: Record<string, string> = {};
    const display = new Map<string, string>();
    for (const a of accounts) {
      const dyn = (dynamicOf.get(key(a.user, a.host)) ?? []).sort();
      const privileges = globalPrivileges(a, ctx.server);
      for (const d of dyn) privileges.add(d.replace(/ WITH GRANT OPTION$/, ''));
      const global = compactPrivileges(privileges, ctx.server);
      const object = accountObject(a.user, a.host, a.is_role === 1);
      fingerprints[object] = fingerprint(global, dyn, grantsOf.get(key(a.user, a.host)));
      display.set(object, global.join(', '));
    }
    if (!ctx.baseline)
      return { skipped: { en: 'no earlier inspection to compare with', zh: '没有可供比较的上一次巡检' }, fingerprints };

    const findings: FindingDraft[] = [];
    for (const [object, value] of Object.entries(fingerprints)) {
      const before = ctx.baseline[object];
      if (before === value) continue;
      const now = expandPrivileges(globalsOf(value), ctx.server);
      const then = before === undefined ? new Set<string>() : expandPrivileges(globalsOf(before), ctx.server);
      const gained = [...now].filter((p) => !then.has(p)).sort();
      const lost = [...then].filter((p) => !now.has(p)).sort();
      const current = display.get(object) ?? 'USAGE';
      const evidence = [
        {
          account: object,
          globalPrivileges: current,
          ...(before === undefined ? {} : { previousGlobalPrivileges: globalsOf(before).join(', ') || 'USAGE' }),
        },
      ];
      if (before === undefined) {
        findings.push({
          severity: gained.length > 0 ? 'warning' : 'info',
          object,
          message: {
            en: `new account ${object} since the previous inspection, global privileges: ${current}`,
            zh: `自上次巡检以来新增账号 ${object}，全局权限：${current}`,
          },
          evidence,
        });
      } else if (gained.length > 0) {
        findings.push({
          severity: 'warning',
          object,
          message: {
            en: `${object} gained global privileges: ${gained.join(', ')} (now ${current})`,
            zh: `${object} 新增了全局权限：${gained.join(', ')}（现为 ${current}）`,
          },
          evidence,
        });
      } else {
        const what =
          lost.length > 0
            ? `lost global privileges ${lost.join(', ')}`
            : 'database, table, routine or role grants changed';
        const whatZh = lost.length > 0 ? `失去了全局权限 ${lost.join(', ')}` : '库、表、存储程序或角色授权有变化';
        findings.push({
          severity: 'info',
          object,
          message: { en: `${object}: ${what} since the previous inspection`, zh: `${object}：自上次巡检以来${whatZh}` },
          evidence,
        });
      }
    }
    for (const object of Object.keys(ctx.baseline)) {
      if (!(object in fingerprints)) {
        findings.push({
          severity: 'info',
          object,
          message: {
            en: `account ${object} was removed since the previous inspection`,
            zh: `自上次巡检以来账号 ${object} 已被删除`,
          },
        });
      }
    }
    return { findings, fingerprints };
  },
});
