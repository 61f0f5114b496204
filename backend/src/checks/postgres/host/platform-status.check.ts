import { defineCheck } from '../../define-check.js';
import { NO_HOST_METRICS, PLATFORM_THRESHOLDS, platformFindings } from '../storage/host-metrics.js';

export const postgresPlatformStatus = defineCheck({
  id: 'postgres.platform-status',
  catalogRef: 'PG-M09',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'host',
  tier: 'monthly',
  window: 'trend',
  scope: 'instance',
  title: { en: 'Host/OS platform status', zh: '主机/操作系统平台状态' },
  description: {
    en: 'CPU cores and load, RAM, swap in use, clock offset and NTP sync, kernel and OS release and filesystem types of the host, over the window, from the host metrics source (Prometheus over node_exporter). Skipped without a source.',
    zh: '从主机指标来源（Prometheus + node_exporter）读取窗口内主机的 CPU 核数与负载、内存、交换空间使用、时钟偏差与 NTP 同步、内核与操作系统版本及文件系统类型。未配置来源时跳过。',
  },
  remediation: {
    en: 'Size memory so the server does not swap (lower shared_buffers or work_mem or add RAM, set vm.swappiness low), fix time synchronisation (chrony/ntpd), and move load or add CPU when the load per core stays above 1.',
    zh: '合理规划内存，避免使用交换空间（调小 shared_buffers 或 work_mem 或加内存，调低 vm.swappiness）；修复时间同步（chrony/ntpd）；每核负载长期高于 1 时分流负载或增加 CPU。',
  },
  queries: {},
  thresholds: PLATFORM_THRESHOLDS,
  evaluate(_rows, ctx) {
    if (!ctx.hostMetrics) return { skipped: NO_HOST_METRICS };
    if ('skipped' in ctx.hostMetrics) return { skipped: ctx.hostMetrics.skipped };
    return platformFindings(ctx.hostMetrics.facts, ctx.thresholds);
  },
});
