import { z } from 'zod';
import type { ServerFacts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { myAccount } from '../../quote.js';

/** A row of `SHOW GLOBAL VARIABLES` (values arrive as strings; NULL shows as NULL). */
export const variableRow = z.object({ Variable_name: z.string(), Value: z.string().nullable() });

/** Variables by lower-case name. */
export const variablesByName = (rows: readonly z.infer<typeof variableRow>[]): Map<string, string | null> =>
  new Map(rows.map((r) => [r.Variable_name.toLowerCase(), r.Value]));

/** `ON`/`OFF`, `1`/`0`, `YES`/`NO` as the server prints booleans. */
export const isOn = (value: string | null | undefined): boolean =>
  value !== null && value !== undefined && /^(on|1|yes|true)$/i.test(value.trim());

/** How a DBA types an account; a MariaDB role (host '') is named alone. */
export const accountObject = (user: string, host: string, isRole = false): string =>
  isRole && host === '' ? `'${user.replace(/'/g, "''")}'` : myAccount(user, host);

/** Hosts that only match connections from the server itself (`127.%` patterns stay within the loopback network). */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.[0-9.%_]*$/.test(h);
}

/**
 * Why remote clients cannot connect at all (`skip_networking`, or every `bind_address` entry a loopback address), or
 * null when the server listens beyond the host. `bind_address` may list several addresses from MySQL 8.0.13.
 */
export function loopbackOnly(vars: Map<string, string | null>): string | null {
  if (isOn(vars.get('skip_networking'))) return 'skip_networking=ON';
  const bind = vars.get('bind_address');
  if (bind === undefined || bind === null || bind.trim() === '') return null;
  const loopback = (a: string) => a === 'localhost' || a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
  const addresses = bind.split(',').map((a) => a.trim().toLowerCase());
  return addresses.every(loopback) ? `bind_address=${bind}` : null;
}

/**
 * `mysql.user` privilege columns (MySQL 5.7+, MariaDB < 10.4) and the privilege each stands for. These 29 exist in
 * every supported version; ALL PRIVILEGES at the global level always includes the 28 besides GRANT OPTION.
 */
const CORE_COLUMNS: readonly (readonly [string, string])[] = [
  ['Select_priv', 'SELECT'],
  ['Insert_priv', 'INSERT'],
  ['Update_priv', 'UPDATE'],
  ['Delete_priv', 'DELETE'],
  ['Create_priv', 'CREATE'],
  ['Drop_priv', 'DROP'],
  ['Reload_priv', 'RELOAD'],
  ['Shutdown_priv', 'SHUTDOWN'],
  ['Process_priv', 'PROCESS'],
  ['File_priv', 'FILE'],
  ['Grant_priv', 'GRANT OPTION'],
  ['References_priv', 'REFERENCES'],
  ['Index_priv', 'INDEX'],
  ['Alter_priv', 'ALTER'],
  ['Show_db_priv', 'SHOW DATABASES'],
  ['Super_priv', 'SUPER'],
  ['Create_tmp_table_priv', 'CREATE TEMPORARY TABLES'],
  ['Lock_tables_priv', 'LOCK TABLES'],
  ['Execute_priv', 'EXECUTE'],
  ['Repl_slave_priv', 'REPLICATION SLAVE'],
  ['Repl_client_priv', 'REPLICATION CLIENT'],
  ['Create_view_priv', 'CREATE VIEW'],
  ['Show_view_priv', 'SHOW VIEW'],
  ['Create_routine_priv', 'CREATE ROUTINE'],
  ['Alter_routine_priv', 'ALTER ROUTINE'],
  ['Create_user_priv', 'CREATE USER'],
  ['Event_priv', 'EVENT'],
  ['Trigger_priv', 'TRIGGER'],
  ['Create_tablespace_priv', 'CREATE TABLESPACE'],
];
const MYSQL8_ROLE_COLUMNS = [
  ['Create_role_priv', 'CREATE ROLE'],
  ['Drop_role_priv', 'DROP ROLE'],
] as const;
const MARIADB_DELETE_HISTORY_COLUMN = [['Delete_history_priv', 'DELETE HISTORY']] as const;

