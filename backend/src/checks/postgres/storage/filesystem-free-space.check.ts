import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { NO_HOST_METRICS } from './host-metrics.js';

export const postgresFilesystemFreeSpace = defineCheck({
  id: 'postgres.filesystem-free-space',
  catalogRef: 'PG-D12',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'storage',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Data and WAL filesystem free space', zh: '数据目录与 WAL 所在文件系统剩余空间' },
  description: {
    en: 'Free space of the filesystems holding data_directory and pg_wal. SQL cannot see it (short of untrusted PL/Python), so it needs a host metrics source (node_exporter, an agent or SSH); until one is configured the check is skipped.',
    zh: '检查 data_directory 和 pg_wal 所在文件系统的剩余空间。SQL 无法获取这些信息（除非使用不受信任的 PL/Python），需要主机指标来源（node_exporter、代理程序或 SSH）；未配置来源前本检查跳过。',
  },
  remediation: {
    en: 'Free or add space before PostgreSQL hits ENOSPC (a full pg_wal stops the server): remove old logs and backups from the volume, drop stale replication slots, fix WAL archiving, then extend the filesystem.',
    zh: '在 PostgreSQL 遇到磁盘写满（pg_wal 写满会导致数据库停止）之前释放或扩充空间：清理该卷上的旧日志和旧备份，删除陈旧的复制槽，修复 WAL 归档，然后扩容文件系统。',
  },
  queries: {},
  thresholds: {
    schema: z.object({ warnFreePercent: z.number().min(0).max(100), critFreePercent: z.number().min(0).max(100) }),
    defaults: { warnFreePercent: 20, critFreePercent: 10 },
  },
  applies: () => NO_HOST_METRICS,
  evaluate: () => ({ skipped: NO_HOST_METRICS }),
});
