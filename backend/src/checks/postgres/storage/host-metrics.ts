/** Why host checks are skipped: SQL cannot see the host, and no host metrics source is configured. */
export const NO_HOST_METRICS = { en: 'no host metrics source', zh: '未配置主机指标来源' } as const;
export {
  FILESYSTEM_THRESHOLDS,
  filesystemFindings,
  PLATFORM_THRESHOLDS,
  platformFindings,
} from '../../mysql/storage/host-metrics.js';
