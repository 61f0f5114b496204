import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import type { FindingDraft, Texts } from '../../check.types.js';
import {
  channelObject,
  describeChannel,
  NOT_A_REPLICA,
  REPLICA_STATUS_SQL,
  replicaChannelRow,
} from './replica-status.js';
import type { ReplicaChannel } from './replica-status.js';

const lastErrors = (c: ReplicaChannel): Texts[] => [
  ...(c.lastIoErrno
    ? [
        {
          en: `last IO error ${c.lastIoErrno}: ${c.lastIoError}`,
          zh: `最近的 IO 错误 ${c.lastIoErrno}：${c.lastIoError}`,
        },
      ]
    : []),
  ...(c.lastSqlErrno
    ? [
        {
          en: `last SQL error ${c.lastSqlErrno}: ${c.lastSqlError}`,
          zh: `最近的 SQL 错误 ${c.lastSqlErrno}：${c.lastSqlError}`,
        },
      ]
    : []),
];

/** Parts joined per language: `a; b` / `a；b`. */
const joined = (parts: readonly Texts[], en: string, zh: string): Texts => ({
  en: parts.map((p) => p.en).join(en),
  zh: parts.map((p) => p.zh).join(zh),
});

const evidenceOf = (c: ReplicaChannel) => ({
  channel: c.channel,
  source: c.sourceHost,
  io_running: c.ioRunning,
  sql_running: c.sqlRunning,
  last_io_errno: c.lastIoErrno,
  last_io_error: c.lastIoError,
  last_sql_errno: c.lastSqlErrno,
  last_sql_error: c.lastSqlError,
  sql_state: c.sqlState,
});

export const mysqlReplicationThreads = defineCheck({
  id: 'mysql.replication-threads',
  catalogRef: 'MY-D03',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'replication',
  tier: 'daily',
  window: 'state',
  scope: 'instance',
  title: { en: 'Replication threads stopped or failing', zh: '复制线程停止或报错' },
  description: {
    en: 'For every replication channel, the IO (receiver) and SQL (applier) threads must both be running; a stopped or connecting thread, or a recorded IO/SQL error, is reported with the error number and text.',
    zh: '对每个复制通道检查 IO（接收）线程和 SQL（应用）线程是否都在运行；线程停止、处于重连状态或记录了 IO/SQL 错误时，报告错误号及错误信息。',
  },
  remediation: {
    en: 'Read Last_IO_Error / Last_SQL_Error, fix the cause (network or credentials to the source, a purged binlog, a conflicting row), then START SLAVE / START REPLICA. Never skip errors blindly: verify the data afterwards (pt-table-checksum).',
    zh: '查看 Last_IO_Error / Last_SQL_Error，排除根因（到主库的网络或账号、binlog 已被清理、数据冲突），再执行 START SLAVE / START REPLICA。不要盲目跳过错误，处理后用 pt-table-checksum 等工具校验数据一致性。',
  },
  queries: { channels: { sql: REPLICA_STATUS_SQL, row: replicaChannelRow } },
  thresholds: { schema: z.object({}), defaults: {} },
  evaluate({ channels }, ctx) {
    if (channels.length === 0) return { skipped: NOT_A_REPLICA };
    const findings: FindingDraft[] = [];
    for (const c of channels) {
      const stopped: Texts[] = [
        ...(c.ioRunning !== 'Yes'
          ? [{ en: `IO thread ${c.ioRunning ?? 'unknown'}`, zh: `IO 线程 ${c.ioRunning ?? '未知'}` }]
          : []),
        ...(c.sqlRunning !== 'Yes'
          ? [{ en: `SQL thread ${c.sqlRunning ?? 'unknown'}`, zh: `SQL 线程 ${c.sqlRunning ?? '未知'}` }]
          : []),
      ];
      const errors = lastErrors(c);
      const errorText = joined(errors, '; ', '；');
      const channel = describeChannel(c);
      if (stopped.length > 0) {
        const threads = joined(stopped, ', ', '，');
        findings.push({
          severity: 'critical',
          object: channelObject(c.channel, ctx.instance.name),
          message: {
            en: `${channel.en} is not running: ${threads.en}${errors.length ? `; ${errorText.en}` : ''}`,
            zh: `${channel.zh}未在运行：${threads.zh}${errors.length ? `；${errorText.zh}` : ''}`,
          },
          evidence: [evidenceOf(c)],
        });
      } else if (errors.length > 0) {
        findings.push({
          severity: 'warning',
          object: channelObject(c.channel, ctx.instance.name),
          message: {
            en: `${channel.en} is running but recorded an error: ${errorText.en}`,
            zh: `${channel.zh}正在运行，但记录了错误：${errorText.zh}`,
          },
          evidence: [evidenceOf(c)],
        });
      }
    }
    return findings;
  },
});
