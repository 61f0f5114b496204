import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { thresholdText } from '../../grading.js';
import { byName, isOn, settingBytes, settingFinding, settingsEvidence, settingsQuery, shown } from './pg-settings.js';

/** compute_query_id exists from PostgreSQL 14; on 12 and 13 it is simply absent. */
const NAMES = [
  'shared_preload_libraries',
  'track_io_timing',
  'track_activity_query_size',
  'log_min_duration_statement',
  'compute_query_id',
] as const;

/** The extension in the database the inspection connects to (where the statement samples are read). */
const EXTENSION_SQL = `SELECT current_database() AS database,
  (SELECT extversion FROM pg_extension WHERE extname = 'pg_stat_statements') AS version`;

const libraries = (v: string | null | undefined): string[] =>
  (v ?? '')
    .split(',')
    .map((x) => x.trim().replace(/^"|"$/g, '').toLowerCase())
    .filter(Boolean);

export const postgresObservabilityPrerequisites = defineCheck({
  id: 'postgres.observability-prerequisites',
  catalogRef: 'PG-M10',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Observability prerequisites for diagnosis', zh: '诊断所需的可观测性前提' },
  description: {
    en: 'What to enable so that other checks can run fully, each an informational finding naming the setting and the checks that need it: pg_stat_statements in shared_preload_libraries and the extension created in the database DB Patrol connects to (top SQL, PG-A01; per-statement temp spills, PG-A03), compute_query_id not off on PostgreSQL 14+ (pg_stat_statements needs query ids), track_io_timing (I/O time per statement and per database, PG-A01/PG-A02/PG-A04), track_activity_query_size large enough for whole statements (the SQL shown for long transactions and blocked sessions, PG-D06/PG-D07), log_min_duration_statement set (slow statements in the server log), and a host metrics source (filesystem free space PG-D12, memory settings PG-M03, platform status PG-M09).',
    zh: '为使其他检查能够完整运行需要开启的项目，每项报告一条提示，写明参数及依赖它的检查：shared_preload_libraries 包含 pg_stat_statements 且在 DB Patrol 连接的数据库中已创建该扩展（Top SQL，PG-A01；按语句的临时文件溢出，PG-A03）；PostgreSQL 14 及以上 compute_query_id 不为 off（pg_stat_statements 需要查询 ID）；track_io_timing（按语句和按数据库的 I/O 时间，PG-A01/PG-A02/PG-A04）；track_activity_query_size 足以容纳完整语句（长事务和阻塞会话中显示的 SQL，PG-D06/PG-D07）；设置 log_min_duration_statement（服务器日志记录慢语句）；以及主机指标来源（文件系统可用空间 PG-D12、内存参数 PG-M03、平台状态 PG-M09）。',
  },
  remediation: {
    en: "Add pg_stat_statements to shared_preload_libraries (restart) and run CREATE EXTENSION pg_stat_statements in the database DB Patrol connects to; set track_io_timing = on (check the clock overhead with pg_test_timing first), track_activity_query_size = 4096 or more (restart), log_min_duration_statement to e.g. 1000 ms (reload). Configure the instance's host metrics source (Prometheus over node_exporter) in DB Patrol.",
    zh: '将 pg_stat_statements 加入 shared_preload_libraries（需重启），并在 DB Patrol 连接的数据库中执行 CREATE EXTENSION pg_stat_statements；设置 track_io_timing = on（先用 pg_test_timing 确认计时开销）、track_activity_query_size = 4096 或更大（需重启）、log_min_duration_statement 为如 1000 ms（重新加载即可）。在 DB Patrol 中为该实例配置主机指标来源（Prometheus + node_exporter）。',
  },
  queries: {
    settings: settingsQuery(NAMES),
    extension: {
      sql: [{ since: 0, sql: EXTENSION_SQL }],
      row: z.object({ database: z.string(), version: z.string().nullable() }),
    },
  },
  thresholds: {
    schema: z.object({
      /** track_activity_query_size below this is reported (bytes; the server default is 1024). */
      infoQueryTextBytes: z.number().int().positive(),
      /** Report log_min_duration_statement = -1. */
      requireSlowQueryLog: z.boolean(),
    }),
    defaults: { infoQueryTextBytes: 4096, requireSlowQueryLog: true },
  },
  evaluate({ settings, extension }, ctx) {
    const t = ctx.thresholds;
    const s = byName(settings);
    const findings: FindingDraft[] = [];
    const info = (object: string, message: Texts, evidence = settingsEvidence([s.get(object)])) =>
      findings.push({ severity: 'info', object, message, evidence });

    const preload = s.get('shared_preload_libraries');
    const preloaded = libraries(preload?.setting).includes('pg_stat_statements');
    const ext = extension[0];
    if (preload && !preloaded) {
      info('shared_preload_libraries', {
        en: `pg_stat_statements is not in shared_preload_libraries (${preload.setting || 'empty'}): no statement statistics are collected, so the top SQL (PG-A01) and per-statement temp spills (PG-A03) cannot be reported; add it and restart`,
        zh: `shared_preload_libraries（${preload.setting || '空'}）中没有 pg_stat_statements：不收集语句统计信息，无法报告 Top SQL（PG-A01）和按语句的临时文件溢出（PG-A03）；请加入后重启`,
      });
    } else if (ext && ext.version === null) {
      info(
        'pg_stat_statements',
        {
          en: `pg_stat_statements is preloaded but the extension is not created in database ${ext.database}, where DB Patrol reads it: the top SQL (PG-A01) and per-statement temp spills (PG-A03) cannot be reported; run CREATE EXTENSION pg_stat_statements there`,
          zh: `pg_stat_statements 已预加载，但 DB Patrol 读取它的数据库 ${ext.database} 中未创建该扩展：无法报告 Top SQL（PG-A01）和按语句的临时文件溢出（PG-A03）；请在该库执行 CREATE EXTENSION pg_stat_statements`,
        },
        [{ database: ext.database, extension: 'pg_stat_statements', installed: false }],
      );
    }
    const queryId = s.get('compute_query_id');
    if (preloaded && queryId && queryId.setting === 'off') {
      info('compute_query_id', {
        en: 'compute_query_id = off: pg_stat_statements gets no query ids and collects nothing, so the top SQL (PG-A01) stays empty; set it to auto or on',
        zh: 'compute_query_id = off：pg_stat_statements 得不到查询 ID，不收集任何数据，Top SQL（PG-A01）为空；请设为 auto 或 on',
      });
    }
    const io = s.get('track_io_timing');
    if (io && !isOn(io.setting)) {
      info('track_io_timing', {
        en: 'track_io_timing = off: no time is measured for block reads and writes, so statements and databases cannot be ranked by I/O time (PG-A01, PG-A02, PG-A04); turn it on',
        zh: 'track_io_timing = off：不统计块读写耗时，无法按 I/O 时间对语句和数据库排序（PG-A01、PG-A02、PG-A04）；请开启',
      });
    }
    const textSize = s.get('track_activity_query_size');
    const textBytes = settingBytes(textSize);
    if (textSize && textBytes !== null && textBytes < t.infoQueryTextBytes) {
      const limit = thresholdText(formatBytes(t.infoQueryTextBytes));
      findings.push(
        settingFinding(
          'info',
          textSize,
          {
            en: `track_activity_query_size = ${shown(textSize)} (${limit.en}): longer statements are cut off in pg_stat_activity, so long transactions (PG-D06) and blocked sessions (PG-D07) show truncated SQL; raise it (restart)`,
            zh: `track_activity_query_size = ${shown(textSize)}（${limit.zh}）：pg_stat_activity 中较长的语句会被截断，长事务（PG-D06）和阻塞会话（PG-D07）显示的 SQL 不完整；请调大（需重启）`,
          },
          { value: textBytes, threshold: t.infoQueryTextBytes },
        ),
      );
    }
    const slow = s.get('log_min_duration_statement');
    if (t.requireSlowQueryLog && slow && slow.setting === '-1') {
      info('log_min_duration_statement', {
        en: 'log_min_duration_statement = -1: slow statements are not written to the server log, so a slow query seen in the top SQL (PG-A01) or a long transaction (PG-D06) has no logged text, duration or parameters to diagnose it; set it to e.g. 1000 ms',
        zh: 'log_min_duration_statement = -1：慢语句不写入服务器日志，Top SQL（PG-A01）或长事务（PG-D06）中看到的慢查询没有可供诊断的日志文本、耗时和参数；请设为如 1000 ms',
      });
    }
    if (!ctx.hostMetrics || 'skipped' in ctx.hostMetrics) {
      const why: Texts = ctx.hostMetrics
        ? {
            en: `a source is configured but ${ctx.hostMetrics.skipped.en}`,
            zh: `已配置来源，但${ctx.hostMetrics.skipped.zh}`,
          }
        : { en: 'no host metrics source is configured', zh: '未配置主机指标来源' };
      findings.push({
        severity: 'info',
        object: 'host metrics',
        message: {
          en: `${why.en}: filesystem free space (PG-D12), memory settings against RAM (PG-M03) and platform status (PG-M09) cannot be checked; configure Prometheus over node_exporter for the host`,
          zh: `${why.zh}：无法检查文件系统可用空间（PG-D12）、内存参数与内存的比较（PG-M03）和平台状态（PG-M09）；请为该主机配置 Prometheus + node_exporter`,
        },
      });
    }
    return findings;
  },
});
