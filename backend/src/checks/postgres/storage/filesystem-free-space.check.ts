import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { FILESYSTEM_THRESHOLDS, filesystemFindings, NO_HOST_METRICS } from './host-metrics.js';

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
    en: 'Free space, free inodes and days to full (predict_linear over the window) of the filesystems holding data_directory and pg_wal, from the host metrics source (Prometheus over node_exporter, DBPATROL_PROMETHEUS_URL). SQL cannot see them (short of untrusted PL/Python), so without a source the check is skipped. Reading data_directory needs superuser or pg_read_all_settings.',
    zh: '检查 data_directory 和 pg_wal 所在文件系统的剩余空间、剩余 inode 以及按窗口内趋势（predict_linear）预计写满的天数，数据来自主机指标来源（Prometheus + node_exporter，DBPATROL_PROMETHEUS_URL）。SQL 无法获取这些信息（除非使用不受信任的 PL/Python），未配置来源时跳过本检查。读取 data_directory 需要超级用户或 pg_read_all_settings。',
  },
  remediation: {
    en: 'Free or add space before PostgreSQL hits ENOSPC (a full pg_wal stops the server): remove old logs and backups from the volume, drop stale replication slots, fix WAL archiving, then extend the filesystem.',
    zh: '在 PostgreSQL 遇到磁盘写满（pg_wal 写满会导致数据库停止）之前释放或扩充空间：清理该卷上的旧日志和旧备份，删除陈旧的复制槽，修复 WAL 归档，然后扩容文件系统。',
  },
  queries: {
    directories: {
      sql: [
        {
          since: 0,
          sql: "SELECT current_setting('data_directory') AS data_directory, current_setting('data_directory') || '/pg_wal' AS pg_wal",
        },
      ],
      row: z.object({ data_directory: z.string(), pg_wal: z.string() }),
      optional: true,
    },
  },
  thresholds: FILESYSTEM_THRESHOLDS,
  evaluate({ directories }, ctx) {
    if (!ctx.hostMetrics) return { skipped: NO_HOST_METRICS };
    if ('skipped' in ctx.hostMetrics) return { skipped: ctx.hostMetrics.skipped };
    const d = directories[0];
    if (!d) {
      return {
        skipped: {
          en: 'data_directory is not readable: grant pg_read_all_settings to the monitoring role',
          zh: '无法读取 data_directory：请为监控账号授予 pg_read_all_settings',
        },
      };
    }
    return filesystemFindings(
      ctx.hostMetrics.facts,
      [
        { role: 'data_directory', path: d.data_directory },
        { role: 'pg_wal', path: d.pg_wal },
      ],
      ctx.thresholds,
    );
  },
});
