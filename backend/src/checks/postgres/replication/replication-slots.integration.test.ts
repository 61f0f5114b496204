import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, randomSuffix } from '../../../test/pg-fixtures.js';
import { findingsOf, postgresSuperTarget, runChecks } from '../../../test/targets-fixture.js';
import type { Target } from '../../../targets/target-spec.js';
import { postgresWalArchiving } from '../backup/wal-archiving.check.js';
import { postgresReplicationSlots } from './replication-slots.check.js';

// A physical slot reserving WAL at creation and nobody consuming it: reported with the default thresholds (it retains
// far less than max_wal_size, so info). The local server runs with archive_mode = off: a finding, not a skip.
const SLOT = `dbp_inactive_${randomSuffix()}`;
let admin: pg.Client;
let target: Target;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query('SELECT pg_create_physical_replication_slot($1, true)', [SLOT]);
  target = postgresSuperTarget();
});

afterAll(async () => {
  await target?.close();
  await admin.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [
    SLOT,
  ]);
  await admin.end();
});

describe('corrections on the live PostgreSQL', () => {
  it('an inactive slot is a finding with the default thresholds, info below max_wal_size', async () => {
    const report = await runChecks(target, [postgresReplicationSlots], { tier: 'daily' });
    const f = findingsOf(report, 'postgres.replication-slots').find((x) => x.object === SLOT);
    expect(f).toMatchObject({ severity: 'info' });
    expect(Number(f!.value)).toBeGreaterThanOrEqual(0);
    expect(f!.message).toContain(`inactive physical slot ${SLOT}`);
  });

  it('archive_mode = off on the primary is a warning, not a skip', async () => {
    const { rows } = await admin.query<{ archive_mode: string }>(
      `SELECT current_setting('archive_mode') AS archive_mode`,
    );
    const report = await runChecks(target, [postgresWalArchiving], { tier: 'daily' });
    if (rows[0]!.archive_mode !== 'off') return; // a server that archives has nothing to show here
    expect(findingsOf(report, 'postgres.wal-archiving')).toMatchObject([
      { severity: 'warning', object: 'archive_mode', value: 'off' },
    ]);
  });
});
