import { describe, expect, it } from 'vitest';

import { classifyQueryError, TargetQueryError, toQueryError } from './query-error.js';

function mysqlError(errno: number, code: string, sqlState: string, message: string): Error {
  return Object.assign(new Error(message), { errno, code, sqlState, sqlMessage: message });
}

function pgError(code: string, message: string, detail?: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', ...(detail ? { detail } : {}) });
}

describe('classifyQueryError', () => {
  it.each([
    [
      mysqlError(
        1969,
        'ER_STATEMENT_TIMEOUT',
        '70100',
        'Query execution was interrupted (max_statement_time exceeded)',
      ),
      { kind: 'timeout' },
    ],
    [
      mysqlError(
        3024,
        'ER_QUERY_TIMEOUT',
        'HY000',
        'Query execution was interrupted, maximum statement execution time exceeded',
      ),
      { kind: 'timeout' },
    ],
    [
      mysqlError(1205, 'ER_LOCK_WAIT_TIMEOUT', 'HY000', 'Lock wait timeout exceeded; try restarting transaction'),
      { kind: 'lock-timeout' },
    ],
    [
      mysqlError(
        1227,
        'ER_SPECIFIC_ACCESS_DENIED_ERROR',
        '42000',
        'Access denied; you need (at least one of) the PROCESS privilege(s) for this operation',
      ),
      { kind: 'permission', privilege: 'PROCESS' },
    ],
    [
      mysqlError(
        1227,
        'ER_SPECIFIC_ACCESS_DENIED_ERROR',
        '42000',
        'Access denied; you need (at least one of) the SUPER, SLAVE MONITOR privilege(s) for this operation',
      ),
      { kind: 'permission', privilege: 'SLAVE MONITOR' },
    ],
    [
      mysqlError(
        1227,
        'ER_SPECIFIC_ACCESS_DENIED_ERROR',
        '42000',
        'Access denied; you need (at least one of) the SUPER privilege(s) for this operation',
      ),
      { kind: 'permission', privilege: 'SUPER' },
    ],
    [
      mysqlError(
        1142,
        'ER_TABLEACCESS_DENIED_ERROR',
        '42000',
        "SELECT command denied to user 'mon'@'127.0.0.1' for table `mysql`.`user`",
      ),
      { kind: 'permission', privilege: 'SELECT on mysql.user' },
    ],
    [
      mysqlError(
        1142,
        'ER_TABLEACCESS_DENIED_ERROR',
        '42000',
        "SELECT command denied to user 'mon'@'localhost' for table 'user'",
      ),
      { kind: 'permission', privilege: 'SELECT on user' },
    ],
    [
      mysqlError(1044, 'ER_DBACCESS_DENIED_ERROR', '42000', "Access denied for user 'mon'@'%' to database 'app'"),
      { kind: 'permission' },
    ],
    [mysqlError(1146, 'ER_NO_SUCH_TABLE', '42S02', "Table 'sys.x' doesn't exist"), { kind: 'missing-object' }],
    [
      mysqlError(1193, 'ER_UNKNOWN_SYSTEM_VARIABLE', 'HY000', "Unknown system variable 'x'"),
      { kind: 'missing-object' },
    ],
    [
      mysqlError(
        1792,
        'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION',
        '25006',
        'Cannot execute statement in a READ ONLY transaction',
      ),
      { kind: 'other' },
    ],
    [pgError('57014', 'canceling statement due to statement timeout'), { kind: 'timeout' }],
    [pgError('55P03', 'canceling statement due to lock timeout'), { kind: 'lock-timeout' }],
    [
      pgError('42501', 'permission denied for function pg_ls_dir'),
      { kind: 'permission', privilege: 'EXECUTE on function pg_ls_dir' },
    ],
    [
      pgError('42501', 'permission denied for table secrets'),
      { kind: 'permission', privilege: 'SELECT on table secrets' },
    ],
    [pgError('42501', 'permission denied for schema app'), { kind: 'permission', privilege: 'USAGE on schema app' }],
    [
      pgError('42501', 'must be superuser or have privileges of pg_read_all_settings to examine "data_directory"'),
      { kind: 'permission', privilege: 'pg_read_all_settings' },
    ],
    [
      pgError(
        '42501',
        'permission denied to examine "data_directory"',
        'Only roles with privileges of the "pg_read_all_settings" role may examine this parameter.',
      ),
      { kind: 'permission', privilege: 'pg_read_all_settings' },
    ],
    [pgError('42P01', 'relation "pg_stat_statements" does not exist'), { kind: 'missing-object' }],
    [pgError('42883', 'function pg_current_wal_lsn() does not exist'), { kind: 'missing-object' }],
    [pgError('25006', 'cannot execute CREATE TABLE in a read-only transaction'), { kind: 'other' }],
    [new Error('something else'), { kind: 'other' }],
  ])('%s', (err, expected) => {
    expect(classifyQueryError(err)).toEqual({ message: err.message, ...expected });
  });

  it('accepts non-errors', () => {
    expect(classifyQueryError('boom')).toEqual({ kind: 'other', message: 'boom' });
  });
});

describe('toQueryError', () => {
  it('keeps the server code, number and state of a MySQL error', () => {
    const e = toQueryError(mysqlError(1969, 'ER_STATEMENT_TIMEOUT', '70100', 'interrupted'), 'check.x');
    expect(e).toBeInstanceOf(TargetQueryError);
    expect(e).toMatchObject({
      code: 'ER_STATEMENT_TIMEOUT',
      errno: 1969,
      sqlState: '70100',
      tag: 'check.x',
      message: 'interrupted',
    });
  });

  it('takes the SQLSTATE of a PostgreSQL error', () => {
    expect(toQueryError(pgError('42501', 'denied', 'why'))).toMatchObject({
      code: '42501',
      sqlState: '42501',
      detail: 'why',
    });
  });

  it('returns a TargetQueryError unchanged', () => {
    const e = new TargetQueryError('x', { code: '57014' });
    expect(toQueryError(e)).toBe(e);
  });
});
