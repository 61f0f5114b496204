import { describe, expect, it } from 'vitest';
import { checkEvaluator, MARIADB_10_11, MYSQL_8_0 } from '../../../test/check-evaluator.js';
import { toTexts, type Message, type ServerFacts } from '../../check.types.js';
import { pickSqlVariant } from '../../sql-variant.js';
import { NOT_A_REPLICA, REPLICA_STATUS_SQL } from './replica-status.js';
import { mysqlReplicationLag } from './replication-lag.check.js';
import { mysqlReplicationRole } from './replication-role.check.js';
import { mysqlReplicationThreads } from './replication-threads.check.js';

const en = (m: Message): string => toTexts(m).en;

const NOW = new Date('2026-11-24T12:00:00Z');
/** Replica-side checks: the server under test is a read-only replica. */
const MARIADB: ServerFacts = { ...MARIADB_10_11, role: 'replica', readOnly: true, uptimeSeconds: 30 * 86_400 };
const MYSQL: ServerFacts = { ...MYSQL_8_0, role: 'replica', readOnly: true, uptimeSeconds: 30 * 86_400 };

/** Parses raw driver rows through the check's row schemas, then evaluates. */
const { evaluate, findings } = checkEvaluator({
  server: MARIADB,
  window: { from: new Date(NOW.getTime() - 86_400_000), to: NOW },
  now: NOW,
  instanceName: 'db1',
  requireBothLanguages: true,
});

/** `SHOW ALL SLAVES STATUS` on MariaDB 10.11 as mysql2 returns it (BIGINT columns as strings). */
const mariadbChannel = (over: Record<string, unknown> = {}) => ({
  Connection_name: '',
  Slave_SQL_State: 'Slave has read all relay log; waiting for more updates',
  Slave_IO_State: 'Waiting for master to send event',
  Master_Host: '10.0.0.5',
  Master_User: 'repl',
  Master_Port: 3306,
  Connect_Retry: 60,
  Master_Log_File: 'mysql-bin.000042',
  Read_Master_Log_Pos: '1234567',
  Relay_Log_File: 'relay-bin.000003',
  Relay_Log_Pos: '4567',
  Relay_Master_Log_File: 'mysql-bin.000042',
  Slave_IO_Running: 'Yes',
  Slave_SQL_Running: 'Yes',
  Last_Errno: 0,
  Last_Error: '',
  Skip_Counter: 0,
  Exec_Master_Log_Pos: '1234567',
  Relay_Log_Space: '8901',
  Seconds_Behind_Master: '0',
  Last_IO_Errno: 0,
  Last_IO_Error: '',
  Last_SQL_Errno: 0,
  Last_SQL_Error: '',
  Master_Server_Id: 1,
  Using_Gtid: 'Slave_Pos',
  Gtid_IO_Pos: '0-1-100',
  SQL_Delay: 0,
  SQL_Remaining_Delay: null,
  Slave_SQL_Running_State: 'Slave has read all relay log; waiting for more updates',
  Slave_DDL_Groups: '3',
  Gtid_Slave_Pos: '0-1-100',
  ...over,
});

/** `SHOW REPLICA STATUS` on MySQL 8.0.36. */
const mysqlChannel = (over: Record<string, unknown> = {}) => ({
  Replica_IO_State: 'Waiting for source to send event',
  Source_Host: '10.0.0.7',
  Source_User: 'repl',
  Source_Port: 3306,
  Connect_Retry: 60,
  Source_Log_File: 'binlog.000017',
  Read_Source_Log_Pos: '157',
  Relay_Log_File: 'relay.000002',
  Relay_Log_Pos: '373',
  Relay_Source_Log_File: 'binlog.000017',
  Replica_IO_Running: 'Yes',
  Replica_SQL_Running: 'Yes',
  Last_Errno: 0,
  Last_Error: '',
  Seconds_Behind_Source: '3',
  Last_IO_Errno: 0,
  Last_IO_Error: '',
  Last_SQL_Errno: 0,
  Last_SQL_Error: '',
  SQL_Delay: 0,
  SQL_Remaining_Delay: null,
  Replica_SQL_Running_State: 'Replica has read all relay log; waiting for more updates',
  Channel_Name: '',
  ...over,
});

