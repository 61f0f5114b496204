import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPgCluster, startPgStandby, type PgCluster, type PgStandby } from './pg-cluster.js';

let primary: PgCluster | undefined;
let standby: PgStandby | undefined;

beforeAll(async () => {
  primary = await startPgCluster({
    name: 'dbp-pg-selftest',
    settings: { shared_preload_libraries: 'pg_stat_statements', max_wal_senders: 5, wal_keep_size: '16MB' },
  });
  standby = await startPgStandby(primary, { slot: 'selftest_slot' });
}, 90_000);

afterAll(async () => {
  await standby?.remove();
  await primary?.remove();
});

describe('startPgCluster settings / startPgStandby', () => {
  it('applies the extra settings at start', async () => {
    const rows = await primary!.query<{ name: string; setting: string }>(
      `SELECT name, setting FROM pg_settings WHERE name IN ('shared_preload_libraries', 'max_wal_senders', 'wal_keep_size') ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: 'max_wal_senders', setting: '5' },
      { name: 'shared_preload_libraries', setting: 'pg_stat_statements' },
      { name: 'wal_keep_size', setting: '16' },
    ]);
    await primary!.query('CREATE EXTENSION pg_stat_statements');
    const [row] = await primary!.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_statements');
    expect(Number(row!.n)).toBeGreaterThan(0);
  });

  it('streams to a standby in recovery through its slot, on its own port', async () => {
    const s = standby!;
    expect(s.port).not.toBe(primary!.port);
    expect(await s.query('SELECT pg_is_in_recovery() AS r')).toEqual([{ r: true }]);
    const senders = await primary!.query<{ state: string }>('SELECT state FROM pg_stat_replication');
    expect(senders.map((r) => r.state)).toEqual(['streaming']);
    expect(await primary!.query('SELECT slot_name, slot_type, active FROM pg_replication_slots')).toEqual([
      { slot_name: 'selftest_slot', slot_type: 'physical', active: true },
    ]);
    await primary!.query('CREATE TABLE bed (id int PRIMARY KEY)');
    await primary!.query('INSERT INTO bed SELECT generate_series(1, 5)');
    await s.sync();
    expect(await s.query('SELECT count(*)::int AS n FROM bed')).toEqual([{ n: 5 }]);
    await expect(s.query('INSERT INTO bed VALUES (6)')).rejects.toThrow(/read-only/);
    // Its own port and socket replace the ones pg_basebackup copied from the primary (no shadowed lines).
    const file = await s.query<{ name: string; setting: string; applied: boolean }>(
      `SELECT name, setting, applied FROM pg_file_settings
       WHERE sourcefile LIKE '%postgresql.auto.conf' AND name IN ('port', 'primary_slot_name', 'fsync') ORDER BY name`,
    );
    expect(file).toEqual([
      { name: 'fsync', setting: 'off', applied: true },
      { name: 'port', setting: String(s.port), applied: true },
      { name: 'primary_slot_name', setting: 'selftest_slot', applied: true },
    ]);
    const [conninfo] = await s.query<{ v: string }>(`SELECT current_setting('primary_conninfo') AS v`);
    expect(conninfo!.v).toMatch(new RegExp(`host=127\\.0\\.0\\.1 port=${primary!.port}`));
  });

  it('a stopped standby leaves its slot inactive; started again it streams again', async () => {
    const s = standby!;
    await s.stop();
    expect(await primary!.query('SELECT active FROM pg_replication_slots')).toEqual([{ active: false }]);
    await s.start();
    const deadline = Date.now() + 20_000;
    let status: unknown;
    while (Date.now() < deadline) {
      [status] = await s.query('SELECT status FROM pg_stat_wal_receiver');
      if ((status as { status?: string } | undefined)?.status === 'streaming') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toEqual({ status: 'streaming' });
  });

  it('remove() deletes the standby directory', async () => {
    const extra = await startPgStandby(primary!, { name: 'dbp-pg-selftest-rm' });
    expect(existsSync(extra.dir)).toBe(true);
    await extra.remove();
    expect(existsSync(extra.dir)).toBe(false);
  }, 60_000);
});
