import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade, thresholdText } from '../../grading.js';

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

const CURRENT_LSN = `CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END`;
const COMMON = `slot_name, slot_type, database, active,
  pg_wal_lsn_diff(${CURRENT_LSN}, restart_lsn)::bigint AS retained_bytes,
  pg_size_bytes(current_setting('max_wal_size')) AS max_wal_size_bytes`;
const TAIL = `FROM pg_replication_slots ORDER BY slot_name LIMIT 500`;
/** max_slot_wal_keep_size in bytes, -1 when unlimited (setting in MB, PostgreSQL 13+). */
const KEEP = `(SELECT CASE WHEN setting::bigint < 0 THEN -1 ELSE setting::bigint * 1024 * 1024 END FROM pg_settings WHERE name = 'max_slot_wal_keep_size') AS keep_size_bytes`;

export const postgresReplicationSlots = defineCheck({
  id: 'postgres.replication-slots',
  catalogRef: 'PG-D04',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'replication',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Inactive replication slots retaining WAL, lost slots', zh: '保留 WAL 的不活跃复制槽与已失效的复制槽' },
  description: {
    en: 'Replication slots nobody consumes keep every WAL segment since their restart_lsn, until pg_wal fills the disk. Every inactive slot is reported: info while it retains at most a multiple of max_wal_size, a warning above; critical for slots close to max_slot_wal_keep_size, whose WAL is about to be removed (wal_status unreserved) or already lost or invalidated (PostgreSQL 13+).',
    zh: '没有消费者的复制槽会保留自 restart_lsn 以来的全部 WAL，直到 pg_wal 所在磁盘写满。每个不活跃的复制槽都会报告：保留 WAL 不超过 max_wal_size 指定倍数时为提示，超过时为警告；接近 max_slot_wal_keep_size、WAL 即将被删除（wal_status 为 unreserved）或已经丢失或失效的复制槽为严重（PostgreSQL 13 及以上）。',
  },
  remediation: {
    en: "Find the slot's consumer (standby, logical subscriber, CDC tool) and bring it back; if it is gone for good, drop the slot with SELECT pg_drop_replication_slot('<slot>'). A lost slot cannot be recovered: re-create it and re-initialise the consumer (re-clone the standby, re-sync the subscription). Consider max_slot_wal_keep_size to cap the WAL a slot can hold.",
    zh: "找到复制槽的消费者（备库、逻辑订阅端、CDC 工具）并使其恢复；若消费者已永久下线，执行 SELECT pg_drop_replication_slot('<槽名>') 删除复制槽。已丢失的复制槽无法恢复：需重建复制槽并重新初始化消费者（重新搭建备库、重新同步订阅）。可设置 max_slot_wal_keep_size 限制单个复制槽最多保留的 WAL。",
  },
  queries: {
    main: {
      sql: [
        {
          since: 0,
          sql: `SELECT ${COMMON}, NULL::text AS wal_status, NULL::text AS invalidation_reason, NULL::timestamptz AS inactive_since,
  -1::bigint AS keep_size_bytes
${TAIL}`,
        },
        {
          since: 130000,
          sql: `SELECT ${COMMON}, wal_status, NULL::text AS invalidation_reason, NULL::timestamptz AS inactive_since, ${KEEP}
${TAIL}`,
        },
        {
          since: 160000,
          sql: `SELECT ${COMMON}, wal_status, CASE WHEN conflicting THEN 'conflicting' END AS invalidation_reason, NULL::timestamptz AS inactive_since, ${KEEP}
${TAIL}`,
        },
        {
          since: 170000,
          sql: `SELECT ${COMMON}, wal_status, invalidation_reason, inactive_since, ${KEEP}
${TAIL}`,
        },
      ],
      row: z.object({
        slot_name: z.string(),
        slot_type: z.string(),
        database: z.string().nullable(),
        active: z.boolean(),
        retained_bytes: z.coerce.number().nullable(),
        max_wal_size_bytes: z.coerce.number(),
        wal_status: z.string().nullable(),
        invalidation_reason: z.string().nullable(),
        inactive_since: z.coerce.date().nullable(),
        keep_size_bytes: z.coerce.number().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      /**
       * Every inactive slot is reported: info while it retains at most this multiple of max_wal_size, a warning above.
       */
      warnRatio: z.number().nonnegative(),
      /** A slot retaining this share of max_slot_wal_keep_size (when set) is critical: it is about to be lost. */
      critKeepSizePercent: z.number().min(0).max(100),
    }),
    defaults: { warnRatio: 1, critKeepSizePercent: 90 },
  },
  evaluate({ main }, ctx) {
    const findings: FindingDraft[] = [];
    for (const s of main) {
      const kind: Texts =
        s.slot_type === 'logical' && s.database
          ? { en: `logical slot (database ${s.database})`, zh: `逻辑复制槽（数据库 ${s.database}）` }
          : { en: `${s.slot_type} slot`, zh: s.slot_type === 'physical' ? '物理复制槽' : `${s.slot_type} 复制槽` };
      const evidence = [
        {
          slot_name: s.slot_name,
          slot_type: s.slot_type,
          database: s.database,
          active: s.active,
          wal_status: s.wal_status,
          retained_bytes: s.retained_bytes,
          max_wal_size_bytes: s.max_wal_size_bytes,
          invalidation_reason: s.invalidation_reason,
          inactive_since: s.inactive_since?.toISOString() ?? null,
        },
      ];
      if (s.wal_status === 'lost' || s.invalidation_reason) {
        findings.push({
          severity: 'critical',
          object: s.slot_name,
          message: {
            en: `${kind.en} ${s.slot_name} is invalidated (${s.wal_status === 'lost' ? 'wal_status lost: required WAL was removed' : s.invalidation_reason}); its consumer can no longer continue from it`,
            zh: `${kind.zh} ${s.slot_name} 已失效（${s.wal_status === 'lost' ? 'wal_status 为 lost：所需的 WAL 已被删除' : s.invalidation_reason}）；其消费端已无法从该槽继续`,
          },
          value: s.invalidation_reason ?? 'lost',
          evidence,
        });
        continue;
      }
      if (s.wal_status === 'unreserved') {
        findings.push({
          severity: 'critical',
          object: s.slot_name,
          message: {
            en: `${kind.en} ${s.slot_name} has wal_status unreserved: WAL it still needs will be removed at the next checkpoint (max_slot_wal_keep_size exceeded)`,
            zh: `${kind.zh} ${s.slot_name} 的 wal_status 为 unreserved：它仍需要的 WAL 将在下一次检查点时被删除（已超过 max_slot_wal_keep_size）`,
          },
          value: 'unreserved',
          evidence,
        });
        continue;
      }
      const keep = s.keep_size_bytes !== null && s.keep_size_bytes > 0 ? s.keep_size_bytes : null;
      if (keep !== null && s.retained_bytes !== null) {
        const near = grade(s.retained_bytes, { crit: (ctx.thresholds.critKeepSizePercent / 100) * keep });
        if (near) {
          const limit = thresholdText(
            `${mib(near.limit)} = ${ctx.thresholds.critKeepSizePercent} % × max_slot_wal_keep_size`,
          );
          findings.push({
            severity: 'critical',
            object: s.slot_name,
            message: {
              en: `${s.active ? '' : 'inactive '}${kind.en} ${s.slot_name} retains ${mib(s.retained_bytes)} of WAL, close to max_slot_wal_keep_size ${mib(keep)}: it will be invalidated (lost) soon (${limit.en})`,
              zh: `${s.active ? '' : '不活跃的'}${kind.zh} ${s.slot_name} 保留了 ${mib(s.retained_bytes)} 的 WAL，接近 max_slot_wal_keep_size ${mib(keep)}：即将失效（lost）（${limit.zh}）`,
            },
            value: s.retained_bytes,
            threshold: near.limit,
            evidence,
          });
          continue;
        }
      }
      if (s.active) continue;
      const at = s.inactive_since?.toISOString();
      if (s.retained_bytes === null) {
        findings.push({
          severity: 'info',
          object: s.slot_name,
          message: {
            en: `inactive ${kind.en} ${s.slot_name} has no consumer and reserves no WAL yet${at ? `, inactive since ${at}` : ''}; it will start retaining WAL once used`,
            zh: `不活跃的${kind.zh} ${s.slot_name} 没有消费者，尚未保留 WAL${at ? `，自 ${at} 起不活跃` : ''}；一旦被使用就会开始保留 WAL`,
          },
          evidence,
        });
        continue;
      }
      const ratio = ctx.thresholds.warnRatio;
      const g = grade(s.retained_bytes, { warn: ratio * s.max_wal_size_bytes }, { inclusive: false });
      const limit = thresholdText(`${mib(ratio * s.max_wal_size_bytes)} = ${ratio} × max_wal_size`);
      findings.push({
        severity: g ? g.severity : 'info',
        object: s.slot_name,
        message: {
          en: `inactive ${kind.en} ${s.slot_name} retains ${mib(s.retained_bytes)} of WAL${at ? `, inactive since ${at}` : ''} (${limit.en})`,
          zh: `不活跃的${kind.zh} ${s.slot_name} 保留了 ${mib(s.retained_bytes)} 的 WAL${at ? `，自 ${at} 起不活跃` : ''}（${limit.zh}）`,
        },
        value: s.retained_bytes,
        threshold: ratio * s.max_wal_size_bytes,
        evidence,
      });
    }
    return findings;
  },
});
