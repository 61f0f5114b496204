import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { againstThreshold, UNITS } from '../../grading.js';
import { byName, confBytes, NO_SETTINGS, settingBytes, settingsEvidence, settingsQuery, shown } from './pg-settings.js';

const NAMES = [
  'shared_buffers',
  'work_mem',
  'maintenance_work_mem',
  'effective_cache_size',
  'max_connections',
] as const;

/** The compiled-in default of shared_buffers, which initdb writes unless the machine cannot give it. */
const DEFAULT_SHARED_BUFFERS = 128 * 1024 ** 2;

const pct = (part: number, whole: number) => Math.round((1000 * part) / whole) / 10;

export const postgresMemorySettings = defineCheck({
  id: 'postgres.memory-settings',
  catalogRef: 'PG-M03',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Memory settings', zh: '内存参数' },
  description: {
    en: 'shared_buffers left at the 128MB default is informational (it is sized for a small test machine). With the host RAM from the host metrics source: shared_buffers above 40 % of RAM (the rest is needed for the page cache, work_mem and maintenance), work_mem × max_connections above RAM (concurrent sorts and hashes can exhaust memory; each query may use several times work_mem) and effective_cache_size above RAM (the planner assumes a cache the host does not have) are warnings. Without a host metrics source the RAM is unknown: the report says so and grades only what does not need it.',
    zh: 'shared_buffers 保持默认 128MB 报告为提示（该默认值按小型测试机设定）。从主机指标来源获得主机内存后：shared_buffers 超过内存的 40%（其余内存需用于页缓存、work_mem 和维护操作）、work_mem × max_connections 超过内存（并发排序和哈希可能耗尽内存；单个查询可能使用数倍 work_mem）、effective_cache_size 超过内存（优化器假设了主机并不存在的缓存）报告为警告。未配置主机指标来源时内存未知：报告会注明，并只评估不依赖内存的项目。',
  },
  remediation: {
    en: 'Size shared_buffers to about 25 % of RAM (restart), effective_cache_size to about 50-75 % of RAM (reload), and keep work_mem × max_connections within RAM: lower work_mem globally and raise it per role or session for the reports that need it, or lower max_connections behind a connection pooler. Configure a host metrics source (Prometheus over node_exporter) so RAM can be compared.',
    zh: 'shared_buffers 设为内存的约 25%（需重启），effective_cache_size 设为内存的约 50%–75%（重新加载即可），并让 work_mem × max_connections 不超过内存：全局调小 work_mem，为需要的报表按角色或会话调大，或在连接池之后调小 max_connections。配置主机指标来源（Prometheus + node_exporter）以便与内存比较。',
  },
  queries: { settings: settingsQuery(NAMES) },
  thresholds: {
    schema: z.object({
      warnSharedBuffersPercent: z.number().positive(),
      /** work_mem × max_connections as a share of RAM. */
      warnWorkMemPercent: z.number().positive(),
      warnEffectiveCachePercent: z.number().positive(),
    }),
    defaults: { warnSharedBuffersPercent: 40, warnWorkMemPercent: 100, warnEffectiveCachePercent: 100 },
  },
  evaluate({ settings }, ctx) {
    if (settings.length === 0) return { skipped: NO_SETTINGS };
    const t = ctx.thresholds;
    const s = byName(settings);
    const evidence = settingsEvidence(NAMES.map((n) => s.get(n)));
    const findings: FindingDraft[] = [];
    const sharedBuffers = settingBytes(s.get('shared_buffers'));
    const workMem = settingBytes(s.get('work_mem'));
    const effectiveCache = settingBytes(s.get('effective_cache_size'));
    const maxConnections = Number(s.get('max_connections')?.setting ?? NaN);
    const facts = ctx.hostMetrics && 'facts' in ctx.hostMetrics ? ctx.hostMetrics.facts : undefined;
    const ram = facts?.memTotalBytes && facts.memTotalBytes > 0 ? facts.memTotalBytes : undefined;
    const ramText = ram ? ` (RAM ${formatBytes(ram)})` : '';

    if (sharedBuffers === DEFAULT_SHARED_BUFFERS) {
      findings.push({
        severity: 'info',
        object: 'shared_buffers',
        message: {
          en: `shared_buffers = 128MB, the compiled-in default sized for a small test machine${ramText}; a production server usually gives it about 25 % of RAM`,
          zh: `shared_buffers = 128MB，为按小型测试机设定的编译默认值${ram ? `（内存 ${formatBytes(ram)}）` : ''}；生产实例通常分配约 25% 的内存`,
        },
        value: '128MB',
        evidence,
      });
    }
    if (ram === undefined) {
      const why: Texts = !ctx.hostMetrics
        ? { en: 'no host metrics source is configured', zh: '未配置主机指标来源' }
        : 'skipped' in ctx.hostMetrics
          ? ctx.hostMetrics.skipped
          : { en: 'the host metrics source has no MemTotal', zh: '主机指标来源中没有 MemTotal' };
      findings.push({
        severity: 'info',
        object: 'RAM',
        message: {
          en: `host RAM unknown (${why.en}): shared_buffers = ${shown(s.get('shared_buffers'))}, work_mem = ${shown(s.get('work_mem'))} × max_connections = ${s.get('max_connections')?.setting ?? '?'} and effective_cache_size = ${shown(s.get('effective_cache_size'))} were not compared with RAM`,
          zh: `主机内存未知（${why.zh}）：shared_buffers = ${shown(s.get('shared_buffers'))}、work_mem = ${shown(s.get('work_mem'))} × max_connections = ${s.get('max_connections')?.setting ?? '?'} 以及 effective_cache_size = ${shown(s.get('effective_cache_size'))} 未与内存比较`,
        },
        evidence,
      });
      return findings;
    }
    const share = (
      object: string,
      bytes: number | null,
      limitPercent: number,
      what: Texts,
      why: Texts,
      value: string,
    ): void => {
      if (bytes === null) return;
      const p = pct(bytes, ram);
      if (!(p > limitPercent)) return;
      const against = againstThreshold(p, limitPercent, UNITS.percent);
      findings.push({
        severity: 'warning',
        object,
        message: {
          en: `${what.en} = ${confBytes(bytes)} is ${against.en} of RAM ${formatBytes(ram)}: ${why.en}`,
          zh: `${what.zh} = ${confBytes(bytes)}，占内存 ${formatBytes(ram)} 的 ${against.zh}：${why.zh}`,
        },
        value,
        threshold: limitPercent,
        evidence,
      });
    };
    share(
      'shared_buffers',
      sharedBuffers,
      t.warnSharedBuffersPercent,
      { en: 'shared_buffers', zh: 'shared_buffers' },
      {
        en: 'too little is left for the page cache, work_mem and maintenance; the host may swap or the OOM killer may end the server',
        zh: '留给页缓存、work_mem 和维护操作的内存过少；主机可能使用交换空间，或 OOM killer 终止实例',
      },
      shown(s.get('shared_buffers')),
    );
    if (workMem !== null && Number.isFinite(maxConnections) && maxConnections > 0) {
      share(
        'work_mem',
        workMem * maxConnections,
        t.warnWorkMemPercent,
        {
          en: `work_mem ${shown(s.get('work_mem'))} × max_connections ${maxConnections}`,
          zh: `work_mem ${shown(s.get('work_mem'))} × max_connections ${maxConnections}`,
        },
        {
          en: 'concurrent sorts and hashes can exhaust memory (one query may use several times work_mem)',
          zh: '并发的排序和哈希可能耗尽内存（单个查询可能使用数倍 work_mem）',
        },
        shown(s.get('work_mem')),
      );
    }
    share(
      'effective_cache_size',
      effectiveCache,
      t.warnEffectiveCachePercent,
      { en: 'effective_cache_size', zh: 'effective_cache_size' },
      {
        en: 'the planner assumes a cache larger than the host, and favours index scans that will read from disk',
        zh: '优化器假设了比主机内存更大的缓存，会偏向实际需要读盘的索引扫描',
      },
      shown(s.get('effective_cache_size')),
    );
    return findings;
  },
});
