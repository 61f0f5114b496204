/** A statement failed on a live connection; carries the server's own message and code. */
export class TargetQueryError extends Error {
  /** MySQL/MariaDB error name (`ER_STATEMENT_TIMEOUT`) or PostgreSQL SQLSTATE (`57014`). */
  readonly code: string;
  /** MySQL/MariaDB error number (`1969`). */
  readonly errno?: number;
  readonly sqlState?: string;
  /** PostgreSQL's DETAIL, which often names the missing role. */
  readonly detail?: string;
  readonly tag?: string;

  constructor(
    message: string,
    fields: { code: string; errno?: number; sqlState?: string; detail?: string; tag?: string },
  ) {
    super(message);
    this.name = 'TargetQueryError';
    this.code = fields.code;
    this.errno = fields.errno;
    this.sqlState = fields.sqlState;
    this.detail = fields.detail;
    this.tag = fields.tag;
  }
}

/** Why a statement failed, in the terms a check outcome needs. */
export interface QueryErrorClass {
  kind: 'permission' | 'timeout' | 'lock-timeout' | 'missing-object' | 'other';
  message: string;
  /** What to grant, when the server says: `PROCESS`, `SELECT on mysql.user`, `pg_read_all_settings`. */
  privilege?: string;
}

interface ErrorFields {
  code?: unknown;
  errno?: unknown;
  sqlState?: unknown;
  detail?: unknown;
  message?: unknown;
}

/** Wraps a driver's statement error so callers see one shape whatever the driver. */
export function toQueryError(err: unknown, tag?: string): TargetQueryError {
  if (err instanceof TargetQueryError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ErrorFields;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const errno = typeof e.errno === 'number' ? e.errno : undefined;
  const code = typeof e.code === 'string' ? e.code : errno !== undefined ? String(errno) : '';
  const sqlState =
    typeof e.sqlState === 'string' ? e.sqlState : errno === undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const detail = typeof e.detail === 'string' ? e.detail : undefined;
  return new TargetQueryError(message, { code, errno, sqlState, detail, tag });
}

const MYSQL_TIMEOUT = new Set([1969 /* MariaDB max_statement_time */, 3024 /* MySQL max_execution_time */]);
const MYSQL_LOCK_TIMEOUT = new Set([1205]);
const MYSQL_PERMISSION = new Set([1044, 1045, 1142, 1143, 1227, 1370]);
const MYSQL_MISSING = new Set([1049, 1051, 1054, 1109, 1146, 1193, 1286, 1305, 1381 /* binary logging off */, 1630]);

const PG_MISSING = new Set(['42P01', '42883', '42703', '3F000', '42704', '3D000', '58P01']);

function unquote(name: string): string {
  return name.replace(/[`'"]/g, '');
}

function mysqlPrivilege(errno: number, message: string): string | undefined {
  if (errno === 1227) {
    const list = /you need \(at least one of\) the (.+?) privilege/i.exec(message)?.[1];
    if (!list) return undefined;
    const names = list.split(',').map((p) => p.trim());
    const specific = names.filter((p) => p !== 'SUPER');
    return (specific.length > 0 ? specific : names).join(' or ');
  }
  if (errno === 1142 || errno === 1143 || errno === 1370) {
    const m = /^(\w+) command denied .*? for (?:column \S+ in )?(?:table|routine) (.+)$/i.exec(message);
    if (m?.[1] && m[2]) return `${m[1].toUpperCase()} on ${unquote(m[2])}`;
  }
  return undefined;
}

function pgPrivilege(message: string, detail: string | undefined): string | undefined {
  const text = `${message} ${detail ?? ''}`;
  const role = /(?:privileges of|member of)(?: the)? (?:role )?"?(pg_[a-z_]+)"?/i.exec(text)?.[1];
  if (role) return role;
  const m = /permission denied for (table|relation|view|sequence|schema|database|function|procedure) (.+)$/i.exec(
    message,
  );
  if (!m?.[1] || !m[2]) return undefined;
  const kind = m[1].toLowerCase();
  const action =
    kind === 'schema'
      ? 'USAGE'
      : kind === 'database'
        ? 'CONNECT'
        : kind === 'function' || kind === 'procedure'
          ? 'EXECUTE'
          : 'SELECT';
  return `${action} on ${kind === 'relation' ? 'table' : kind} ${m[2]}`;
}

/** Sorts a statement error into what a check reports: missing privilege, timeout, missing object or other. */
export function classifyQueryError(err: unknown): QueryErrorClass {
  const e = toQueryError(err);
  const message = e.message;
  if (e.errno !== undefined) {
    if (MYSQL_TIMEOUT.has(e.errno)) return { kind: 'timeout', message };
    if (MYSQL_LOCK_TIMEOUT.has(e.errno)) return { kind: 'lock-timeout', message };
    if (MYSQL_PERMISSION.has(e.errno)) {
      const privilege = mysqlPrivilege(e.errno, message);
      return privilege ? { kind: 'permission', message, privilege } : { kind: 'permission', message };
    }
    if (MYSQL_MISSING.has(e.errno)) return { kind: 'missing-object', message };
    return { kind: 'other', message };
  }
  switch (e.sqlState) {
    case '57014':
      return { kind: 'timeout', message };
    case '55P03':
      return { kind: 'lock-timeout', message };
    case '42501': {
      const privilege = pgPrivilege(message, e.detail);
      return privilege ? { kind: 'permission', message, privilege } : { kind: 'permission', message };
    }
  }
  if (e.sqlState && PG_MISSING.has(e.sqlState)) return { kind: 'missing-object', message };
  return { kind: 'other', message };
}
