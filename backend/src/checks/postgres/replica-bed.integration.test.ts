import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalizedReport } from '../../reports/localize.js';
import { openTarget } from '../../targets/open-target.js';
import type { Target } from '../../targets/target-spec.js';
import { startPgCluster, startPgStandby, type PgCluster, type PgStandby } from '../../test/pg-cluster.js';
import { findingsOf, outcomeOf, runChecks } from '../../test/targets-fixture.js';
import type { AnyCheck } from '../check.types.js';
import { POSTGRES_DAILY_CHECKS } from './daily.list.js';
import { POSTGRES_MONTHLY_CHECKS } from './monthly.list.js';
import { postgresWalRetention } from './parameters/wal-retention.check.js';
import { postgresReplicationLag } from './replication/replication-lag.check.js';
import { postgresReplicationSlots } from './replication/replication-slots.check.js';
import { postgresUnexpectedRole } from './replication/unexpected-role.check.js';

// A real PostgreSQL 15 primary and a hot standby cloned from it with pg_basebackup -R, streaming through the physical
// slot bed_standby; a second physical slot, bed_abandoned, reserves WAL and has no consumer.
let primary: PgCluster | undefined;
let standby: PgStandby | undefined;
const targets: Target[] = [];
const REPLICATION = [postgresUnexpectedRole.id, postgresReplicationLag.id, postgresReplicationSlots.id];
const MiB = 1024 * 1024;
/** pg_basebackup -R writes no application_name: the standby reports the default one. */
const STANDBY_NAME = 'walreceiver';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function targetOf(cluster: PgCluster): Target {
  const t = openTarget({
    engine: 'postgres',
    host: '127.0.0.1',
    port: cluster.port,
    user: 'postgres',
    database: 'postgres',
  });
  targets.push(t);
  return t;
}

type Role = 'primary' | 'replica';
const daily = (
  cluster: PgCluster,
  name: string,
  expectedRole: Role,
  thresholds?: (c: AnyCheck) => unknown,
): Promise<LocalizedReport> =>
  runChecks(targetOf(cluster), POSTGRES_DAILY_CHECKS, {
    tier: 'daily',
    instance: { name, engine: 'postgres', expectedRole },
    ...(thresholds ? { thresholds } : {}),
  });

/** The replication checks' findings, none of the checks erroring. */
function replicationOf(report: LocalizedReport) {
  for (const id of REPLICATION) expect(outcomeOf(report, id)?.status, id).not.toBe('error');
  return report.findings.filter((f) => REPLICATION.includes(f.checkId));
}

const lagThresholds =
  (extra: Record<string, unknown>) =>
  (c: AnyCheck): unknown =>
    c.id === postgresReplicationLag.id ? { ...postgresReplicationLag.thresholds.defaults, ...extra } : undefined;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

beforeAll(async () => {
  primary = await startPgCluster({ name: 'dbp-bed-pg-primary', settings: { max_wal_senders: 5 } });
  standby = await startPgStandby(primary, { name: 'dbp-bed-pg-standby', slot: 'bed_standby' });
  await primary.query(`SELECT pg_create_physical_replication_slot('bed_abandoned', true)`);
  await primary.query('CREATE TABLE bed (id int PRIMARY KEY, pad text NOT NULL)');
  await primary.query(`INSERT INTO bed SELECT g, repeat('x', 100) FROM generate_series(1, 1000) g`);
  await standby.sync();
}, 120_000);

afterAll(async () => {
  for (const t of targets) await t.close().catch(() => undefined);
  await standby?.remove();
  await primary?.remove();
});