describe('replica status statement', () => {
  it.each([
    ['mariadb', 101119, 'SHOW ALL SLAVES STATUS'],
    ['mariadb', 50560, 'SHOW SLAVE STATUS'],
    ['mysql', 80036, 'SHOW REPLICA STATUS'],
    ['mysql', 80021, 'SHOW SLAVE STATUS'],
    ['mysql', 50744, 'SHOW SLAVE STATUS'],
  ] as const)('%s %i uses %s', (flavor, versionNum, sql) => {
    expect(pickSqlVariant(REPLICA_STATUS_SQL, flavor, versionNum)?.sql).toBe(sql);
  });
});

describe('mysql.replication-role (MY-D02)', () => {
  it.each([
    ['no channel, writable', { read_only: 0 }, {}, 'skipped'],
    ['no channel, listed as primary, writable', { read_only: 0 }, { expectedRole: 'primary' as const }, 'pass'],
  ])('%s → %s', (_name, flags, instance, outcome) => {
    const e = evaluate(mysqlReplicationRole, { flags: [flags], channels: [] }, { instance });
    if (outcome === 'skipped') expect(e).toEqual({ skipped: NOT_A_REPLICA });
    else expect(e).toEqual([]);
  });

  it('flags a replica that accepts writes', () => {
    const [f] = findings(evaluate(mysqlReplicationRole, { flags: [{ read_only: '0' }], channels: [mariadbChannel()] }));
    expect(f).toMatchObject({ severity: 'warning', object: 'read_only', value: 'OFF' });
    expect(en(f!.message)).toContain('replication from 10.0.0.5:3306');
  });

  it('passes a read-only MariaDB replica (super_read_only ignored on MariaDB)', () => {
    expect(evaluate(mysqlReplicationRole, { flags: [{ read_only: 1 }], channels: [mariadbChannel()] })).toEqual([]);
  });

  it('reads MariaDB 11.7 enum values of read_only', () => {
    expect(evaluate(mysqlReplicationRole, { flags: [{ read_only: 'NO_LOCK' }], channels: [mariadbChannel()] })).toEqual(
      [],
    );
    expect(
      findings(evaluate(mysqlReplicationRole, { flags: [{ read_only: 'OFF' }], channels: [mariadbChannel()] })),
    ).toHaveLength(1);
  });

  it('on MySQL notes a replica without super_read_only', () => {
    const [f] = findings(
      evaluate(
        mysqlReplicationRole,
        { flags: [{ read_only: 1, super_read_only: 0 }], channels: [mysqlChannel()] },
        { server: MYSQL },
      ),
    );
    expect(f).toMatchObject({ severity: 'info', object: 'super_read_only' });
    expect(
      evaluate(
        mysqlReplicationRole,
        { flags: [{ read_only: 1, super_read_only: 1 }], channels: [mysqlChannel()] },
        { server: MYSQL },
      ),
    ).toEqual([]);
  });

  it('reports a role that contradicts the inventory', () => {
    const [asPrimary] = findings(
      evaluate(
        mysqlReplicationRole,
        { flags: [{ read_only: 1 }], channels: [mariadbChannel()] },
        { instance: { expectedRole: 'primary' } },
      ),
    );
    expect(asPrimary).toMatchObject({ severity: 'warning', object: 'db1' });
    const [asReplica] = findings(
      evaluate(
        mysqlReplicationRole,
        { flags: [{ read_only: 0 }], channels: [] },
        { instance: { expectedRole: 'replica' } },
      ),
    );
    expect(en(asReplica!.message)).toContain('no replication channel');
  });

  it('reports a read-only server without replication (warning when listed as primary)', () => {
    expect(findings(evaluate(mysqlReplicationRole, { flags: [{ read_only: 1 }], channels: [] }))[0]).toMatchObject({
      severity: 'info',
      object: 'read_only',
    });
    expect(
      findings(
        evaluate(
          mysqlReplicationRole,
          { flags: [{ read_only: 1 }], channels: [] },
          { instance: { expectedRole: 'primary' } },
        ),
      )[0],
    ).toMatchObject({
      severity: 'warning',
    });
  });
});

