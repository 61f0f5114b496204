import { z } from 'zod';
import type { FindingDraft } from '../../check.types.js';
import { defineCheck } from '../../define-check.js';
import { grade } from '../../grading.js';
import { MYSQL_EOL_DATA_AS_OF, MYSQL_RELEASE_SERIES, splitMysqlVersion } from './eol-versions.js';

const DAY_MS = 86_400_000;
const NAMES = { mysql: 'MySQL', mariadb: 'MariaDB' } as const;

export const mysqlVersionEol = defineCheck({
  id: 'mysql.version-eol',
  catalogRef: 'MY-W19',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'security',
  tier: 'weekly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Version end of life; old patch release', zh: '版本已停止支持；补丁版本过旧' },
  description: {
    en: `The server's release series compared with the vendor's end-of-support date (eol-versions.ts, data as of ${MYSQL_EOL_DATA_AS_OF}): past it is a warning, within the notice period informational. A supported series running a patch release at least the threshold number of releases behind the newest one the table knows is a warning too (about one quarterly security release each). Percona Server follows the MySQL series.`,
    zh: `将实例的版本系列与厂商的停止支持日期比较（eol-versions.ts，数据截至 ${MYSQL_EOL_DATA_AS_OF}）：已过期为警告，在提醒期内为提示。仍受支持的系列，若补丁版本比数据表中已知的最新补丁落后达到阈值个版本，也为警告（大致每季度一个安全补丁版本）。Percona Server 按对应的 MySQL 系列判断。`,
  },
  remediation: {
    en: 'Plan an upgrade to a supported long-term series (MySQL 8.4 or 9.7 LTS, MariaDB 10.11 / 11.4 / 11.8 / 12.3) and keep to its latest patch release; test the application and replicas on the new version first.',
    zh: '规划升级到仍受支持的长期版本（MySQL 8.4 或 9.7 LTS，MariaDB 10.11 / 11.4 / 11.8 / 12.3），并保持在该系列最新的补丁版本；先在测试环境和从库上验证应用兼容性。',
  },
  queries: {
    version: {
      sql: [{ since: 0, sql: `SELECT VERSION() AS version, @@version_comment AS comment` }],
      row: z.object({ version: z.string(), comment: z.string().nullable() }),
    },
  },
  thresholds: {
    schema: z.object({
      minEolNoticeDays: z.number().int().nonnegative(),
      warnPatchesBehindCount: z.number().int().positive(),
    }),
    defaults: { minEolNoticeDays: 180, warnPatchesBehindCount: 4 },
  },
  evaluate({ version }, ctx) {
    const { flavor, versionNum } = ctx.server;
    if (flavor === 'postgres')
      return { skipped: { en: 'not a MySQL or MariaDB server', zh: '不是 MySQL 或 MariaDB 实例' } };
    const { series, patch } = splitMysqlVersion(versionNum);
    const name = /percona/i.test(version[0]?.comment ?? '') ? 'Percona Server' : NAMES[flavor];
    const entry = MYSQL_RELEASE_SERIES.find((s) => s.flavor === flavor && s.series === series);
    if (!entry) {
      return {
        skipped: {
          en: `${NAMES[flavor]} ${series} is not in the end-of-life table (eol-versions.ts, data as of ${MYSQL_EOL_DATA_AS_OF})`,
          zh: `${NAMES[flavor]} ${series} 不在停止支持版本表中（eol-versions.ts，数据截至 ${MYSQL_EOL_DATA_AS_OF}）`,
        },
      };
    }
    const estimated = entry.estimated ? ' (estimated from the vendor policy)' : '';
    const estimatedZh = entry.estimated ? '（根据厂商支持策略推算）' : '';
    const end = new Date(`${entry.endOfLife}T00:00:00Z`).getTime() + DAY_MS;
    const days = Math.ceil((end - ctx.now.getTime()) / DAY_MS);
    const evidence = [
      {
        version: ctx.server.versionString,
        series,
        endOfLife: entry.endOfLife,
        newestKnownPatch: `${series}.${entry.latestPatch}`,
        dataAsOf: MYSQL_EOL_DATA_AS_OF,
      },
    ];
    const findings: FindingDraft[] = [];
    if (days <= 0) {
      findings.push({
        severity: 'warning',
        object: ctx.instance.name,
        message: {
          en: `${name} ${ctx.server.version} is end-of-life: series ${series} lost vendor support on ${entry.endOfLife}${estimated}, ${-days} days ago`,
          zh: `${name} ${ctx.server.version} 已停止支持：${series} 系列已于 ${entry.endOfLife}${estimatedZh}结束厂商支持，距今 ${-days} 天`,
        },
        value: -days,
        threshold: 0,
        evidence,
      });
      return findings;
    }
    if (days <= ctx.thresholds.minEolNoticeDays) {
      findings.push({
        severity: 'info',
        object: ctx.instance.name,
        message: {
          en: `${name} series ${series} reaches end of life on ${entry.endOfLife}${estimated}, in ${days} days (notice period ${ctx.thresholds.minEolNoticeDays} days)`,
          zh: `${name} ${series} 系列将于 ${entry.endOfLife}${estimatedZh}停止支持，还剩 ${days} 天（提前提醒期 ${ctx.thresholds.minEolNoticeDays} 天）`,
        },
        value: days,
        threshold: ctx.thresholds.minEolNoticeDays,
        evidence,
      });
    }
    const behind = entry.latestPatch - patch;
    const patchGrade = grade(behind, { warn: ctx.thresholds.warnPatchesBehindCount });
    if (patchGrade) {
      findings.push({
        severity: patchGrade.severity,
        object: ctx.instance.name,
        message: {
          en: `${name} ${ctx.server.version} is ${behind} patch releases behind ${series}.${entry.latestPatch} (the newest known on ${MYSQL_EOL_DATA_AS_OF}); security fixes of those releases are missing`,
          zh: `${name} ${ctx.server.version} 落后 ${series}.${entry.latestPatch}（截至 ${MYSQL_EOL_DATA_AS_OF} 已知的最新版本）${behind} 个补丁版本；缺少这些版本中的安全修复`,
        },
        value: behind,
        threshold: patchGrade.limit,
        evidence,
      });
    }
    return findings;
  },
});
