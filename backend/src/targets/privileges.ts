import type { Flavor, ServerFacts, Target } from './target-spec.js';

/** One `GRANT … ON db.table TO …` (or `REVOKE … ON … FROM …`) line of `SHOW GRANTS`. */
export interface ParsedGrant {
  revoke: boolean;
  /** Upper-case privilege names; column-level privileges are left out. */
  privileges: string[];
  /** `*` or a database name pattern (`_` and `%` are wildcards, `\_` a literal underscore). */
  database: string;
  /** `*` or a table or routine name. */
  table: string;
}

/** What the monitoring account needs beyond a login, as each engine names it. */
export const MYSQL_PRIVILEGE_NAMES = {
  process: 'PROCESS',
  replicationClient: 'REPLICATION CLIENT',
  slaveMonitor: 'SLAVE MONITOR',
  mysqlSchema: 'SELECT on mysql.*',
  performanceSchema: 'SELECT on performance_schema.*',
} as const;

function readIdentifier(text: string, start: number): { name: string; end: number } | undefined {
  if (text[start] === '*') return { name: '*', end: start + 1 };
  if (text[start] === '`') {
    let name = '';
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === '`') {
        if (text[i + 1] === '`') {
          name += '`';
          i++;
          continue;
        }
        return { name, end: i + 1 };
      }
      name += text[i];
    }
    return undefined;
  }
  const bare = /[A-Za-z0-9_$%\\]+/y;
  bare.lastIndex = start;
  const m = bare.exec(text);
  return m ? { name: m[0], end: start + m[0].length } : undefined;
}

function splitPrivileges(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of list) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts
    .map((p) => p.trim())
    .filter((p) => p !== '' && !p.includes('('))
    .map((p) => p.toUpperCase().replace(/\s+/g, ' '));
}

/** Parses a `SHOW GRANTS` line; role grants, `PROXY` and unrecognised lines give `undefined`. */
export function parseGrantLine(line: string): ParsedGrant | undefined {
  const head = /^\s*(GRANT|REVOKE)\s+([\s\S]+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE BODY|PACKAGE)\s+)?/i.exec(
    line,
  );
  if (!head?.[1] || !head[2]) return undefined;
  const first = readIdentifier(line, head[0].length);
  if (!first || line[first.end] !== '.') return undefined;
  const second = readIdentifier(line, first.end + 1);
  if (!second) return undefined;
  const rest = line.slice(second.end);
  if (!/^\s+(TO|FROM)\s/i.test(rest)) return undefined;
  return {
    revoke: head[1].toUpperCase() === 'REVOKE',
    privileges: splitPrivileges(head[2]),
    database: first.name,
    table: second.name,
  };
}

function likePattern(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      source += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'i');
}

const ALL = ['ALL', 'ALL PRIVILEGES'];

/**
 * What a MySQL/MariaDB account lacks, from its `SHOW GRANTS` lines. Table-level grants (`SELECT ON mysql.user`)
 * do not count as a schema-wide grant. Privileges that reach the account only through roles are not seen
 * unless the server lists them (MariaDB lists the current role's grants; MySQL 8 does not).
 */