/** `CONCAT_WS(',', IF(Select_priv = 'Y', 'SELECT', NULL), …)`: the account's global privileges as one list. */
function privilegeListSql(columns: readonly (readonly [string, string])[]): string {
  return `CONCAT_WS(',', ${columns.map(([c, name]) => `IF(${c} = 'Y', '${name}', NULL)`).join(', ')})`;
}
export const PRIVILEGE_LIST_SQL = {
  core: privilegeListSql(CORE_COLUMNS),
  mysql8: privilegeListSql([...CORE_COLUMNS, ...MYSQL8_ROLE_COLUMNS]),
  mariadb103: privilegeListSql([...CORE_COLUMNS, ...MARIADB_DELETE_HISTORY_COLUMN]),
};

/** The privilege each bit of MariaDB's `mysql.global_priv` `access` stands for (checked by granting each on 10.11). */
const MARIADB_ACCESS_BITS: readonly string[] = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'RELOAD',
  'SHUTDOWN',
  'PROCESS',
  'FILE',
  'GRANT OPTION',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'SHOW DATABASES',
  'SUPER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'REPLICATION SLAVE',
  'BINLOG MONITOR', // REPLICATION CLIENT before 10.5.2
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'CREATE USER',
  'EVENT',
  'TRIGGER',
  'CREATE TABLESPACE',
  'DELETE HISTORY',
  'SET USER', // bits 30-37 from 10.5.2
  'FEDERATED ADMIN',
  'CONNECTION ADMIN',
  'READ_ONLY ADMIN',
  'REPLICATION SLAVE ADMIN',
  'REPLICATION MASTER ADMIN',
  'BINLOG ADMIN',
  'BINLOG REPLAY',
  'SLAVE MONITOR', // from 10.5.9
  'SHOW CREATE ROUTINE', // from 11.3 (not verified here)
];

/** How many `access` bits the server defines; `mysql`@`localhost` is stored with all 64 set. */
const accessBits = (versionNum: number) =>
  versionNum >= 110300 ? 40 : versionNum >= 100509 ? 39 : versionNum >= 100502 ? 38 : 30;

const usesGlobalPriv = (server: Pick<ServerFacts, 'flavor' | 'versionNum'>) =>
  server.flavor === 'mariadb' && server.versionNum >= 100400;

/** What ALL PRIVILEGES grants at the global level on this server (GRANT OPTION aside). */
function allPrivileges(server: Pick<ServerFacts, 'flavor' | 'versionNum'>): Set<string> {
  const core = CORE_COLUMNS.map(([, name]) => name).filter((n) => n !== 'GRANT OPTION');
  if (!usesGlobalPriv(server)) {
    return new Set(server.flavor === 'mariadb' && server.versionNum >= 100304 ? [...core, 'DELETE HISTORY'] : core);
  }
  return new Set(
    MARIADB_ACCESS_BITS.slice(0, accessBits(server.versionNum))
      .map((n) => (n === 'BINLOG MONITOR' && server.versionNum < 100502 ? 'REPLICATION CLIENT' : n))
      .filter((n) => n !== 'GRANT OPTION'),
  );
}

/** Global privileges from either the MariaDB `access` bitmask or a `mysql.user` column list. */
export function globalPrivileges(
  row: { access: string | null; privs: string | null },
  server: Pick<ServerFacts, 'flavor' | 'versionNum'>,
): Set<string> {
  const names = new Set<string>();
  if (row.access !== null && row.access !== '') {
    const access = BigInt(row.access);
    for (let bit = 0; bit < accessBits(server.versionNum); bit++) {
      if ((access >> BigInt(bit)) & 1n) {
        const name = MARIADB_ACCESS_BITS[bit]!;
        names.add(name === 'BINLOG MONITOR' && server.versionNum < 100502 ? 'REPLICATION CLIENT' : name);
      }
    }
  }
  for (const p of (row.privs ?? '').split(',')) if (p.trim() !== '') names.add(p.trim().toUpperCase());
  return names;
}

