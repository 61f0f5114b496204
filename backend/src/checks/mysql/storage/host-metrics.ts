import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';
import { formatBytes } from '../../format.js';
import { grade, thresholdText, UNITS } from '../../grading.js';
import type { FilesystemFacts, HostFacts } from '../../../hostmetrics/host-facts.js';
import { mountpointFor } from '../../../hostmetrics/promql.js';

/** Why host and filesystem facts are missing: SQL cannot see them, and no host metrics source is configured. */
export const NO_HOST_METRICS: Texts = { en: 'no host metrics source', zh: '未配置主机指标来源' };

/** Thresholds of the filesystem checks (MY-D13, PG-D12): free space and inodes in percent, days to full. */
export const FILESYSTEM_THRESHOLDS = {
  schema: z.object({
    warnFreePercent: z.number().min(0).max(100),
    critFreePercent: z.number().min(0).max(100),
    warnFullWithinDays: z.number().min(0),
    critFullWithinDays: z.number().min(0),
  }),
  defaults: { warnFreePercent: 20, critFreePercent: 10, warnFullWithinDays: 30, critFullWithinDays: 7 },
};

export interface FilesystemLimits {
  warnFreePercent: number;
  critFreePercent: number;
  warnFullWithinDays: number;
  critFullWithinDays: number;
}

