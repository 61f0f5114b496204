import { toTexts } from '../../check.types.js';
import { describe, expect, it } from 'vitest';
import { checkEvaluator, POSTGRES_15 as server } from '../../../test/check-evaluator.js';
import { postgresReplicationLag } from './replication-lag.check.js';
import { postgresReplicationSlots } from './replication-slots.check.js';
import { postgresUnexpectedRole } from './unexpected-role.check.js';

const now = new Date('2026-11-25T12:00:00Z');
const window = { from: new Date('2026-11-18T12:00:00Z'), to: now };
const { evaluate, findings } = checkEvaluator({
  server,
  window,
  now,
  instanceName: 'pg-prod-1',
  requireBothLanguages: true,
});

const MiB = 1024 * 1024;

describe('postgres.unexpected-role', () => {
  const primary = { in_recovery: false, receiver_status: null, sender_host: null };
  const standby = { in_recovery: true, receiver_status: 'streaming', sender_host: '10.0.0.1' };
  it.each([
    ['no expected role: pass', primary, undefined, []],
    ['primary as expected', primary, 'primary', []],
    ['standby as expected', standby, 'replica', []],
    ['promoted standby', primary, 'replica', ['critical']],
    ['primary came back as standby', standby, 'primary', ['critical']],
  ] as const)('%s', (_name, row, expectedRole, severities) => {
    const out = findings(
      evaluate(postgresUnexpectedRole, { main: [row] }, { instance: expectedRole ? { expectedRole } : {} }),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) {
      expect(f.object).toBe('pg-prod-1');
      expect(f.threshold).toBe(expectedRole);
    }
  });

  it('says what the server is and what the inventory expects', () => {
    const [f] = findings(
      evaluate(postgresUnexpectedRole, { main: [primary] }, { instance: { expectedRole: 'replica' } }),
    );
    expect(f!.message).toEqual({
      en: 'server is a primary (not in recovery) but the inventory expects a replica',
      zh: '服务器是主库（未处于恢复状态），但资产清单登记的角色是备库（replica）',
    });
    expect(f!.value).toBe('primary');
  });

  it('is skipped without a row', () => {
    expect(evaluate(postgresUnexpectedRole, { main: [] })).toMatchObject({
      skipped: { en: expect.stringContaining('recovery'), zh: expect.stringContaining('恢复') },
    });
  });
});