export const hasAllPrivileges = (privileges: Set<string>, server: Pick<ServerFacts, 'flavor' | 'versionNum'>) =>
  [...allPrivileges(server)].every((p) => privileges.has(p));

export const ALL_PRIVILEGES = 'ALL PRIVILEGES';

/** Sorted privilege list with ALL PRIVILEGES standing for the server's full set; `USAGE` when empty. */
export function compactPrivileges(
  privileges: Set<string>,
  server: Pick<ServerFacts, 'flavor' | 'versionNum'>,
): string[] {
  if (privileges.size === 0) return ['USAGE'];
  if (!hasAllPrivileges(privileges, server)) return [...privileges].sort();
  const all = allPrivileges(server);
  // MySQL 8 ALL PRIVILEGES also carries every dynamic privilege (upper-case with underscores).
  const extra = [...privileges].filter(
    (p) => !all.has(p) && !(server.flavor === 'mysql' && /^[A-Z_]+$/.test(p) && p.includes('_')),
  );
  return [ALL_PRIVILEGES, ...extra.sort()];
}

/** Inverse of `compactPrivileges`. */
export function expandPrivileges(
  list: readonly string[],
  server: Pick<ServerFacts, 'flavor' | 'versionNum'>,
): Set<string> {
  const out = new Set<string>();
  for (const p of list) {
    if (p === 'USAGE' || p === '') continue;
    if (p === ALL_PRIVILEGES) for (const a of allPrivileges(server)) out.add(a);
    else out.add(p);
  }
  return out;
}

const IS_ROLE = `IFNULL(JSON_VALUE(Priv, '$.is_role'), '0') IN ('1', 'true')`;
const IS_LOCKED = `IFNULL(JSON_VALUE(Priv, '$.account_locked'), '0') IN ('1', 'true')`;
/** Reused by the other account checks: MariaDB ≥ 10.4 `global_priv` JSON flags. */
export const GLOBAL_PRIV_SQL = { isRole: IS_ROLE, isLocked: IS_LOCKED };

const LOCAL_HOSTS = `('localhost', '127.0.0.1', '::1')`;
const remoteCandidates = (
  privs: string,
  notRoleOrLocked: string,
) => `SELECT User AS user, Host AS host, NULL AS access, ${privs} AS privs
FROM mysql.user
WHERE Host NOT IN ${LOCAL_HOSTS} AND ${notRoleOrLocked} AND (Host IN ('%', '') OR User = 'root' OR Super_priv = 'Y')
ORDER BY User, Host LIMIT 500`;

