import { z } from 'zod';
import type { CounterBaseline, FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { atWindowEnd, baselineCoverage, snapshotNotUsed } from '../../format.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import { sinceStatsReset, UNUSABLE_SNAPSHOT } from '../counter-coverage.js';
import { byName, isOn, NO_SETTINGS, settingFinding, settingsEvidence, settingsQuery, shown } from './pg-settings.js';

const NAMES = [
  'max_wal_size',
  'min_wal_size',
  'checkpoint_timeout',
  'checkpoint_completion_target',
  'log_checkpoints',
] as const;

/** The snapshot keys `collect-counters.ts` stores the two counters under. */
const TIMED = 'checkpointer.checkpoints_timed';
const REQUESTED = 'checkpointer.checkpoints_req';

const count = z.coerce.number();

interface Counts {
  timed: number;
  requested: number;
}

/** The checkpoints since the snapshot, or why it cannot be used (missing counters, statistics reset since). */
function windowDelta(
  current: Counts,
  statsReset: Date | null,
  base: CounterBaseline,
): { delta: Counts; before: Counts } | { unusable: Texts } {
  const takenAt = Date.parse(base.takenAt);
  if (!Number.isFinite(takenAt)) return { unusable: UNUSABLE_SNAPSHOT.unreadableTime };
  // The snapshot keeps no stats_reset of its own: a reset after it (and before the end edge) shows in the live one.
  const reset = statsReset?.getTime();
  const endAt = base.end ? Date.parse(base.end.takenAt) : Infinity;
  if (reset !== undefined && reset > takenAt && !(reset > endAt)) return { unusable: UNUSABLE_SNAPSHOT.statsReset };
  const timed = base.counters[TIMED];
  const requested = base.counters[REQUESTED];
  if (timed === undefined) return { unusable: UNUSABLE_SNAPSHOT.lacks(TIMED) };
  if (requested === undefined) return { unusable: UNUSABLE_SNAPSHOT.lacks(REQUESTED) };
  if (current.timed < timed) return { unusable: UNUSABLE_SNAPSHOT.backwards(TIMED) };
  if (current.requested < requested) return { unusable: UNUSABLE_SNAPSHOT.backwards(REQUESTED) };
  return {
    delta: { timed: current.timed - timed, requested: current.requested - requested },
    before: { timed, requested },
  };
}

export const postgresCheckpointSettings = defineCheck({
  id: 'postgres.checkpoint-settings',
  catalogRef: 'PG-M06',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'delta',
  scope: 'instance',
  title: {
    en: 'Checkpoint configuration and requested-checkpoint ratio',
    zh: '检查点配置与请求检查点比例',
  },
  description: {
    en: 'Checkpoints should mostly start on schedule (checkpoint_timeout), not be requested because max_wal_size filled up: requested checkpoints come in bursts, write more full-page images to WAL and cause I/O spikes. Requested checkpoints above 10 % of all checkpoints are a warning naming max_wal_size and checkpoint_timeout (a manual CHECKPOINT, CREATE DATABASE and the start of a base backup count as requested too). The counters (pg_stat_bgwriter up to PostgreSQL 16, pg_stat_checkpointer from 17) are the growth since the stored snapshot at the window start; without a usable snapshot they count since the statistics were last reset, and the report says which. log_checkpoints = off (no checkpoint timing in the log) is informational.',
    zh: '检查点应主要按计划（checkpoint_timeout）触发，而不是因 max_wal_size 写满而被请求：请求检查点往往集中出现，会向 WAL 写入更多整页镜像并造成 I/O 峰值。请求检查点超过全部检查点的 10% 报告为警告，并给出 max_wal_size 和 checkpoint_timeout（手工 CHECKPOINT、CREATE DATABASE 以及基础备份开始时的检查点也计为请求检查点）。计数（PostgreSQL 16 及以下取自 pg_stat_bgwriter，17 起取自 pg_stat_checkpointer）为窗口起点处快照以来的增量；没有可用快照时为自统计信息上次重置以来的累计值，报告中会注明。log_checkpoints = off（日志中没有检查点耗时）报告为提示。',
  },
  remediation: {
    en: 'Raise max_wal_size (reload) so that the WAL written in one checkpoint_timeout fits, typically several GB on a busy server, and keep checkpoint_timeout at 5-30 min with checkpoint_completion_target = 0.9; check that pg_wal has room for it. Turn log_checkpoints on (reload) to see how long checkpoints take and why they start.',
    zh: '调大 max_wal_size（重新加载即可），使一个 checkpoint_timeout 周期内写入的 WAL 能够容纳，繁忙实例上通常为数 GB；checkpoint_timeout 保持在 5–30 分钟，checkpoint_completion_target = 0.9；并确认 pg_wal 所在文件系统有足够空间。开启 log_checkpoints（重新加载即可），以便看到检查点的耗时和触发原因。',
  },
  queries: {
    settings: settingsQuery(NAMES),
    checkpoints: {
      sql: [
        { since: 0, sql: 'SELECT checkpoints_timed, checkpoints_req, stats_reset FROM pg_stat_bgwriter' },
        {
          since: 170000,
          sql: 'SELECT num_timed AS checkpoints_timed, num_requested AS checkpoints_req, stats_reset FROM pg_stat_checkpointer',
        },
      ],
      row: z.object({
        checkpoints_timed: count,
        checkpoints_req: count,
        stats_reset: z.coerce.date().nullable(),
      }),
    },
  },
  thresholds: {
    schema: z.object({
      warnRequestedPercent: z.number().nonnegative(),
      /** Fewer checkpoints than this make the ratio meaningless. */
      minCheckpoints: z.number().int().nonnegative(),
      /** log_checkpoints = off as an info finding. */
      requireLogCheckpoints: z.boolean(),
    }),
    defaults: { warnRequestedPercent: 10, minCheckpoints: 10, requireLogCheckpoints: true },
  },
  evaluate({ settings, checkpoints }, ctx) {
    if (settings.length === 0) return { skipped: NO_SETTINGS };
    const t = ctx.thresholds;
    const s = byName(settings);
    const evidence = settingsEvidence(NAMES.map((n) => s.get(n)));
    const findings: FindingDraft[] = [];
    const row = checkpoints[0];
    if (row) {
      const base = ctx.counterBaseline;
      const current: Counts = {
        timed: atWindowEnd(base, TIMED, row.checkpoints_timed),
        requested: atWindowEnd(base, REQUESTED, row.checkpoints_req),
      };
      const reset = sinceStatsReset(row.stats_reset);
      let since: Texts = { en: `${reset.en}; window start not covered`, zh: `${reset.zh}；未覆盖窗口起点` };
      let d = current;
      let counters: Record<string, unknown> = { ...current, stats_reset: row.stats_reset?.toISOString() ?? null };
      const fromBase = base ? windowDelta(current, row.stats_reset, base) : undefined;
      if (base && fromBase && 'delta' in fromBase) {
        d = fromBase.delta;
        since = baselineCoverage(base);
        counters = { baseline: fromBase.before, current, delta: fromBase.delta };
      } else if (base && fromBase && 'unusable' in fromBase) {
        const skip = snapshotNotUsed(base, fromBase.unusable);
        since = { en: since.en + skip.en, zh: since.zh + skip.zh };
      }
      const total = d.timed + d.requested;
      if (total >= t.minCheckpoints && total > 0) {
        const pct = Math.round((1000 * d.requested) / total) / 10;
        const g = grade(pct, { warn: t.warnRequestedPercent }, { inclusive: false });
        if (g) {
          const limit = thresholdText(g.limit, UNITS.percent);
          const conf = `max_wal_size = ${shown(s.get('max_wal_size'))}, checkpoint_timeout = ${shown(s.get('checkpoint_timeout'))}`;
          findings.push({
            severity: g.severity,
            object: 'max_wal_size',
            message: {
              en: `${d.requested} of ${total} checkpoints (${pct} %) were requested rather than timed (${limit.en}) ${since.en}; WAL filled max_wal_size before checkpoint_timeout ended (${conf}), unless manual CHECKPOINT, CREATE DATABASE or base backups requested them`,
              zh: `${total} 个检查点中有 ${d.requested} 个（${pct}%）为请求触发而非定时触发（${limit.zh}），${since.zh}；WAL 在 checkpoint_timeout 到期前即写满了 max_wal_size（${conf}），除非这些检查点由手工 CHECKPOINT、CREATE DATABASE 或基础备份请求`,
            },
            value: pct,
            threshold: g.limit,
            evidence: [...evidence, { checkpoints: counters }],
          });
        }
      }
    }
    const logCheckpoints = s.get('log_checkpoints');
    if (t.requireLogCheckpoints && logCheckpoints && !isOn(logCheckpoints.setting)) {
      findings.push(
        settingFinding(
          'info',
          logCheckpoints,
          {
            en: 'log_checkpoints = off: the log does not show when checkpoints start, why, or how long they write and sync',
            zh: 'log_checkpoints = off：日志中看不到检查点何时、因何触发，以及写入和同步耗时',
          },
          { evidence },
        ),
      );
    }
    return findings;
  },
});
