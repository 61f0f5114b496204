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
    warnDaysToFull: z.number().min(0),
    critDaysToFull: z.number().min(0),
  }),
  defaults: { warnFreePercent: 20, critFreePercent: 10, warnDaysToFull: 30, critDaysToFull: 7 },
};

export interface FilesystemLimits {
  warnFreePercent: number;
  critFreePercent: number;
  warnDaysToFull: number;
  critDaysToFull: number;
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
      const full = grade(days, { warn: t.warnDaysToFull, crit: t.critDaysToFull }, { direction: 'below' });
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
