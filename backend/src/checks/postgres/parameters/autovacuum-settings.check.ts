import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { thresholdText } from '../../grading.js';
import { byName, isOn, NO_SETTINGS, settingFinding, settingsEvidence, settingsQuery } from './pg-settings.js';

/** autovacuum_vacuum_insert_scale_factor exists from PostgreSQL 13; on 12 it is simply absent. */
const SCALE_FACTORS = [
  'autovacuum_vacuum_scale_factor',
  'autovacuum_analyze_scale_factor',
  'autovacuum_vacuum_insert_scale_factor',
] as const;
const NAMES = [
  'autovacuum',
  'track_counts',
  'autovacuum_max_workers',
  'log_autovacuum_min_duration',
  ...SCALE_FACTORS,
] as const;

export const postgresAutovacuumSettings = defineCheck({
  id: 'postgres.autovacuum-settings',
  catalogRef: 'PG-M05',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Autovacuum configuration sanity', zh: '自动清理（autovacuum）配置合理性' },
  description: {
    en: 'autovacuum = off and track_counts = off (without which the launcher has no statistics to act on) are critical: dead rows pile up, tables and indexes bloat, statistics go stale and, in the end, only emergency anti-wraparound vacuums run. log_autovacuum_min_duration = -1 (nothing about autovacuum runs is logged) is informational, as are scale factors far above their defaults (more than 2 times by default), which let large tables go a long time between vacuums. autovacuum_max_workers is shown as evidence. Per-table settings are covered by postgres.autovacuum-lag (PG-W07).',
    zh: 'autovacuum = off 以及 track_counts = off（没有它，autovacuum 启动进程就没有可依据的统计信息）报告为严重：死元组不断堆积，表和索引膨胀，统计信息过时，最终只会运行紧急的防回卷清理。log_autovacuum_min_duration = -1（不记录任何 autovacuum 运行）报告为提示；比默认值高出很多（默认超过 2 倍）的比例因子也报告为提示，因为大表会长时间得不到清理。autovacuum_max_workers 作为证据列出。表级设置由 postgres.autovacuum-lag（PG-W07）检查。',
  },
  remediation: {
    en: 'Set autovacuum = on and track_counts = on (reload); if autovacuum was turned off to avoid I/O, throttle it instead (autovacuum_vacuum_cost_limit / cost_delay) and disable it per table only where justified. Set log_autovacuum_min_duration to e.g. 10s (the PostgreSQL 15 default is 10min) to see slow runs. Put scale factors back near the defaults, and lower them per table for large tables (ALTER TABLE … SET (autovacuum_vacuum_scale_factor = 0.01)).',
    zh: '设置 autovacuum = on 和 track_counts = on（重新加载即可）；若为避免 I/O 而关闭了 autovacuum，应改为限流（autovacuum_vacuum_cost_limit / cost_delay），仅在有充分理由时按表关闭。将 log_autovacuum_min_duration 设为如 10s（PostgreSQL 15 默认 10min），以便看到慢的清理。将比例因子恢复到接近默认值，对大表按表调低（ALTER TABLE … SET (autovacuum_vacuum_scale_factor = 0.01)）。',
  },
  queries: { settings: settingsQuery(NAMES) },
  thresholds: {
    schema: z.object({
      /** A scale factor more than this many times its default is reported. */
      infoScaleFactorRatio: z.number().positive(),
    }),
    defaults: { infoScaleFactorRatio: 2 },
  },
  evaluate({ settings }, ctx) {
    if (settings.length === 0) return { skipped: NO_SETTINGS };
    const s = byName(settings);
    const evidence = settingsEvidence(NAMES.map((n) => s.get(n)));
    const findings: FindingDraft[] = [];
    const autovacuum = s.get('autovacuum');
    if (autovacuum && !isOn(autovacuum.setting)) {
      findings.push(
        settingFinding(
          'critical',
          autovacuum,
          {
            en: 'autovacuum = off: dead rows are not cleaned up and statistics not refreshed; tables bloat and only emergency anti-wraparound vacuums still run',
            zh: 'autovacuum = off：死元组不会被清理，统计信息不会刷新；表会膨胀，只有紧急的防回卷清理仍会运行',
          },
          { evidence },
        ),
      );
    }
    const trackCounts = s.get('track_counts');
    if (trackCounts && !isOn(trackCounts.setting)) {
      findings.push(
        settingFinding(
          'critical',
          trackCounts,
          {
            en: 'track_counts = off: no row activity statistics are collected, so autovacuum cannot tell which tables need vacuum or analyze',
            zh: 'track_counts = off：不收集行活动统计信息，autovacuum 无法判断哪些表需要清理或分析',
          },
          { evidence },
        ),
      );
    }
    const logging = s.get('log_autovacuum_min_duration');
    if (logging && logging.setting === '-1') {
      findings.push(
        settingFinding(
          'info',
          logging,
          {
            en: 'log_autovacuum_min_duration = -1: autovacuum runs are never logged, so slow or cancelled runs go unseen',
            zh: 'log_autovacuum_min_duration = -1：从不记录 autovacuum 运行，慢的或被取消的清理无从发现',
          },
          { evidence },
        ),
      );
    }
    const ratio = ctx.thresholds.infoScaleFactorRatio;
    for (const name of SCALE_FACTORS) {
      const row = s.get(name);
      const value = Number(row?.setting ?? NaN);
      const fallback = Number(row?.boot_val ?? NaN);
      if (!row || !Number.isFinite(value) || !Number.isFinite(fallback) || fallback <= 0) continue;
      if (!(value > fallback * ratio)) continue;
      const times = Math.round((10 * value) / fallback) / 10;
      const limit = thresholdText(`${ratio}×`);
      findings.push(
        settingFinding(
          'info',
          row,
          {
            en: `${name} = ${row.setting} is ${times} times the default ${row.boot_val} (${limit.en}): a table is vacuumed or analyzed only after that share of its rows changed, so large tables wait long`,
            zh: `${name} = ${row.setting}，是默认值 ${row.boot_val} 的 ${times} 倍（${limit.zh}）：表中变化的行达到该比例才会被清理或分析，大表要等很久`,
          },
          { value: Number(row.setting), threshold: ratio, evidence },
        ),
      );
    }
    return findings;
  },
});
