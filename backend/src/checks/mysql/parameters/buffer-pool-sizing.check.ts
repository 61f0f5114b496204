import { z } from 'zod';
import { defineCheck } from '../../define-check.js';
import { formatBytes } from '../../format.js';
import { thresholdText, UNITS } from '../../grading.js';
import { variablesByName } from '../security/server-variables.js';
import { round } from '../performance/counter-window.js';
import { bytesOf } from './variable-bytes.js';
import { hostRam } from './host-memory.js';
import { globalVariablesQuery } from './settings.js';

const innodbSize = z.object({
  bytes: z.union([z.string(), z.number()]).nullable(),
  tables: z.union([z.string(), z.number()]),
});

export const mysqlBufferPoolSizing = defineCheck({
  id: 'mysql.buffer-pool-sizing',
  catalogRef: 'MY-M03',
  engine: 'mysql',
  flavors: ['mysql', 'mariadb'],
  category: 'parameters',
  tier: 'monthly',
  window: 'state',
  scope: 'instance',
  title: { en: 'Buffer pool sizing', zh: 'InnoDB 缓冲池大小' },
  description: {
    en: 'innodb_buffer_pool_size compared with the data and indexes of all InnoDB tables (information_schema.TABLES) and with the host RAM from the host metrics source. A pool smaller than the data and below infoRamPercent (60 %) of RAM is reported as information (a proposal to grow it on a dedicated host); without RAM it is compared with the data size only and the report says RAM is unknown. A pool larger than warnRamPercent (100 %) of RAM is a warning: the server will swap or be killed.',
    zh: '将 innodb_buffer_pool_size 与所有 InnoDB 表的数据和索引总量（information_schema.TABLES）以及主机指标来源给出的主机内存比较。缓冲池小于数据量且低于内存的 infoRamPercent（60%）时报告为提示（专用主机上建议调大）；没有内存数据时只与数据量比较，并注明内存未知。缓冲池超过内存的 warnRamPercent（100%）时为警告：实例将使用交换空间或被杀掉。',
  },
  remediation: {
    en: 'On a dedicated database host set innodb_buffer_pool_size to about 60–75 % of RAM, or to the data and index size when that is smaller (SET GLOBAL innodb_buffer_pool_size is online on MySQL 5.7+ and MariaDB 10.2+; also in my.cnf). Never above the RAM: leave room for per-connection buffers and the OS.',
    zh: '在专用数据库主机上，将 innodb_buffer_pool_size 设为内存的 60%–75% 左右；若数据和索引总量更小，则设为该总量（MySQL 5.7+、MariaDB 10.2+ 可在线执行 SET GLOBAL innodb_buffer_pool_size，并写入 my.cnf）。不要超过物理内存：需为每连接缓冲和操作系统留出空间。',
  },
  queries: {
    variables: globalVariablesQuery(['innodb_buffer_pool_size']),
    innodb: {
      sql: [
        {
          since: 0,
          sql: "SELECT SUM(DATA_LENGTH + INDEX_LENGTH) AS bytes, COUNT(*) AS tables FROM information_schema.TABLES WHERE ENGINE = 'InnoDB'",
        },
      ],
      row: innodbSize,
    },
  },
  thresholds: {
    schema: z.object({ infoRamPercent: z.number().min(0).max(100), warnRamPercent: z.number().positive() }),
    defaults: { infoRamPercent: 60, warnRamPercent: 100 },
  },
  evaluate({ variables, innodb }, ctx) {
    const pool = bytesOf(variablesByName(variables), 'innodb_buffer_pool_size');
    if (pool === undefined)
      return {
        skipped: { en: 'the server did not report innodb_buffer_pool_size', zh: '实例未返回 innodb_buffer_pool_size' },
      };
    const data = Number(innodb[0]?.bytes ?? 0) || 0;
    const tables = Number(innodb[0]?.tables ?? 0) || 0;
    const ram = hostRam(ctx);
    const { infoRamPercent, warnRamPercent } = ctx.thresholds;
    const evidence = [
      {
        innodb_buffer_pool_size: pool,
        innodb_data_index_bytes: data,
        innodb_tables: tables,
        mem_total_bytes: 'bytes' in ram ? ram.bytes : null,
      },
    ];
    const poolText = `innodb_buffer_pool_size = ${formatBytes(pool)}`;
    const dataText = {
      en: `${formatBytes(data)} of InnoDB data and indexes in ${tables} tables`,
      zh: `${tables} 张 InnoDB 表的数据和索引共 ${formatBytes(data)}`,
    };
    if ('bytes' in ram) {
      const pct = (pool / ram.bytes) * 100;
      const ramText = formatBytes(ram.bytes);
      if (pct > warnRamPercent) {
        const limit = thresholdText(warnRamPercent, UNITS.percent);
        return [
          {
            severity: 'warning',
            object: 'innodb_buffer_pool_size',
            message: {
              en: `${poolText} is ${pct.toFixed(1)} % of the ${ramText} RAM of ${ram.node} (${limit.en}): the server will swap or be killed by the OOM killer`,
              zh: `${poolText}，为主机 ${ram.node} 内存 ${ramText} 的 ${pct.toFixed(1)}%（${limit.zh}）：实例将使用交换空间或被 OOM killer 杀掉`,
            },
            value: round(pct),
            threshold: warnRamPercent,
            evidence,
          },
        ];
      }
      if (pool >= data || pct >= infoRamPercent) return [];
      const proposal = Math.min(data, (ram.bytes * infoRamPercent) / 100);
      const limit = thresholdText(infoRamPercent, UNITS.percent);
      return [
        {
          severity: 'info',
          object: 'innodb_buffer_pool_size',
          message: {
            en: `${poolText} is smaller than the ${dataText.en} and only ${pct.toFixed(1)} % of the ${ramText} RAM of ${ram.node} (${limit.en}); on a dedicated host about ${formatBytes(proposal)} would keep more of the data in memory`,
            zh: `${poolText}，小于 ${dataText.zh}，且只占主机 ${ram.node} 内存 ${ramText} 的 ${pct.toFixed(1)}%（${limit.zh}）；专用主机上可调到约 ${formatBytes(proposal)}，让更多数据留在内存中`,
          },
          value: round(pct),
          threshold: infoRamPercent,
          evidence,
        },
      ];
    }
    if (pool >= data) return [];
    const ofData = (pool / data) * 100;
    return [
      {
        severity: 'info',
        object: 'innodb_buffer_pool_size',
        message: {
          en: `${poolText} is smaller than the ${dataText.en} (${ofData.toFixed(1)} %); the host RAM is unknown (${ram.unknown.en}), so whether the pool can grow was not judged`,
          zh: `${poolText}，小于 ${dataText.zh}（${ofData.toFixed(1)}%）；主机内存未知（${ram.unknown.zh}），未判断缓冲池能否调大`,
        },
        value: round(ofData),
        threshold: 100,
        evidence,
      },
    ];
  },
});
