import type { ServerFacts } from '../../check.types.js';
import { myAccount } from '../../quote.js';

/** How a DBA types an account; a MariaDB role (host '') is named alone. */
export const accountObject = (user: string, host: string, isRole = false): string =>
  isRole && host === '' ? `'${user.replace(/'/g, "''")}'` : myAccount(user, host);

/** Hosts that only match connections from the server itself (`127.%` patterns stay within the loopback network). */
export function isLocalHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.[0-9.%_]*$/.test(h);
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

/** Accounts that hold global ALL PRIVILEGES, SUPER or GRANT OPTION by the way the server is installed. */
export const DEFAULT_ALLOWED_ACCOUNTS: readonly string[] = [
  "'root'@'localhost'",
  "'root'@'127.0.0.1'",
  "'root'@'::1'",
  "'mysql'@'localhost'",
  "'mariadb.sys'@'localhost'",
  "'mysql.sys'@'localhost'",
  "'mysql.session'@'localhost'",
  "'mysql.infoschema'@'localhost'",
];

/** `'u'@'h'`, `` `u`@`h` ``, `"u"@"h"` or `u@h` as user and host (host compared case-insensitively); null when not an account. */
export function parseAccount(text: string): { user: string; host: string } | null {
  const quoted = /^\s*(['`"])((?:[^'`"]|'')*)\1\s*@\s*(['`"])((?:[^'`"]|'')*)\3\s*$/.exec(text);
  if (quoted) return { user: quoted[2]!.replace(/''/g, "'"), host: quoted[4]!.replace(/''/g, "'").toLowerCase() };
  const at = text.lastIndexOf('@');
  if (at < 0) return null;
  return {
    user: text.slice(0, at).trim(),
    host: text
      .slice(at + 1)
      .trim()
      .toLowerCase(),
  };
}