describe('mysql.replication-threads (MY-D03)', () => {
  it('is skipped on a server without channels', () => {
    expect(evaluate(mysqlReplicationThreads, { channels: [] })).toEqual({
      skipped: {
        en: 'server is not a replica (no replication channel configured)',
        zh: '实例不是从库（未配置复制通道）',
      },
    });
  });

  it('passes running channels of either naming', () => {
    expect(
      evaluate(mysqlReplicationThreads, { channels: [mariadbChannel(), mariadbChannel({ Connection_name: 'east' })] }),
    ).toEqual([]);
    expect(evaluate(mysqlReplicationThreads, { channels: [mysqlChannel()] }, { server: MYSQL })).toEqual([]);
  });

  it('reports a stopped SQL thread with its error, per MariaDB connection name', () => {
    const rows = [
      mariadbChannel(),
      mariadbChannel({
        Connection_name: "o'east",
        Slave_SQL_Running: 'No',
        Last_SQL_Errno: 1062,
        Last_SQL_Error: "Duplicate entry '7' for key 'PRIMARY'",
      }),
    ];
    const [f, ...rest] = findings(evaluate(mysqlReplicationThreads, { channels: rows }));
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ severity: 'critical', object: "'o''east'" });
    expect(en(f!.message)).toContain('SQL thread No');
    expect(en(f!.message)).toContain('last SQL error 1062');
  });

  it('reports a connecting IO thread on MySQL 8 (Replica_* columns) on the default channel as the instance', () => {
    const [f] = findings(
      evaluate(
        mysqlReplicationThreads,
        {
          channels: [
            mysqlChannel({ Replica_IO_Running: 'Connecting', Last_IO_Errno: 2003, Last_IO_Error: "Can't connect" }),
          ],
        },
        { server: MYSQL },
      ),
    );
    expect(f).toMatchObject({ severity: 'critical', object: 'db1' });
    expect(en(f!.message)).toContain('IO thread Connecting');
    expect(en(f!.message)).toContain('10.0.0.7:3306');
  });

  it('warns when both threads run but an error is recorded', () => {
    const [f] = findings(
      evaluate(mysqlReplicationThreads, {
        channels: [mariadbChannel({ Last_IO_Errno: 2013, Last_IO_Error: 'Lost connection' })],
      }),
    );
    expect(f).toMatchObject({ severity: 'warning' });
  });
});

describe('mysql.replication-lag (MY-D04)', () => {
  it.each([
    ['0', null],
    ['60', null],
    ['61', 'warning'],
    ['300', 'warning'],
    ['301', 'critical'],
  ])('Seconds_Behind_Master %s → %s', (lag, severity) => {
    const e = findings(evaluate(mysqlReplicationLag, { channels: [mariadbChannel({ Seconds_Behind_Master: lag })] }));
    if (severity === null) expect(e).toEqual([]);
    else expect(e[0]).toMatchObject({ severity, value: Number(lag), object: 'db1' });
  });

  it('reads Seconds_Behind_Source on MySQL 8', () => {
    const [f] = findings(
      evaluate(mysqlReplicationLag, { channels: [mysqlChannel({ Seconds_Behind_Source: '75' })] }, { server: MYSQL }),
    );
    expect(f).toMatchObject({ severity: 'warning', value: 75, threshold: 60 });
    expect(f!.message).toEqual({
      en: 'replication from 10.0.0.7:3306 is 75 s behind (threshold 60 s)',
      zh: '复制（主库 10.0.0.7:3306）延迟 75 秒，阈值 60 秒',
    });
  });

  it('treats an unknown lag (stopped SQL thread) as critical', () => {
    const [f] = findings(
      evaluate(mysqlReplicationLag, {
        channels: [mariadbChannel({ Slave_SQL_Running: 'No', Seconds_Behind_Master: null })],
      }),
    );
    expect(f).toMatchObject({ severity: 'critical' });
    expect(en(f!.message)).toContain('lag unknown');
  });

  it('subtracts a configured delay', () => {
    expect(
      evaluate(mysqlReplicationLag, { channels: [mariadbChannel({ SQL_Delay: 3600, Seconds_Behind_Master: '3630' })] }),
    ).toEqual([]);
    expect(
      findings(
        evaluate(mysqlReplicationLag, {
          channels: [mariadbChannel({ SQL_Delay: 3600, Seconds_Behind_Master: '3700' })],
        }),
      )[0],
    ).toMatchObject({ value: 100 });
  });

  it('honours configured thresholds', () => {
    const e = evaluate(
      mysqlReplicationLag,
      { channels: [mariadbChannel({ Seconds_Behind_Master: '20' })] },
      { thresholds: { warnSeconds: 10, critSeconds: 15 } },
    );
    expect(findings(e)[0]).toMatchObject({ severity: 'critical', threshold: 15 });
  });
});
