import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

import { createConnection } from 'mysql2/promise';
import type { Connection } from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { testConnection } from './connection-test.js';
import type { TargetSpec } from './target-spec.js';

const suffix = randomBytes(4).toString('hex');
const monUser = `dbp_mon_${suffix}`;
const monPassword = `Pw/@:${suffix}`;
const plainRole = `dbp_plain_${suffix}`;

const mariadb: TargetSpec = { engine: 'mariadb', host: '127.0.0.1', port: 3306, user: 'root' };
const postgres: TargetSpec = { engine: 'postgres', host: '127.0.0.1', port: 5432, user: 'postgres' };

let mysqlAdmin: Connection;
let pgAdmin: pg.Client;
let silent: Server;
let silentPort: number;
const sockets = new Set<Socket>();

beforeAll(async () => {
  mysqlAdmin = await createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  for (const host of ['%', 'localhost']) {
    await mysqlAdmin.query('CREATE USER ?@? IDENTIFIED BY ?', [monUser, host, monPassword]);
    await mysqlAdmin.query('GRANT PROCESS, REPLICATION CLIENT ON *.* TO ?@?', [monUser, host]);
  }
  pgAdmin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await pgAdmin.connect();
  await pgAdmin.query(`CREATE ROLE ${pg.escapeIdentifier(plainRole)} LOGIN`);

  // Accepts connections and never says a word, like a firewall that lets SYN through to a hung server.
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const host of ['%', 'localhost']) await mysqlAdmin.query('DROP USER IF EXISTS ?@?', [monUser, host]);
  await mysqlAdmin.end();
  await pgAdmin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(plainRole)}`);
  await pgAdmin.end();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

describe('testConnection on MariaDB', () => {
  it('describes the server and what the monitoring account lacks', async () => {
    const result = await testConnection({ ...mariadb, user: monUser, password: monPassword });
    expect(result).toMatchObject({ ok: true, engine: 'mariadb', flavor: 'mariadb', role: 'primary' });
    if (!result.ok) return;
    expect(result.version).toMatch(/^10\.11\.\d+$/);
    expect(result.uptimeSeconds).toBeGreaterThan(0);
    // REPLICATION CLIENT is BINLOG MONITOR on 10.11, which does not cover SHOW SLAVE STATUS.
    expect(result.missingPrivileges).toEqual(['SLAVE MONITOR', 'SELECT on mysql.*', 'SELECT on performance_schema.*']);
  });

  it('finds nothing missing for root', async () => {
    expect(await testConnection(mariadb)).toMatchObject({ ok: true, missingPrivileges: [] });
  });

  it('reports the MariaDB flavor of a target registered as mysql', async () => {
    expect(await testConnection({ ...mariadb, engine: 'mysql' })).toMatchObject({
      ok: true,
      engine: 'mysql',
      flavor: 'mariadb',
    });
  });

  it('names an authentication failure without repeating the password', async () => {
    const wrong = `Wr0ng/@:${suffix}`;
    const result = await testConnection({ ...mariadb, user: monUser, password: wrong });
    expect(result).toEqual({ ok: false, error: `authentication failed for user '${monUser}'` });
    expect(JSON.stringify(result)).not.toContain(wrong);
  });

  it('fails when TLS is required and the server has none, and falls back when merely preferred', async () => {
    expect(await testConnection({ ...mariadb, tls: { mode: 'require' } })).toEqual({
      ok: false,
      error: "server at 127.0.0.1:3306 does not support TLS (tls mode 'require')",
    });
    expect(await testConnection({ ...mariadb, tls: { mode: 'prefer' } })).toMatchObject({ ok: true });
  });
});

describe('testConnection on PostgreSQL', () => {
  it('describes the server', async () => {
    const result = await testConnection(postgres);
    expect(result).toMatchObject({ ok: true, engine: 'postgres', flavor: 'postgres', role: 'primary' });
    if (!result.ok) return;
    expect(result.version).toMatch(/^15\.\d+$/);
    expect(result.uptimeSeconds).toBeGreaterThan(0);
    expect(result.missingPrivileges).toEqual([]);
  });

  it('lists the monitoring roles a plain login lacks', async () => {
    const result = await testConnection({ ...postgres, user: plainRole });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.missingPrivileges.slice(0, 3)).toEqual(['pg_monitor', 'pg_read_all_settings', 'pg_read_all_stats']);
  });

  it('names an unknown role', async () => {
    expect(await testConnection({ ...postgres, user: `dbp_nobody_${suffix}` })).toEqual({
      ok: false,
      error: `access rejected for user 'dbp_nobody_${suffix}': role "dbp_nobody_${suffix}" does not exist`,
    });
  });

  it('names a missing database', async () => {
    expect(await testConnection({ ...postgres, database: `dbp_none_${suffix}` })).toEqual({
      ok: false,
      error: `database 'dbp_none_${suffix}' does not exist at 127.0.0.1:5432`,
    });
  });

  it('fails when TLS is required and the server has none', async () => {
    expect(await testConnection({ ...postgres, tls: { mode: 'verify-full' } })).toEqual({
      ok: false,
      error: "server at 127.0.0.1:5432 does not support TLS (tls mode 'verify-full')",
    });
  });
});

describe('testConnection to unreachable servers', () => {
  it.each([mariadb, postgres])('$engine: a refused port fails within a second', async (spec) => {
    const started = Date.now();
    const result = await testConnection({ ...spec, port: 1 });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toEqual({ ok: false, error: 'connection refused at 127.0.0.1:1' });
  });

  it.each([mariadb, postgres])('$engine: a listener that never answers fails at the connect timeout', async (spec) => {
    const started = Date.now();
    const result = await testConnection({ ...spec, port: silentPort, connectTimeoutMs: 1000 });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(2000);
    expect(result).toEqual({ ok: false, error: `timed out after 1000 ms connecting to 127.0.0.1:${silentPort}` });
  });

  it.each([mariadb, postgres])('$engine: an unknown host is named', async (spec) => {
    const result = await testConnection({ ...spec, host: 'dbpatrol-no-such-host.invalid', connectTimeoutMs: 2000 });
    expect(result).toEqual({ ok: false, error: "unknown host 'dbpatrol-no-such-host.invalid'" });
  });

  it('rejects an invalid spec as a failed test, naming the field', async () => {
    expect(await testConnection({ ...mariadb, port: 0 })).toEqual({
      ok: false,
      error: 'port: Too small: expected number to be >=1',
    });
  });
});