export const mysqlOverOpenHosts = defineCheck({
  id: 'mysql.over-open-hosts',
  catalogRef: 'MY-W12',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: {
    en: 'Accounts open to any host; root or SUPER from remote hosts',
    zh: '对任意主机开放的账号；可远程登录的 root 或 SUPER 账号',
  },
  description: {
    en: "Accounts whose host is '%' or empty accept connections from anywhere (warning). root, and any account holding SUPER or ALL PRIVILEGES, reachable from a non-local host is critical. Local means localhost, 127.0.0.1, ::1 and 127.% patterns. MariaDB ≥ 10.4 privileges come from the mysql.global_priv access bitmask, older MariaDB and MySQL from the mysql.user privilege columns. When the server listens on loopback only (bind_address 127.0.0.1/::1 or skip_networking), remote accounts are not assessed and the check says so.",
    zh: "主机为 '%' 或空的账号可从任何地方连接（警告）。root 以及任何拥有 SUPER 或 ALL PRIVILEGES 的账号若可从非本机主机登录，则为严重。本机指 localhost、127.0.0.1、::1 及 127.% 形式的主机。MariaDB 10.4 及以上从 mysql.global_priv 的 access 位掩码读取权限，更早的 MariaDB 和 MySQL 从 mysql.user 的权限列读取。若实例只监听回环地址（bind_address 为 127.0.0.1/::1 或开启 skip_networking），则不评估远程账号，并在结果中说明。",
  },
  remediation: {
    en: "Restrict each account to the application subnets or hosts it needs (RENAME USER 'u'@'%' TO 'u'@'10.1.2.%'), keep root to localhost, and give administrators named accounts limited to a bastion host; revoke SUPER/ALL from application accounts.",
    zh: "将每个账号限定到其所需的应用网段或主机（RENAME USER 'u'@'%' TO 'u'@'10.1.2.%'），root 仅保留 localhost，管理员使用仅限堡垒机登录的实名账号；收回应用账号的 SUPER/ALL 权限。",
  },
  queries: {
    network: {
      sql: [{ since: 0, sql: `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('bind_address', 'skip_networking')` }],
      row: variableRow,
    },
    accounts: {
      sql: [
        { since: 50706, flavors: ['mysql'], sql: remoteCandidates(PRIVILEGE_LIST_SQL.core, `account_locked <> 'Y'`) },
        { since: 100000, flavors: ['mariadb'], sql: remoteCandidates(PRIVILEGE_LIST_SQL.core, `is_role <> 'Y'`) },
        {
          since: 100400,
          flavors: ['mariadb'],
          sql: `SELECT User AS user, Host AS host, JSON_VALUE(Priv, '$.access') AS access, NULL AS privs
FROM mysql.global_priv
WHERE Host NOT IN ${LOCAL_HOSTS} AND NOT (${IS_ROLE}) AND NOT (${IS_LOCKED})
  AND (Host IN ('%', '') OR User = 'root' OR CAST(JSON_VALUE(Priv, '$.access') AS UNSIGNED) & 32768 <> 0)
ORDER BY User, Host LIMIT 500`,
        },
      ],
      row: z.object({
        user: z.string(),
        host: z.string(),
        access: z.string().nullable(),
        privs: z.string().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({ ignoreRemoteWhenLoopbackOnly: z.boolean() }),
    defaults: { ignoreRemoteWhenLoopbackOnly: true },
  },
  evaluate({ network, accounts }, ctx) {
    const candidates = accounts.filter((a) => !isLocalHost(a.host));
    if (candidates.length === 0) return [];
    const loopback = loopbackOnly(variablesByName(network));
    if (loopback && ctx.thresholds.ignoreRemoteWhenLoopbackOnly) {
      return {
        skipped: `the server accepts local connections only (${loopback}), so ${candidates.length} account(s) with non-local hosts were not assessed`,
      };
    }
    return candidates.map((a) => {
      const object = myAccount(a.user, a.host);
      const privileges = globalPrivileges(a, ctx.server);
      const all = hasAllPrivileges(privileges, ctx.server);
      const from =
        a.host === '%' || a.host === ''
          ? 'any host'
          : /[%_]/.test(a.host)
            ? `hosts matching '${a.host}'`
            : `host ${a.host}`;
      const evidence = [
        { user: a.user, host: a.host, globalPrivileges: compactPrivileges(privileges, ctx.server).join(', ') },
      ];
      if (a.user === 'root' || all || privileges.has('SUPER')) {
        const who = a.user === 'root' ? 'root' : all ? `an account with ${ALL_PRIVILEGES}` : 'an account with SUPER';
        return {
          severity: 'critical' as const,
          object,
          message: `${object}: ${who} can log in from ${from}; administrative access should be local only`,
          evidence,
        };
      }
      return { severity: 'warning' as const, object, message: `${object} accepts connections from ${from}`, evidence };
    });
  },
});