/** A directory the server writes to, with what it holds (`datadir`, `pg_wal`, …). */
export interface WatchedPath {
  role: string;
  path: string;
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/**
 * Free space, free inodes and days to full of each filesystem holding one of the paths (each filesystem once, naming
 * every role it holds); a path no filesystem holds is reported as info.
 */
export function filesystemFindings(
  facts: HostFacts,
  paths: readonly WatchedPath[],
  t: FilesystemLimits,
): FindingDraft[] {
  const held = new Map<FilesystemFacts, WatchedPath[]>();
  const findings: FindingDraft[] = [];
  for (const p of paths) {
    const fs = mountpointFor(p.path, facts.filesystems);
    if (!fs) {
      findings.push({
        severity: 'info',
        object: p.path,
        message: {
          en: `${p.role} ${p.path}: no filesystem of node ${facts.node} holds it (is the host mapped to the right node?)`,
          zh: `${p.role} ${p.path}：节点 ${facts.node} 上没有包含该路径的文件系统（主机是否映射到了正确的节点？）`,
        },
      });
      continue;
    }
    held.set(fs, [...(held.get(fs) ?? []), p]);
  }
  for (const [fs, ps] of held) {
    const holds = ps.map((p) => `${p.role} ${p.path}`).join(', ');
    const freePct = round1((fs.availBytes / fs.sizeBytes) * 100);
    const evidence = [
      {
        mountpoint: fs.mountpoint,
        device: fs.device,
        fstype: fs.fstype,
        sizeBytes: fs.sizeBytes,
        availBytes: fs.availBytes,
        freePercent: freePct,
        ...(fs.files !== undefined ? { inodes: fs.files, inodesFree: fs.filesFree } : {}),
        daysToFull: fs.daysToFull === null ? null : round1(fs.daysToFull),
        holds,
      },
    ];
    const head: Texts = {
      en: `filesystem ${fs.mountpoint} (${fs.fstype}, holds ${holds})`,
      zh: `文件系统 ${fs.mountpoint}（${fs.fstype}，包含 ${holds}）`,
    };
    const space = grade(freePct, { warn: t.warnFreePercent, crit: t.critFreePercent }, { direction: 'below' });
    if (space) {
      const th = thresholdText(space.limit, UNITS.percent);
      findings.push({
        severity: space.severity,
        object: fs.mountpoint,
        message: {
          en: `${head.en}: ${freePct} % free at the window's lowest (${formatBytes(fs.availBytes)} of ${formatBytes(fs.sizeBytes)}; ${th.en})`,
          zh: `${head.zh}：窗口内最低剩余 ${freePct}%（${formatBytes(fs.availBytes)} / ${formatBytes(fs.sizeBytes)}；${th.zh}）`,
        },
        value: freePct,
        threshold: space.limit,
        evidence,
      });
    }
    if (fs.files !== undefined && fs.filesFree !== undefined) {
      const inodePct = round1((fs.filesFree / fs.files) * 100);
      const inodes = grade(inodePct, { warn: t.warnFreePercent, crit: t.critFreePercent }, { direction: 'below' });
      if (inodes) {
        const th = thresholdText(inodes.limit, UNITS.percent);
        findings.push({
          severity: inodes.severity,
          object: fs.mountpoint,
          message: {
            en: `${head.en}: ${inodePct} % of inodes free (${fs.filesFree} of ${fs.files}; ${th.en})`,
            zh: `${head.zh}：剩余 inode ${inodePct}%（${fs.filesFree} / ${fs.files}；${th.zh}）`,
          },
          value: inodePct,
          threshold: inodes.limit,
          evidence,
        });
      }
    }
    if (fs.daysToFull !== null) {
      const days = round1(fs.daysToFull);
      const full = grade(days, { warn: t.warnFullWithinDays, crit: t.critFullWithinDays }, { direction: 'below' });
      if (full) {
        const th = thresholdText(full.limit, UNITS.days);
        findings.push({
          severity: full.severity,
          object: fs.mountpoint,
          message: {
            en: `${head.en}: full in ${days} days at the window's trend (predict_linear; ${th.en})`,
            zh: `${head.zh}：按窗口内趋势（predict_linear）${days} 天后写满（${th.zh}）`,
          },
          value: days,
          threshold: full.limit,
          evidence,
        });
      }
    }
  }
  return findings;
}

/** Thresholds of the platform status checks (MY-M12, PG-M09). */
export const PLATFORM_THRESHOLDS = {
  schema: z.object({
    warnSwapUsedPercent: z.number().min(0).max(100),
    warnClockOffsetSeconds: z.number().min(0),
    warnLoadPerCoreRatio: z.number().min(0),
  }),
  defaults: { warnSwapUsedPercent: 1, warnClockOffsetSeconds: 1, warnLoadPerCoreRatio: 1 },
};

/** Swap in use, clock offset, load per core; and an info finding describing the platform (cores, RAM, kernel, OS). */
export function platformFindings(facts: HostFacts, t: z.infer<typeof PLATFORM_THRESHOLDS.schema>): FindingDraft[] {
  const out: FindingDraft[] = [];
  const node = facts.node;
  if (facts.swapTotalBytes && facts.swapFreeMinBytes !== undefined) {
    const used = round1(((facts.swapTotalBytes - facts.swapFreeMinBytes) / facts.swapTotalBytes) * 100);
    const g = grade(used, { warn: t.warnSwapUsedPercent }, { inclusive: false });
    if (g) {
      const th = thresholdText(g.limit, UNITS.percent);
      out.push({
        severity: g.severity,
        object: node,
        message: {
          en: `swap in use: up to ${used} % of ${formatBytes(facts.swapTotalBytes)} in the window (${th.en})`,
          zh: `使用了交换空间：窗口内最高使用 ${used}%（共 ${formatBytes(facts.swapTotalBytes)}；${th.zh}）`,
        },
        value: used,
        threshold: g.limit,
      });
    }
  }
  if (facts.ntpOffsetSeconds !== undefined) {
    const off = Math.round(facts.ntpOffsetSeconds * 1000) / 1000;
    const g = grade(off, { warn: t.warnClockOffsetSeconds }, { inclusive: false });
    if (g) {
      const th = thresholdText(g.limit, UNITS.seconds);
      out.push({
        severity: g.severity,
        object: node,
        message: {
          en: `clock offset up to ${off} s in the window (${th.en})`,
          zh: `窗口内时钟偏差最高 ${off} 秒（${th.zh}）`,
        },
        value: off,
        threshold: g.limit,
      });
    }
  }
  if (facts.ntpSynced === false) {
    out.push({
      severity: 'warning',
      object: node,
      message: {
        en: 'the kernel clock was not synchronised (NTP) at some point in the window',
        zh: '窗口内内核时钟曾处于未同步（NTP）状态',
      },
    });
  }
  if (facts.cpuCores && facts.load5Avg !== undefined) {
    const ratio = Math.round((facts.load5Avg / facts.cpuCores) * 100) / 100;
    const g = grade(ratio, { warn: t.warnLoadPerCoreRatio }, { inclusive: false });
    if (g) {
      out.push({
        severity: g.severity,
        object: node,
        message: {
          en: `mean 5-minute load ${round1(facts.load5Avg)} on ${facts.cpuCores} cores (${ratio} per core, threshold ${g.limit})`,
          zh: `平均 5 分钟负载 ${round1(facts.load5Avg)}，CPU ${facts.cpuCores} 核（每核 ${ratio}，阈值 ${g.limit}）`,
        },
        value: ratio,
        threshold: g.limit,
      });
    }
  }
  const fs = facts.filesystems.map((f) => `${f.mountpoint} ${f.fstype}`).join(', ');
  out.push({
    severity: 'info',
    object: node,
    message: {
      en: `platform: ${facts.cpuCores ?? '?'} cores, ${facts.memTotalBytes ? formatBytes(facts.memTotalBytes) : '?'} RAM, swap ${facts.swapTotalBytes !== undefined ? formatBytes(facts.swapTotalBytes) : '?'}, kernel ${facts.kernelRelease ?? '?'}, OS ${facts.osRelease ?? '?'}, filesystems ${fs || '?'}`,
      zh: `平台：CPU ${facts.cpuCores ?? '?'} 核，内存 ${facts.memTotalBytes ? formatBytes(facts.memTotalBytes) : '?'}，交换空间 ${facts.swapTotalBytes !== undefined ? formatBytes(facts.swapTotalBytes) : '?'}，内核 ${facts.kernelRelease ?? '?'}，操作系统 ${facts.osRelease ?? '?'}，文件系统 ${fs || '?'}`,
    },
    evidence: [
      {
        node,
        cpuCores: facts.cpuCores,
        memTotalBytes: facts.memTotalBytes,
        memAvailableMinBytes: facts.memAvailableMinBytes,
        swapTotalBytes: facts.swapTotalBytes,
        swapFreeMinBytes: facts.swapFreeMinBytes,
        load1Max: facts.load1Max,
        load5Avg: facts.load5Avg,
        ntpOffsetSeconds: facts.ntpOffsetSeconds,
        kernelRelease: facts.kernelRelease,
        osRelease: facts.osRelease,
      },
    ],
  });
  return out;
}
