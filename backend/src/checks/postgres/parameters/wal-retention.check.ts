import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { byName, settingBytes, settingRow, settingsEvidence, settingsSql, shown } from './pg-settings.js';

/** PostgreSQL 12 keeps WAL for wal_keep_segments × wal_segment_size and has no limit on what slots retain. */
const NAMES_12 = ['wal_keep_segments', 'wal_segment_size'] as const;
/** PostgreSQL 13+ bounds what slots retain with max_slot_wal_keep_size (-1 = unlimited). */
const NAMES_13 = ['max_slot_wal_keep_size', 'wal_keep_size', 'wal_segment_size'] as const;

/** The current WAL position on a primary, the replayed one on a standby (pg_current_wal_lsn fails in recovery). */
const LSN = 'CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END';
const slotsSql = (walStatus: string) => `SELECT slot_name, slot_type, active, ${walStatus},
  pg_wal_lsn_diff(${LSN}, restart_lsn)::bigint AS retained_bytes
FROM pg_replication_slots ORDER BY slot_name LIMIT 100`;

export const postgresWalRetention = defineCheck({
  id: 'postgres.wal-retention',
  catalogRef: 'PG-M08',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Unlimited WAL retention risk', zh: 'WAL 无限保留风险' },
  description: {
    en: 'A replication slot keeps every WAL segment its consumer has not confirmed. With max_slot_wal_keep_size = -1 (the default, unlimited), one abandoned or lagging slot can fill the pg_wal filesystem and stop the server; with a limit, the slot is invalidated instead. Slots present with no limit are a warning; PostgreSQL 12 has no such limit at all, so slots there are a warning naming the upgrade. How much each slot retains now is evidence; postgres.replication-slots (PG-D04) grades that daily.',
    zh: '复制槽会保留其消费端尚未确认的所有 WAL 段。max_slot_wal_keep_size = -1（默认值，不限制）时，一个被遗弃或滞后的复制槽就可能写满 pg_wal 所在文件系统并使实例停止；设置上限后，超限的复制槽会被置为失效。存在复制槽且未设上限报告为警告；PostgreSQL 12 完全没有该上限，因此其上存在复制槽报告为警告并提示升级。各复制槽当前保留的 WAL 量作为证据列出；每日由 postgres.replication-slots（PG-D04）评估。',
  },
  remediation: {
    en: 'Set max_slot_wal_keep_size (reload) to what the pg_wal filesystem can hold with a margin, e.g. 50-80 % of its free space, and monitor slots (wal_status, safe_wal_size in pg_replication_slots); drop slots nobody consumes (SELECT pg_drop_replication_slot(name)). On PostgreSQL 12, upgrade to 13 or later, or watch the slots closely.',
    zh: '设置 max_slot_wal_keep_size（重新加载即可）为 pg_wal 所在文件系统留有余量时可容纳的大小，如其可用空间的 50%–80%，并监控复制槽（pg_replication_slots 中的 wal_status、safe_wal_size）；删除无人消费的复制槽（SELECT pg_drop_replication_slot(name)）。PostgreSQL 12 上请升级到 13 或更高版本，或密切监控复制槽。',
  },
  queries: {
    settings: {
      sql: [
        { since: 0, sql: settingsSql(NAMES_12) },
        { since: 130000, sql: settingsSql(NAMES_13) },
      ],
      row: settingRow,
    },
    slots: {
      sql: [
        { since: 0, sql: slotsSql('NULL::text AS wal_status') },
        { since: 130000, sql: slotsSql('wal_status') },
      ],
      row: z.object({
        slot_name: z.string(),
        slot_type: z.string().nullable(),
        active: z.boolean().nullable(),
        wal_status: z.string().nullable(),
        retained_bytes: z.coerce.number().nullable(),
      }),
    },
  },
  thresholds: { schema: z.object({ ignoreSlots: z.array(z.string()) }), defaults: { ignoreSlots: [] } },
  evaluate({ settings, slots }, ctx) {
    const s = byName(settings);
    const ignored = new Set(ctx.thresholds.ignoreSlots);
    const mine = slots.filter((x) => !ignored.has(x.slot_name));
    if (mine.length === 0) return [];
    const names = mine.map((x) => x.slot_name);
    const list = names.slice(0, 10).join(', ') + (names.length > 10 ? ', …' : '');
    const evidence: Record<string, unknown>[] = [
      ...settingsEvidence([...s.values()]),
      ...mine.slice(0, 15).map((x) => ({
        slot: x.slot_name,
        type: x.slot_type,
        active: x.active,
        wal_status: x.wal_status,
        retained: x.retained_bytes === null ? null : formatBytes(Math.max(0, x.retained_bytes)),
      })),
    ];
    const findings: FindingDraft[] = [];
    const limit = s.get('max_slot_wal_keep_size');
    if (!limit) {
      if (ctx.server.versionNum >= 130000) return [];
      const keep = settingBytes(s.get('wal_segment_size'));
      const segments = Number(s.get('wal_keep_segments')?.setting ?? NaN);
      const kept =
        keep !== null && Number.isFinite(segments)
          ? {
              en: `; wal_keep_segments = ${segments} keeps ${formatBytes(segments * keep)} besides`,
              zh: `；另外 wal_keep_segments = ${segments} 保留 ${formatBytes(segments * keep)}`,
            }
          : { en: '', zh: '' };
      findings.push({
        severity: 'warning',
        object: names.length === 1 ? names[0]! : 'pg_replication_slots',
        message: {
          en: `${mine.length} replication slot(s) (${list}) retain WAL without any limit: PostgreSQL 12 has no max_slot_wal_keep_size, so a stalled consumer can fill pg_wal${kept.en}`,
          zh: `${mine.length} 个复制槽（${list}）无上限地保留 WAL：PostgreSQL 12 没有 max_slot_wal_keep_size，消费端停滞即可能写满 pg_wal${kept.zh}`,
        },
        value: mine.length,
        evidence,
      });
      return findings;
    }
    if (limit.setting === '-1') {
      findings.push({
        severity: 'warning',
        object: 'max_slot_wal_keep_size',
        message: {
          en: `max_slot_wal_keep_size = -1 (unlimited) with ${mine.length} replication slot(s) (${list}): a stalled or abandoned consumer retains WAL until pg_wal is full and the server stops`,
          zh: `max_slot_wal_keep_size = -1（不限制），且存在 ${mine.length} 个复制槽（${list}）：消费端停滞或被遗弃时会一直保留 WAL，直至 pg_wal 写满、实例停止`,
        },
        value: shown(limit),
        evidence,
      });
    }
    return findings;
  },
});
