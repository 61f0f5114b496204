import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { thresholdText, UNITS } from '../../grading.js';
import { POSTGRES_EOL_DATA_AS_OF, POSTGRES_MAJOR_VERSIONS, splitPostgresVersion } from './eol-versions.js';

const DAY_MS = 86_400_000;

export const postgresVersionEol = defineCheck({
  id: 'postgres.version-eol',
  catalogRef: 'PG-W19',
  engine: 'postgres',
  flavors: ['postgres'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'PostgreSQL version end of life', zh: 'PostgreSQL 版本生命周期' },
  description: {
    en: "The server's major version compared with the PostgreSQL project's versioning policy: past its final release it gets no more security fixes; close to it, an upgrade should be planned. Also reports a minor release older than the newest one known to DB Patrol's version table, since minor releases carry the security fixes.",
    zh: '将服务器的大版本与 PostgreSQL 社区的版本策略对照：超过最终版本发布日期后不再提供安全修复；临近该日期时应规划升级。若小版本低于 DB Patrol 版本表中已知的最新小版本，也会报告，因为安全修复随小版本发布。',
  },
  remediation: {
    en: 'Plan a major upgrade (pg_upgrade, or logical replication for minimal downtime) to a supported version, testing extensions and applications first; apply minor releases promptly (binary replacement and restart, after reading the release notes).',
    zh: '规划升级到受支持的大版本（pg_upgrade，或使用逻辑复制以缩短停机时间），事先验证扩展和应用的兼容性；及时安装小版本更新（阅读发布说明后替换二进制并重启即可）。',
  },
  queries: {},
  thresholds: {
    schema: z.object({ infoDays: z.number().int().nonnegative() }),
    defaults: { infoDays: 180 },
  },
  evaluate(_rows, ctx) {
    const { major, minor } = splitPostgresVersion(ctx.server.versionNum);
    const entry = POSTGRES_MAJOR_VERSIONS.find((v) => v.major === major);
    if (!entry) {
      return {
        skipped: {
          en: `PostgreSQL ${major} is not in the version table (data as of ${POSTGRES_EOL_DATA_AS_OF})`,
          zh: `版本表中没有 PostgreSQL ${major}（数据截至 ${POSTGRES_EOL_DATA_AS_OF}）`,
        },
      };
    }
    const findings: FindingDraft[] = [];
    const object = ctx.instance.name;
    const eol = new Date(`${entry.finalRelease}T00:00:00Z`);
    const days = Math.floor((eol.getTime() - ctx.now.getTime()) / DAY_MS);
    if (days < 0) {
      findings.push({
        severity: 'warning',
        object,
        message: {
          en: `PostgreSQL ${ctx.server.version} is end-of-life: ${major} had its final release on ${entry.finalRelease} (${-days} days ago) and gets no more security fixes`,
          zh: `PostgreSQL ${ctx.server.version} 已停止支持：${major} 的最后一个版本发布于 ${entry.finalRelease}（${-days} 天前），此后不再有安全修复`,
        },
        value: ctx.server.version,
        threshold: entry.finalRelease,
      });
    } else if (days <= ctx.thresholds.infoDays) {
      const limit = thresholdText(ctx.thresholds.infoDays, UNITS.days);
      findings.push({
        severity: 'info',
        object,
        message: {
          en: `PostgreSQL ${major} reaches end of life on ${entry.finalRelease}, in ${days} days (${limit.en}): plan the upgrade`,
          zh: `PostgreSQL ${major} 将于 ${entry.finalRelease} 停止支持，还剩 ${days} 天（${limit.zh}）：请规划升级`,
        },
        value: days,
        threshold: ctx.thresholds.infoDays,
      });
    }
    if (minor < entry.latestMinor) {
      findings.push({
        severity: 'info',
        object,
        message: {
          en: `PostgreSQL ${ctx.server.version} is older than ${major}.${entry.latestMinor}, the newest minor release known on ${POSTGRES_EOL_DATA_AS_OF}: security fixes are missing`,
          zh: `PostgreSQL ${ctx.server.version} 低于 ${major}.${entry.latestMinor}（截至 ${POSTGRES_EOL_DATA_AS_OF} 已知的最新小版本）：缺少安全修复`,
        },
        value: ctx.server.version,
        threshold: `${major}.${entry.latestMinor}`,
      });
    }
    return findings;
  },
});