describe('PostgreSQL replication checks on a real primary and streaming standby', () => {
  it('PG-D02..D04 on the primary: the streaming standby and its active slot are no finding, the abandoned slot is', async () => {
    const found = replicationOf(
      await daily(primary!, 'bed-primary', 'primary', lagThresholds({ expectedStandbys: [STANDBY_NAME] })),
    );
    expect(found.map((f) => [f.checkId, f.severity, f.object])).toEqual([
      [postgresReplicationSlots.id, 'info', 'bed_abandoned'],
    ]);
    expect(found[0]!.message).toMatch(/^inactive physical slot bed_abandoned retains [\d.]+ MiB of WAL \(/);
    expect(found[0]!.evidence?.[0]).toMatchObject({
      slot_name: 'bed_abandoned',
      active: false,
      wal_status: 'reserved',
    });
  });

  it('PG-D02..D04 on the standby listed as replica: nothing; listed as primary: unexpected role', async () => {
    const healthy = await daily(standby!, 'bed-standby', 'replica');
    expect(replicationOf(healthy)).toEqual([]);
    // Every daily check runs on a standby in recovery (no function that fails during recovery).
    expect(healthy.checks.filter((c) => c.status === 'error').map((c) => c.checkId)).toEqual([]);
    const asPrimary = replicationOf(await daily(standby!, 'bed-standby', 'primary'));
    expect(asPrimary.map((f) => [f.checkId, f.severity, f.object, f.value, f.threshold])).toEqual([
      [postgresUnexpectedRole.id, 'critical', 'bed-standby', 'replica', 'primary'],
    ]);
    expect(asPrimary[0]!.message).toBe('server is a standby (in recovery) but the inventory expects a primary');
    expect(asPrimary[0]!.evidence?.[0]).toEqual({
      pg_is_in_recovery: true,
      wal_receiver_status: 'streaming',
      sender_host: '127.0.0.1',
    });
    const primaryAsReplica = findingsOf(await daily(primary!, 'bed-primary', 'replica'), postgresUnexpectedRole.id);
    expect(primaryAsReplica.map((f) => [f.severity, f.message])).toEqual([
      ['critical', 'server is a primary (not in recovery) but the inventory expects a replica'],
    ]);
  });

  it('PG-D03: paused replay is lag on the primary (pg_stat_replication) and on the standby; resumed, it clears', async () => {
    await standby!.query('SELECT pg_wal_replay_pause()');
    try {
      await primary!.query(`INSERT INTO bed SELECT g, repeat('y', 500) FROM generate_series(1001, 20000) g`);
      // The primary sees the standby's replay position stand still while the standby keeps receiving.
      await waitFor('standby receiving', async () => {
        const [r] = await standby!.query<{ backlog: string }>(
          'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS backlog',
        );
        return Number(r?.backlog) > 2 * MiB ? true : undefined;
      });
      const lowered = lagThresholds({ warnBytes: 1 * MiB, expectedStandbys: [STANDBY_NAME] });
      const onPrimary = findingsOf(await daily(primary!, 'bed-primary', 'primary', lowered), postgresReplicationLag.id);
      expect(onPrimary.map((f) => [f.severity, f.object, f.threshold])).toEqual([['warning', STANDBY_NAME, MiB]]);
      expect(onPrimary[0]!.value).toBeGreaterThan(2 * MiB);
      expect(onPrimary[0]!.message).toMatch(
        new RegExp(`^standby ${STANDBY_NAME} \\(127\\.0\\.0\\.1, async\\) replays [\\d.]+ MiB( / \\d+ s)? behind \\(`),
      );
      const onStandby = findingsOf(
        await daily(standby!, 'bed-standby', 'replica', lagThresholds({ warnBytes: 1 * MiB })),
        postgresReplicationLag.id,
      );
      expect(onStandby.map((f) => [f.severity, f.object, f.threshold])).toEqual([['warning', 'bed-standby', MiB]]);
      expect(onStandby[0]!.message).toMatch(
        /^standby replay is [\d.]+ MiB \/ \d+ s behind what it received from 127\.0\.0\.1 \(/,
      );
      // With the default thresholds (16 MiB) the same backlog is no finding.
      const defaults = findingsOf(await daily(standby!, 'bed-standby', 'replica'), postgresReplicationLag.id);
      expect(defaults).toEqual([]);
    } finally {
      await standby!.query('SELECT pg_wal_replay_resume()');
    }
    await standby!.sync();
    const lowered = lagThresholds({ warnBytes: 1 * MiB });
    expect(findingsOf(await daily(standby!, 'bed-standby', 'replica', lowered), postgresReplicationLag.id)).toEqual([]);
    const onPrimary = lagThresholds({ warnBytes: 1 * MiB, expectedStandbys: [STANDBY_NAME] });
    expect(findingsOf(await daily(primary!, 'bed-primary', 'primary', onPrimary), postgresReplicationLag.id)).toEqual(
      [],
    );
  });

  it('PG-D03/D04: with the standby down, the expected standby is missing and its slot turns inactive', async () => {
    await standby!.stop();
    try {
      await waitFor('walsender gone', async () =>
        (await primary!.query('SELECT 1 FROM pg_stat_replication')).length === 0 ? true : undefined,
      );
      const found = replicationOf(
        await daily(primary!, 'bed-primary', 'primary', lagThresholds({ expectedStandbys: [STANDBY_NAME] })),
      );
      expect(found.map((f) => [f.checkId, f.severity, f.object])).toEqual([
        [postgresReplicationLag.id, 'critical', STANDBY_NAME],
        [postgresReplicationSlots.id, 'info', 'bed_abandoned'],
        [postgresReplicationSlots.id, 'info', 'bed_standby'],
      ]);
      expect(found[0]!.message).toBe(
        `expected standby ${STANDBY_NAME} is not connected (pg_stat_replication has no walsender for it)`,
      );
    } finally {
      await standby!.start();
    }
    await waitFor('standby streaming again', async () => {
      const [r] = await standby!.query<{ status: string | null }>('SELECT status FROM pg_stat_wal_receiver');
      return r?.status === 'streaming' ? true : undefined;
    });
    const [slot] = await primary!.query<{ active: boolean }>(
      `SELECT active FROM pg_replication_slots WHERE slot_name = 'bed_standby'`,
    );
    expect(slot).toEqual({ active: true });
  });

  it('PG-M08: slots with unlimited max_slot_wal_keep_size are a warning on the primary; a limit clears it', async () => {
    const monthly = async () =>
      runChecks(targetOf(primary!), POSTGRES_MONTHLY_CHECKS, {
        tier: 'monthly',
        instance: { name: 'bed-primary', engine: 'postgres', expectedRole: 'primary' },
      });
    const unlimited = findingsOf(await monthly(), postgresWalRetention.id);
    expect(unlimited.map((f) => [f.severity, f.object])).toEqual([['warning', 'max_slot_wal_keep_size']]);
    expect(unlimited[0]!.message).toMatch(
      /^max_slot_wal_keep_size = -1 \(unlimited\) with 2 replication slot\(s\) \(bed_abandoned, bed_standby\)/,
    );
    await primary!.query(`ALTER SYSTEM SET max_slot_wal_keep_size = '1GB'`);
    await primary!.query('SELECT pg_reload_conf()');
    await waitFor('reload', async () => {
      const [r] = await primary!.query<{ v: string }>(`SELECT current_setting('max_slot_wal_keep_size') AS v`);
      return r?.v === '1GB' ? true : undefined;
    });
    const limited = await monthly();
    expect(outcomeOf(limited, postgresWalRetention.id)?.status).not.toBe('error');
    expect(findingsOf(limited, postgresWalRetention.id)).toEqual([]);
  });
});
