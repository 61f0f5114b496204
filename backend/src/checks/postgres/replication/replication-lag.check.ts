import { z } from 'zod';
import type { FindingDraft, Severity } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

const thresholdsSchema = z.object({
  /** application_name of every standby that must be streaming from this server. */
  expectedStandbys: z.array(z.string()),
  lagBytesWarn: z.number().nonnegative(),
  lagBytesCrit: z.number().nonnegative(),
  lagSecondsWarn: z.number().nonnegative(),
  lagSecondsCrit: z.number().nonnegative(),
});
type Thresholds = z.infer<typeof thresholdsSchema>;

interface LagVerdict {
  severity: Severity;
  value: number;
  threshold: number;
  /** `16.0 MiB > 16.0 MiB` or `75 s > 60 s`. */
  reason: string;
}

/** The worst limit the lag crosses, bytes before seconds at the same severity. */
function judgeLag(bytes: number | null, seconds: number | null, t: Thresholds): LagVerdict | null {
  const limits: [Severity, 'bytes' | 'seconds', number][] = [
    ['critical', 'bytes', t.lagBytesCrit],
    ['critical', 'seconds', t.lagSecondsCrit],
    ['warning', 'bytes', t.lagBytesWarn],
    ['warning', 'seconds', t.lagSecondsWarn],
  ];
  for (const [severity, unit, limit] of limits) {
    const v = unit === 'bytes' ? bytes : seconds;
    if (v === null || v <= limit) continue;
    return unit === 'bytes'
      ? { severity, value: v, threshold: limit, reason: `${mib(v)} > ${mib(limit)}` }
      : { severity, value: Math.round(v), threshold: limit, reason: `${Math.round(v)} s > ${limit} s` };
  }
  return null;
}

function describeLag(bytes: number | null, seconds: number | null): string {
  const parts: string[] = [];
  if (bytes !== null) parts.push(mib(bytes));
  if (seconds !== null) parts.push(`${Math.round(seconds)} s`);
  return parts.length ? parts.join(' / ') : 'an unknown amount';
}

