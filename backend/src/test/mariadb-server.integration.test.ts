import { existsSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTargetUrl } from '../targets/target-url.js';
import { startMariaDb, startMariaDbReplica, type MariaDbReplica, type MariaDbServer } from './mariadb-server.js';

let primary: MariaDbServer | undefined;
let replica: MariaDbReplica | undefined;

beforeAll(async () => {
  primary = await startMariaDb({
    name: 'dbp-mdb-selftest',
    binlog: true,
    performanceSchema: true,
    rootPassword: 'p@ss/w:rd',
  });
  replica = await startMariaDbReplica(primary, { settings: { 'slave-skip-errors': '1062' } });
}, 90_000);

afterAll(async () => {
  await replica?.remove();
  await primary?.remove();
});

describe('startMariaDb / startMariaDbReplica', () => {
  it('starts a second mariadbd with its own datadir, port and the asked options', async () => {
    const p = primary!;
    expect(p.port).not.toBe(3306);
    const [row] = await p.query<Record<string, string | number>>(
      'SELECT @@datadir AS datadir, @@port AS port, @@performance_schema AS ps, @@log_bin AS log_bin, @@server_id AS sid, @@skip_name_resolve AS snr',
    );
    expect(String(row!.datadir)).toContain(p.dir);
    expect(Number(row!.port)).toBe(p.port);
    expect(Number(row!.ps)).toBe(1);
    expect(Number(row!.log_bin)).toBe(1);
    expect(Number(row!.sid)).toBe(p.serverId);
    expect(Number(row!.snr)).toBe(1);
    // root only on the local addresses (install-db's root@<hostname> is dropped).
    const roots = await p.query<{ host: string }>(
      `SELECT Host AS host FROM mysql.user WHERE User = 'root' ORDER BY Host`,
    );
    expect(roots.map((r) => r.host)).toEqual(['127.0.0.1', '::1', 'localhost']);
    // root needs the password; the URL carries it and parses as a target.
    await expect(mysql.createConnection({ ...p.connectionOptions(), password: '' })).rejects.toThrow(/denied/i);
    const spec = parseTargetUrl(p.url('mysql'));
    expect(spec).toMatchObject({
      engine: 'mariadb',
      host: '127.0.0.1',
      port: p.port,
      user: 'root',
      password: 'p@ss/w:rd',
    });
  });

  it('replicates with GTID, both threads running, and the planted option is on the replica only', async () => {
    const p = primary!;
    const r = replica!;
    const status = await r.slaveStatus();
    expect(status).toMatchObject({ Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Using_Gtid: 'Slave_Pos' });
    await p.query('CREATE DATABASE bed');
    await p.query('CREATE TABLE bed.t (id INT PRIMARY KEY)');
    await p.query('INSERT INTO bed.t VALUES (1), (2), (3)');
    await r.sync();
    expect(await r.query('SELECT COUNT(*) AS n FROM bed.t')).toEqual([{ n: '3' }]);
    const [skip] = await r.query<{ v: string }>('SELECT @@slave_skip_errors AS v');
    expect(skip!.v).toBe('1062');
    const [notOnPrimary] = await p.query<{ v: string }>('SELECT @@slave_skip_errors AS v');
    expect(notOnPrimary!.v).toBe('OFF');
    // The replica's root keeps an empty password (the primary's ALTER USER is not binlogged).
    expect(r.password).toBe('');
    await r.query('SELECT 1');
  });

  it('stops and starts again on the same port with the same data', async () => {
    const r = replica!;
    await r.stop();
    expect(r.running()).toBe(false);
    await expect(r.query('SELECT 1')).rejects.toThrow();
    await r.start();
    expect(r.running()).toBe(true);
    expect(await r.query('SELECT COUNT(*) AS n FROM bed.t')).toEqual([{ n: '3' }]);
  });

  it('remove() kills the server and deletes its directory', async () => {
    const extra = await startMariaDb({ name: 'dbp-mdb-selftest-rm' });
    expect(existsSync(extra.dataDir)).toBe(true);
    await extra.remove();
    expect(extra.running()).toBe(false);
    expect(existsSync(extra.dir)).toBe(false);
  }, 30_000);
});
