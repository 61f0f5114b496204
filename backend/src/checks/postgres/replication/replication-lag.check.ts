import { z } from 'zod';
import type { FindingDraft, Severity, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(1)} MiB`;

const thresholdsSchema = z.object({
  /** application_name of every standby that must be streaming from this server. */
  expectedStandbys: z.array(z.string()),
  warnBytes: z.number().nonnegative(),
  critBytes: z.number().nonnegative(),
  warnSeconds: z.number().nonnegative(),
  critSeconds: z.number().nonnegative(),
});
type Thresholds = z.infer<typeof thresholdsSchema>;

interface LagVerdict {
  severity: Severity;
  value: number;
  threshold: number;
  /** `16.0 MiB > 16.0 MiB` or `75 s > 60 s`. */
  reason: Texts;
}

/** The worst limit the lag crosses, bytes before seconds at the same severity. */
function judgeLag(bytes: number | null, seconds: number | null, t: Thresholds): LagVerdict | null {
  const limits: [Severity, 'bytes' | 'seconds', number][] = [
    ['critical', 'bytes', t.critBytes],
    ['critical', 'seconds', t.critSeconds],
    ['warning', 'bytes', t.warnBytes],
    ['warning', 'seconds', t.warnSeconds],
  ];
  for (const [severity, unit, limit] of limits) {
    const v = unit === 'bytes' ? bytes : seconds;
    if (v === null || v <= limit) continue;
    if (unit === 'bytes') {
      const reason = `${mib(v)} > ${mib(limit)}`;
      return { severity, value: v, threshold: limit, reason: { en: reason, zh: reason } };
    }
    const reason = { en: `${Math.round(v)} s > ${limit} s`, zh: `${Math.round(v)} 秒 > ${limit} 秒` };
    return { severity, value: Math.round(v), threshold: limit, reason };
  }
  return null;
}

function describeLag(bytes: number | null, seconds: number | null): Texts {
  const parts: Texts[] = [];
  if (bytes !== null) parts.push({ en: mib(bytes), zh: mib(bytes) });
  if (seconds !== null) parts.push({ en: `${Math.round(seconds)} s`, zh: `${Math.round(seconds)} 秒` });
  if (parts.length === 0) return { en: 'an unknown amount', zh: '未知量' };
  return { en: parts.map((p) => p.en).join(' / '), zh: parts.map((p) => p.zh).join(' / ') };
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
      warnBytes: 16 * MiB,
      critBytes: 1024 * MiB,
      warnSeconds: 60,
      critSeconds: 300,
    },
  },
  evaluate({ senders, local }, ctx) {
    const t = ctx.thresholds;
    const self = local[0];
    if (!self) return { skipped: { en: 'the server did not report its recovery state', zh: '服务器未返回其恢复状态' } };
    const findings: FindingDraft[] = [];

    const standbys = senders.filter((s) => s.state !== 'backup');
    for (const s of standbys) {
      const object = s.application_name || s.client_addr || 'unnamed standby';
      const evidence = [{ ...s }];
      if (s.state !== 'streaming') {
        findings.push({
          severity: 'warning',
          object,
          message: {
            en: `standby ${object} (${s.client_addr ?? 'local'}) is in state ${s.state ?? 'unknown'}, not streaming`,
            zh: `备库 ${object}（${s.client_addr ?? '本地'}）处于 ${s.state ?? '未知'} 状态，而非 streaming`,
          },
          value: s.state ?? 'unknown',
          threshold: 'streaming',
          evidence,
        });
        continue;
      }
      const verdict = judgeLag(s.lag_bytes, s.replay_lag_seconds, t);
      if (!verdict) continue;
      const lag = describeLag(s.lag_bytes, s.replay_lag_seconds);
      findings.push({
        severity: verdict.severity,
        object,
        message: {
          en: `standby ${object} (${s.client_addr ?? 'local'}, ${s.sync_state ?? 'async'}) replays ${lag.en} behind (${verdict.reason.en})`,
          zh: `备库 ${object}（${s.client_addr ?? '本地'}，${s.sync_state ?? 'async'}）回放落后 ${lag.zh}（${verdict.reason.zh}）`,
        },
        value: verdict.value,
        threshold: verdict.threshold,
        evidence,
      });
    }

    // The list is usually set for a whole business; a standby with no walsenders of its own is a leaf, not the node
    // those standbys connect to (a cascading standby, which has senders, is still held to it).
    const holdsDownstream = !self.in_recovery || standbys.length > 0;
    for (const name of holdsDownstream ? t.expectedStandbys : []) {
      if (standbys.some((s) => s.application_name === name)) continue;
      findings.push({
        severity: 'critical',
        object: name,
        message: {
          en: `expected standby ${name} is not connected (pg_stat_replication has no walsender for it)`,
          zh: `预期的备库 ${name} 未连接（pg_stat_replication 中没有它的 walsender）`,
        },
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
              ? {
                  en: 'standby has no WAL receiver: it is not streaming from a primary (archive recovery only, or disconnected)',
                  zh: '备库没有 WAL 接收进程：未从主库流式复制（仅靠归档恢复，或已断开）',
                }
              : {
                  en: `standby WAL receiver is ${self.receiver_status}, not streaming`,
                  zh: `备库 WAL 接收进程处于 ${self.receiver_status} 状态，而非 streaming`,
                },
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
        const lag = describeLag(self.replay_backlog_bytes, seconds);
        findings.push({
          severity: verdict.severity,
          object: ctx.instance.name,
          message: {
            en: `standby replay is ${lag.en} behind what it received${self.sender_host ? ` from ${self.sender_host}` : ''} (${verdict.reason.en})`,
            zh: `备库回放落后于${self.sender_host ? `从 ${self.sender_host} ` : ''}已接收的 WAL ${lag.zh}（${verdict.reason.zh}）`,
          },
          value: verdict.value,
          threshold: verdict.threshold,
          evidence,
        });
      }
    }
    return findings;
  },
});