export function missingMysqlPrivileges(grantLines: string[], flavor: Flavor, versionNum: number): string[] {
  const grants = grantLines.map(parseGrantLine).filter((g): g is ParsedGrant => g !== undefined);
  const global = new Set(grants.filter((g) => !g.revoke && g.database === '*').flatMap((g) => g.privileges));
  const hasGlobal = (...names: string[]) => [...ALL, ...names].some((n) => global.has(n));
  const hasSchema = (schema: string, privilege: string) => {
    const covers = (g: ParsedGrant) =>
      g.table === '*' &&
      g.database !== '*' &&
      likePattern(g.database).test(schema) &&
      g.privileges.some((p) => p === privilege || ALL.includes(p));
    if (grants.some((g) => g.revoke && covers(g))) return false;
    return hasGlobal(privilege) || grants.some((g) => !g.revoke && covers(g));
  };

  const missing: string[] = [];
  if (!hasGlobal('PROCESS')) missing.push(MYSQL_PRIVILEGE_NAMES.process);
  // MariaDB 10.5 split REPLICATION CLIENT into BINLOG MONITOR (what SHOW GRANTS then prints) and SLAVE MONITOR.
  const replication =
    flavor === 'mariadb'
      ? ['REPLICATION CLIENT', 'BINLOG MONITOR', 'SLAVE MONITOR', 'REPLICA MONITOR']
      : ['REPLICATION CLIENT'];
  if (!hasGlobal(...replication)) missing.push(MYSQL_PRIVILEGE_NAMES.replicationClient);
  // From 10.5.9 SHOW SLAVE STATUS, which tells a replica from a primary, needs SLAVE MONITOR (or SUPER).
  if (flavor === 'mariadb' && versionNum >= 100509 && !hasGlobal('SLAVE MONITOR', 'REPLICA MONITOR', 'SUPER')) {
    missing.push(MYSQL_PRIVILEGE_NAMES.slaveMonitor);
  }
  if (!hasSchema('mysql', 'SELECT')) missing.push(MYSQL_PRIVILEGE_NAMES.mysqlSchema);
  if (!hasSchema('performance_schema', 'SELECT')) missing.push(MYSQL_PRIVILEGE_NAMES.performanceSchema);
  return missing;
}

/** The PostgreSQL account's standing, as read by `missingPrivileges`. */
export interface PostgresPrivilegeStatus {
  superuser: boolean;
  /** Whether the account has the privileges of each predefined role (membership with INHERIT). */
  roles: { pg_monitor: boolean; pg_read_all_settings: boolean; pg_read_all_stats: boolean };
  /** Databases that accept connections but not from this account. */
  databasesWithoutConnect: string[];
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** What a PostgreSQL account lacks: predefined monitoring roles and CONNECT on each database. */
export function missingPostgresPrivileges(status: PostgresPrivilegeStatus): string[] {
  if (status.superuser) return [];
  const missing: string[] = [];
  for (const role of ['pg_monitor', 'pg_read_all_settings', 'pg_read_all_stats'] as const) {
    if (!status.roles[role]) missing.push(role);
  }
  for (const db of status.databasesWithoutConnect) missing.push(`CONNECT on database ${quoteIdent(db)}`);
  return missing;
}

const hasRole = (role: string) =>
  `CASE WHEN to_regrole('${role}') IS NULL THEN false ELSE pg_has_role(current_user, '${role}', 'USAGE') END AS ${role}`;

/** Asks the server what the target's account lacks for a full inspection. */
export async function missingPrivileges(target: Target, facts: ServerFacts): Promise<string[]> {
  if (facts.flavor !== 'postgres') {
    const rows = await target.query('SHOW GRANTS', [], { tag: 'privileges' });
    const lines = rows.map((row) => String(Object.values(row)[0] ?? ''));
    return missingMysqlPrivileges(lines, facts.flavor, facts.versionNum);
  }
  const [account] = await target.query<{
    superuser: boolean;
    pg_monitor: boolean;
    pg_read_all_settings: boolean;
    pg_read_all_stats: boolean;
  }>(
    `SELECT rolsuper AS superuser, ${hasRole('pg_monitor')}, ${hasRole('pg_read_all_settings')}, ${hasRole('pg_read_all_stats')}
       FROM pg_roles WHERE rolname = current_user`,
    [],
    { tag: 'privileges' },
  );
  const denied = await target.query<{ datname: string }>(
    `SELECT datname FROM pg_database
      WHERE datallowconn AND NOT datistemplate AND NOT has_database_privilege(oid, 'CONNECT')
      ORDER BY datname`,
    [],
    { tag: 'privileges' },
  );
  return missingPostgresPrivileges({
    superuser: account?.superuser ?? false,
    roles: {
      pg_monitor: account?.pg_monitor ?? false,
      pg_read_all_settings: account?.pg_read_all_settings ?? false,
      pg_read_all_stats: account?.pg_read_all_stats ?? false,
    },
    databasesWithoutConnect: denied.map((r) => r.datname),
  });
}