export const postgresReplicationLag = defineCheck({
  id: 'postgres.replication-lag',
  catalogRef: 'PG-D03',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'replication',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Replication state and lag', zh: '复制状态与延迟' },
  description: {
    en: 'On a primary: every standby in pg_stat_replication, its state and how far its replay is behind (bytes and time), and expected standbys that are not connected. On a standby: whether the WAL receiver is streaming and how far replay is behind; a growing replay timestamp with nothing left to replay (idle primary) is not lag.',
    zh: '主库：检查 pg_stat_replication 中每个备库的状态及回放落后的字节数和时间，并检查应连接而未连接的备库。备库：检查 WAL 接收进程是否处于 streaming 状态以及回放延迟；主库空闲时回放时间戳变旧但没有待回放的 WAL，不算延迟。',
  },
  remediation: {
    en: 'For a missing or non-streaming standby, read its log (connection refused, authentication, WAL already removed) and restart or re-clone it. For lag, look for long queries conflicting with replay on the standby, network or disk saturation, and heavy write bursts on the primary; use a replication slot or wal_keep_size so the standby can catch up.',
    zh: '备库缺失或不在 streaming 状态时，查看备库日志（连接被拒、认证失败、所需 WAL 已被删除），重启或重新搭建备库。存在延迟时，排查备库上与回放冲突的长查询、网络或磁盘瓶颈以及主库上的大批量写入；配置复制槽或 wal_keep_size，保证备库能够追上。',
  },
  queries: {
    senders: {
      sql: [
        {
          since: 0,
          sql: `SELECT application_name, host(client_addr) AS client_addr, state, sync_state,
  pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END, replay_lsn)::bigint AS lag_bytes,
  extract(epoch FROM replay_lag)::float8 AS replay_lag_seconds
FROM pg_stat_replication
ORDER BY application_name, client_addr
LIMIT 500`,
        },
      ],
      row: z.object({
        application_name: z.string().nullable(),
        client_addr: z.string().nullable(),
        state: z.string().nullable(),
        sync_state: z.string().nullable(),
        lag_bytes: z.coerce.number().nullable(),
        replay_lag_seconds: z.coerce.number().nullable(),
      }),
    },
    local: {
      sql: [
        {
          since: 0,
          sql: `SELECT pg_is_in_recovery() AS in_recovery,
  CASE WHEN pg_is_in_recovery() THEN extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END AS replay_delay_seconds,
  CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint END AS replay_backlog_bytes,
  (SELECT count(*) FROM pg_stat_wal_receiver) AS receivers,
  (SELECT r.status FROM pg_stat_wal_receiver r LIMIT 1) AS receiver_status,
  (SELECT r.sender_host FROM pg_stat_wal_receiver r LIMIT 1) AS sender_host`,
        },
      ],
      row: z.object({
        in_recovery: z.boolean(),
        replay_delay_seconds: z.coerce.number().nullable(),
        replay_backlog_bytes: z.coerce.number().nullable(),
        receivers: z.coerce.number(),
        receiver_status: z.string().nullable(),
        sender_host: z.string().nullable(),
      }),
    },
  },
  thresholds: {
    schema: thresholdsSchema,
    defaults: {
      expectedStandbys: [],
      lagBytesWarn: 16 * MiB,
      lagBytesCrit: 1024 * MiB,
      lagSecondsWarn: 60,
      lagSecondsCrit: 300,
    },
  },
  evaluate({ senders, local }, ctx) {
    const t = ctx.thresholds;
    const self = local[0];
    if (!self) return { skipped: 'the server did not report its recovery state' };
    const findings: FindingDraft[] = [];

    const standbys = senders.filter((s) => s.state !== 'backup');
    for (const s of standbys) {
      const object = s.application_name || s.client_addr || 'unnamed standby';
      const evidence = [{ ...s }];
      if (s.state !== 'streaming') {
        findings.push({
          severity: 'warning',
          object,
          message: `standby ${object} (${s.client_addr ?? 'local'}) is in state ${s.state ?? 'unknown'}, not streaming`,
          value: s.state ?? 'unknown',
          threshold: 'streaming',
          evidence,
        });
        continue;
      }
      const verdict = judgeLag(s.lag_bytes, s.replay_lag_seconds, t);
      if (!verdict) continue;
      findings.push({
        severity: verdict.severity,
        object,
        message: `standby ${object} (${s.client_addr ?? 'local'}, ${s.sync_state ?? 'async'}) replays ${describeLag(s.lag_bytes, s.replay_lag_seconds)} behind (${verdict.reason})`,
        value: verdict.value,
        threshold: verdict.threshold,
        evidence,
      });
    }

    for (const name of t.expectedStandbys) {
      if (standbys.some((s) => s.application_name === name)) continue;
      findings.push({
        severity: 'critical',
        object: name,
        message: `expected standby ${name} is not connected (pg_stat_replication has no walsender for it)`,
        evidence: standbys.map((s) => ({
          application_name: s.application_name,
          client_addr: s.client_addr,
          state: s.state,
        })),
      });
    }

    if (self.in_recovery) {
      const evidence = [{ ...self }];
      // Without pg_read_all_stats the receiver's row shows no status: unknown, not a problem.
      if (self.receivers === 0 || (self.receiver_status !== null && self.receiver_status !== 'streaming')) {
        findings.push({
          severity: 'warning',
          object: ctx.instance.name,
          message:
            self.receivers === 0
              ? 'standby has no WAL receiver: it is not streaming from a primary (archive recovery only, or disconnected)'
              : `standby WAL receiver is ${self.receiver_status}, not streaming`,
          value: self.receiver_status ?? 'none',
          threshold: 'streaming',
          evidence,
        });
      }
      // Replay timestamps age on an idle primary; with nothing received left to replay the standby is caught up.
      const caughtUp = self.replay_backlog_bytes !== null && self.replay_backlog_bytes <= 0;
      const seconds = caughtUp ? null : self.replay_delay_seconds;
      const verdict = judgeLag(self.replay_backlog_bytes, seconds, t);
      if (verdict) {
        findings.push({
          severity: verdict.severity,
          object: ctx.instance.name,
          message: `standby replay is ${describeLag(self.replay_backlog_bytes, seconds)} behind what it received${self.sender_host ? ` from ${self.sender_host}` : ''} (${verdict.reason})`,
          value: verdict.value,
          threshold: verdict.threshold,
          evidence,
        });
      }
    }
    return findings;
  },
});
