import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';
import { randomSuffix, withPgAdmin } from '../test/pg-fixtures.js';

const suffix = randomSuffix();
const MON_USER = `dbp_conn_${suffix}`;
const MON_PASSWORD = `Mon-${suffix}-pa55:w@rd/x`;
const PG_DB = `dbp 巡检 "q" o'k Mixed_${suffix}`;
const qi = (s: string) => `"${s.replace(/"/g, '""')}"`;
const ql = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * Registers real MariaDB and PostgreSQL instances with a dedicated monitoring account and tests them through the
 * API, capturing every log line and response body: the password must appear in none of them.
 */
describe('instance connection tests through the API', () => {
  let api: ApiHarness;
  let hostId: string;

  beforeAll(async () => {
    const root = await mysql.createConnection(MARIADB_ROOT);
    for (const host of ['%', 'localhost', '127.0.0.1']) {
      await root.query(`CREATE USER ?@? IDENTIFIED BY ?`, [MON_USER, host, MON_PASSWORD]);
      await root.query(`GRANT PROCESS, REPLICATION CLIENT ON *.* TO ?@?`, [MON_USER, host]);
    }
    await root.end();
    await withPgAdmin(async (c) => {
      await c.query(`CREATE ROLE ${qi(MON_USER)} LOGIN PASSWORD ${ql(MON_PASSWORD)}`);
      await c.query(`GRANT pg_monitor TO ${qi(MON_USER)}`);
      await c.query(`CREATE DATABASE ${qi(PG_DB)}`);
    });
    api = await startApiHarness({ DBPATROL_CONNECT_TIMEOUT_MS: '1500' });
    const biz = await api.call('POST', '/api/v1/businesses', { body: { name: 'local' } });
    hostId = (
      await api.call('POST', '/api/v1/hosts', {
        body: { name: 'localhost', businessId: biz.body.id, address: '127.0.0.1' },
      })
    ).body.id;
  });

  afterAll(async () => {
    await api?.close();
    const root = await mysql.createConnection(MARIADB_ROOT);
    for (const host of ['%', 'localhost', '127.0.0.1']) await root.query('DROP USER IF EXISTS ?@?', [MON_USER, host]);
    await root.end();
    await withPgAdmin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${qi(PG_DB)} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${qi(MON_USER)}`);
    });
  });

  const register = async (body: Record<string, unknown>) => {
    const res = await api.call('POST', '/api/v1/instances', {
      body: { hostId, user: MON_USER, password: MON_PASSWORD, ...body },
    });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('tests MariaDB: flavor, version, role, uptime and the privileges the account lacks', async () => {
    const id = await register({ name: 'local-mariadb', engine: 'mariadb', port: MARIADB_ROOT.port });
    const res = await api.call('POST', `/api/v1/instances/${id}/test`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, engine: 'mariadb', flavor: 'mariadb', role: 'primary' });
    expect(res.body.version).toMatch(/^10\.11\./);
    expect(res.body.uptimeSeconds).toBeGreaterThan(0);
    expect(res.body.missingPrivileges.join(' ')).toMatch(/mysql/);
  });

  it('tests PostgreSQL in a database whose name has a space, quotes, unicode and mixed case', async () => {
    const id = await register({ name: 'local-postgres', engine: 'postgres', port: 5432, database: PG_DB });
    const res = await api.call('POST', `/api/v1/instances/${id}/test`);
    expect(res.body).toMatchObject({
      ok: true,
      engine: 'postgres',
      flavor: 'postgres',
      role: 'primary',
      missingPrivileges: [],
    });
    expect(res.body.version).toMatch(/^15\./);
  });

  it('answers a wrong password, a refused port and a silent port with ok:false, never a 500', async () => {
    const wrong = await register({
      name: 'wrong-password',
      engine: 'mariadb',
      port: MARIADB_ROOT.port,
      password: `${MON_PASSWORD}-nope`,
    });
    const refused = await register({ name: 'refused', engine: 'postgres', port: 1 });
    for (const id of [wrong, refused]) {
      const res = await api.call('POST', `/api/v1/instances/${id}/test`);
      expect(res.status).toBe(200);
      expect(res.body.ok).toBe(false);
      expect(res.body.error).toEqual(expect.any(String));
    }
    expect((await api.call('POST', `/api/v1/instances/${wrong}/test`)).body.error).toMatch(/auth|password|denied/i);
  });

  it('never shows the password in any response or log line', async () => {
    await api.call('GET', '/api/v1/instances');
    await api.call('GET', '/api/v1/inventory/export');
    await api.call('GET', '/api/v1/audit?limit=1000');
    const everything = [...api.logs, ...api.bodies].join('\n');
    expect(api.logs.length).toBeGreaterThan(0);
    expect(everything).toContain('local-postgres');
    expect(everything).not.toContain(MON_PASSWORD);
    expect(everything).not.toContain(encodeURIComponent(MON_PASSWORD));
  });
});
