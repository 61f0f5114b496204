import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { byName, isOn, NO_SETTINGS, settingFinding, settingsEvidence, settingsQuery } from './pg-settings.js';

const NAMES = [
  'fsync',
  'full_page_writes',
  'synchronous_commit',
  'wal_level',
  'data_checksums',
  'archive_mode',
] as const;

export const postgresDurabilitySettings = defineCheck({
  id: 'postgres.durability-settings',
  catalogRef: 'PG-M02',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Durability and recoverability settings', zh: '持久性与可恢复性参数' },
  description: {
    en: 'fsync = off is critical: an operating system crash or power loss can corrupt the whole cluster, not only lose recent transactions. full_page_writes = off (torn pages cannot be repaired after a crash), synchronous_commit = off or local (committed transactions can be lost in a crash, or on failover to a synchronous standby), wal_level = minimal (no archiving, no replication, no point-in-time recovery) and data checksums disabled (corrupted pages go undetected; the severity can be lowered to info) are warnings. archive_mode is graded by the daily WAL archiving check (postgres.wal-archiving, PG-D08) and only shown here as evidence.',
    zh: 'fsync = off 报告为严重：操作系统崩溃或掉电可能损坏整个集群，而不只是丢失最近的事务。full_page_writes = off（崩溃后无法修复部分写入的页）、synchronous_commit = off 或 local（崩溃时可能丢失已提交事务，或切换到同步备库后丢失）、wal_level = minimal（无法归档、复制或按时间点恢复）以及未启用数据页校验（损坏的页无法被发现；其级别可调低为提示）报告为警告。archive_mode 由每日 WAL 归档检查（postgres.wal-archiving，PG-D08）评估，此处只作为证据列出。',
  },
  remediation: {
    en: 'Set fsync = on and full_page_writes = on (reload) and never turn them off on a server whose data matters; set synchronous_commit = on (or remote_apply / remote_write with synchronous standbys) unless losing the last transactions is accepted; wal_level = replica or logical needs a restart. Data checksums: pg_checksums --enable on the stopped cluster (PostgreSQL 12+), or initdb --data-checksums for a new cluster restored from a logical dump.',
    zh: '设置 fsync = on 和 full_page_writes = on（重新加载即可），数据重要的实例上切勿关闭；除非可以接受丢失最后的事务，否则设置 synchronous_commit = on（有同步备库时可用 remote_apply / remote_write）；wal_level = replica 或 logical 需要重启。数据页校验：在停止的集群上执行 pg_checksums --enable（PostgreSQL 12 及以上），或用 initdb --data-checksums 新建集群并从逻辑备份恢复。',
  },
  queries: { settings: settingsQuery(NAMES) },
  thresholds: {
    schema: z.object({
      /** Severity of data checksums disabled: a warning, or info where checksums are knowingly not used. */
      dataChecksumsOff: z.enum(['info', 'warning']),
    }),
    defaults: { dataChecksumsOff: 'warning' as const },
  },
  evaluate({ settings }, ctx) {
    if (settings.length === 0) return { skipped: NO_SETTINGS };
    const s = byName(settings);
    const evidence = settingsEvidence(NAMES.map((n) => s.get(n)));
    const findings: FindingDraft[] = [];
    const flag = (name: string, bad: (v: string) => boolean, severity: FindingDraft['severity'], why: Texts) => {
      const row = s.get(name);
      if (!row || row.setting === null || !bad(row.setting)) return;
      findings.push(
        settingFinding(
          severity,
          row,
          { en: `${name} = ${row.setting}: ${why.en}`, zh: `${name} = ${row.setting}：${why.zh}` },
          { evidence },
        ),
      );
    };
    flag('fsync', (v) => !isOn(v), 'critical', {
      en: 'writes are not flushed to disk; an operating system crash or power loss can corrupt the whole cluster',
      zh: '写入不会刷到磁盘；操作系统崩溃或掉电可能损坏整个集群',
    });
    flag('full_page_writes', (v) => !isOn(v), 'warning', {
      en: 'a page partly written during a crash (torn page) cannot be repaired from WAL',
      zh: '崩溃时部分写入的页（torn page）无法通过 WAL 修复',
    });
    flag('synchronous_commit', (v) => v === 'off' || v === 'local', 'warning', {
      en: 'a commit returns before its WAL is safe (off: on local disk; local: on the synchronous standbys), so committed transactions can be lost in a crash or failover',
      zh: '提交在其 WAL 落盘之前即返回（off：本地磁盘；local：同步备库），崩溃或主备切换时可能丢失已提交事务',
    });
    flag('wal_level', (v) => v === 'minimal', 'warning', {
      en: 'WAL lacks what archiving, streaming replication and point-in-time recovery need',
      zh: 'WAL 不包含归档、流复制和按时间点恢复所需的信息',
    });
    flag('data_checksums', (v) => !isOn(v), ctx.thresholds.dataChecksumsOff, {
      en: 'data pages carry no checksum, so corruption by storage or memory is not detected when the page is read',
      zh: '数据页没有校验和，存储或内存导致的损坏在读取该页时无法被发现',
    });
    return findings;
  },
});