describe('postgres.replication-lag', () => {
  const primarySelf = {
    in_recovery: false,
    replay_delay_seconds: null,
    replay_backlog_bytes: null,
    receivers: '0',
    receiver_status: null,
    sender_host: null,
  };
  const sender = (over: Record<string, unknown>) => ({
    application_name: 'standby1',
    client_addr: '10.0.0.2',
    state: 'streaming',
    sync_state: 'async',
    lag_bytes: '0',
    replay_lag_seconds: null,
    ...over,
  });

  it.each([
    ['caught up', {}, []],
    ['16 MiB exactly is not over', { lag_bytes: String(16 * MiB) }, []],
    ['bytes over warn', { lag_bytes: String(16 * MiB + 1) }, ['warning']],
    ['seconds over warn', { replay_lag_seconds: 61 }, ['warning']],
    ['seconds over crit', { replay_lag_seconds: 301.5 }, ['critical']],
    ['bytes over crit', { lag_bytes: String(1024 * MiB + 1), replay_lag_seconds: 2 }, ['critical']],
    ['catchup state', { state: 'catchup', lag_bytes: '5' }, ['warning']],
    ['pg_basebackup sender is not a standby', { state: 'backup', lag_bytes: null }, []],
  ] as const)('primary: %s', (_name, over, severities) => {
    const out = findings(evaluate(postgresReplicationLag, { senders: [sender(over)], local: [primarySelf] }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('standby1');
  });

  it('names the limit crossed', () => {
    const [f] = findings(
      evaluate(postgresReplicationLag, { senders: [sender({ lag_bytes: String(20 * MiB) })], local: [primarySelf] }),
    );
    expect(f!.message).toEqual({
      en: 'standby standby1 (10.0.0.2, async) replays 20.0 MiB behind (20.0 MiB > 16.0 MiB)',
      zh: '备库 standby1（10.0.0.2，async）回放落后 20.0 MiB（20.0 MiB > 16.0 MiB）',
    });
    expect(f!.value).toBe(20 * MiB);
    expect(f!.threshold).toBe(16 * MiB);
  });

  it('reports an expected standby that is not connected, not one that is', () => {
    const out = findings(
      evaluate(
        postgresReplicationLag,
        { senders: [sender({})], local: [primarySelf] },
        { thresholds: { expectedStandbys: ['standby1', 'dr-site'] } },
      ),
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ severity: 'critical', object: 'dr-site' });
  });

  const standbySelf = (over: Record<string, unknown>) => ({
    in_recovery: true,
    replay_delay_seconds: 5,
    replay_backlog_bytes: '0',
    receivers: '1',
    receiver_status: 'streaming',
    sender_host: '10.0.0.1',
    ...over,
  });

  it.each([
    ['a leaf standby (no walsenders) is not held to the business-wide list', [], []],
    ['a cascading standby (has walsenders) is', [sender({})], ['dr-site']],
  ])('expected standbys: %s', (_name, senders, missing) => {
    const out = findings(
      evaluate(
        postgresReplicationLag,
        { senders, local: [standbySelf({})] },
        { thresholds: { expectedStandbys: ['standby1', 'dr-site'] } },
      ),
    );
    expect(out.filter((f) => f.message.en.startsWith('expected standby')).map((f) => f.object)).toEqual(missing);
  });
  it.each([
    ['streaming and caught up', {}, []],
    ['idle primary: old replay timestamp but nothing to replay', { replay_delay_seconds: 3600 }, []],
    ['replay behind by time with a backlog', { replay_delay_seconds: 90, replay_backlog_bytes: '1024' }, ['warning']],
    ['replay behind by bytes', { replay_backlog_bytes: String(2048 * MiB) }, ['critical']],
    ['no WAL receiver', { receivers: '0', receiver_status: null }, ['warning']],
    ['receiver not streaming', { receiver_status: 'waiting' }, ['warning']],
    ['receiver status hidden (no pg_read_all_stats)', { receiver_status: null }, []],
  ] as const)('standby: %s', (_name, over, severities) => {
    const out = findings(evaluate(postgresReplicationLag, { senders: [], local: [standbySelf(over)] }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('pg-prod-1');
  });

  it.each([
    ['warnBytes 1 MiB flags 2 MiB behind', { warnBytes: MiB }, { lag_bytes: String(2 * MiB) }, ['warning']],
    [
      'critBytes 10 MiB makes 20 MiB behind critical',
      { critBytes: 10 * MiB },
      { lag_bytes: String(20 * MiB) },
      ['critical'],
    ],
    ['warnSeconds 120 clears 90 s behind', { warnSeconds: 120 }, { replay_lag_seconds: 90 }, []],
    ['critSeconds 100 makes 120 s behind critical', { critSeconds: 100 }, { replay_lag_seconds: 120 }, ['critical']],
  ] as const)('renamed thresholds: %s', (_name, thresholds, over, severities) => {
    const out = findings(
      evaluate(postgresReplicationLag, { senders: [sender(over)], local: [primarySelf] }, { thresholds }),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
  });
});

describe('postgres.replication-slots', () => {
  const slot = (over: Record<string, unknown>) => ({
    slot_name: 'dbp_slot',
    slot_type: 'physical',
    database: null,
    active: false,
    retained_bytes: '0',
    max_wal_size_bytes: String(1024 * MiB),
    wal_status: 'reserved',
    invalidation_reason: null,
    inactive_since: null,
    keep_size_bytes: '-1',
    ...over,
  });

  it.each([
    ['inactive, retains little: still reported, info', {}, {}, ['info']],
    ['inactive, retains exactly max_wal_size', { retained_bytes: String(1024 * MiB) }, {}, ['info']],
    [
      'inactive, retains more than max_wal_size',
      { retained_bytes: String(1024 * MiB + 1), wal_status: 'extended' },
      {},
      ['warning'],
    ],
    ['active, retains a lot', { active: true, retained_bytes: String(5000 * MiB) }, {}, []],
    ['lowered ratio flags any retained WAL', { retained_bytes: '56' }, { warnRatio: 0 }, ['warning']],
    ['inactive, nothing reserved yet: info', { retained_bytes: null, wal_status: null }, { warnRatio: 0 }, ['info']],
    ['active, nothing reserved yet', { active: true, retained_bytes: null, wal_status: null }, {}, []],
    ['lost', { wal_status: 'lost', retained_bytes: null }, {}, ['critical']],
    ['unreserved', { wal_status: 'unreserved', active: true }, {}, ['critical']],
    [
      'inactive, at 95 % of max_slot_wal_keep_size',
      { retained_bytes: String(950 * MiB), keep_size_bytes: String(1000 * MiB) },
      {},
      ['critical'],
    ],
    [
      'active, at 95 % of max_slot_wal_keep_size',
      { active: true, retained_bytes: String(950 * MiB), keep_size_bytes: String(1000 * MiB) },
      {},
      ['critical'],
    ],
    [
      'inactive, at 50 % of max_slot_wal_keep_size: info',
      { retained_bytes: String(500 * MiB), keep_size_bytes: String(1000 * MiB) },
      {},
      ['info'],
    ],
    [
      'critKeepSizePercent 40 makes 50 % critical',
      { retained_bytes: String(500 * MiB), keep_size_bytes: String(1000 * MiB) },
      { critKeepSizePercent: 40 },
      ['critical'],
    ],
    [
      'PG16 conflicting logical slot',
      { slot_type: 'logical', database: 'app', invalidation_reason: 'conflicting' },
      {},
      ['critical'],
    ],
    ['PG12 row without wal_status', { wal_status: null, retained_bytes: String(2048 * MiB) }, {}, ['warning']],
  ] as const)('%s', (_name, over, thresholds, severities) => {
    const out = findings(evaluate(postgresReplicationSlots, { main: [slot(over)] }, { thresholds }));
    expect(out.map((f) => f.severity)).toEqual(severities);
    for (const f of out) expect(f.object).toBe('dbp_slot');
  });

  it('reports retained bytes against the multiple of max_wal_size, with PG17 inactive_since', () => {
    const [f] = findings(
      evaluate(postgresReplicationSlots, {
        main: [
          slot({
            slot_type: 'logical',
            database: 'app',
            retained_bytes: String(3 * 1024 * MiB),
            inactive_since: new Date('2026-11-20T08:00:00Z'),
          }),
        ],
      }),
    );
    expect(f!.value).toBe(3 * 1024 * MiB);
    expect(f!.threshold).toBe(1024 * MiB);
    expect(toTexts(f!.message).en).toContain('inactive logical slot (database app) dbp_slot retains 3072.0 MiB');
    expect(toTexts(f!.message).en).toContain('inactive since 2026-11-20T08:00:00.000Z');
    expect(toTexts(f!.message).zh).toBe(
      '不活跃的逻辑复制槽（数据库 app） dbp_slot 保留了 3072.0 MiB 的 WAL，自 2026-11-20T08:00:00.000Z 起不活跃（阈值 1024.0 MiB = 1 × max_wal_size）',
    );
  });

  it.each([
    ['warnRatio 4 lowers 3 × max_wal_size retained to info', { warnRatio: 4 }, 3 * 1024 * MiB, ['info']],
    ['warnRatio 0.5 flags 0.6 × max_wal_size retained', { warnRatio: 0.5 }, 0.6 * 1024 * MiB, ['warning']],
  ] as const)('renamed thresholds: %s', (_name, thresholds, retained, severities) => {
    const out = findings(
      evaluate(postgresReplicationSlots, { main: [slot({ retained_bytes: String(retained) })] }, { thresholds }),
    );
    expect(out.map((f) => f.severity)).toEqual(severities);
  });
});
