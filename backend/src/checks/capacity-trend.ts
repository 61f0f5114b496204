import type { CheckContext, Evaluation, FindingDraft, Texts } from './check.types.js';
import { formatBytes } from './format.js';
import { grade, thresholdText, UNITS } from './grading.js';

/**
 * Capacity trends (MY-A08, PG-A08), shared by both engines. History comes from the reports themselves: each run stores
 * its sizes, with the series the previous report of the instance and tier carried, as this check's fingerprints, so
 * the next run reads it back as `ctx.baseline`. The series are bounded (points and databases), never a table scan.
 */

const DAY_MS = 86_400_000;
/** Instance totals kept: one per report. */
export const MAX_POINTS = 100;
/** Per-database series: the largest databases now, and this many points each. */
export const MAX_DATABASES = 50;
export const MAX_DATABASE_POINTS = 24;

export const POINTS_KEY = '#points';
const DB_PREFIX = 'db:';

/** One report's sizes: data + index total, and the log volume (binlog bytes on disk / WAL position) when known. */
export interface Point {
  t: number;
  total: number;
  log: number | null;
}

export interface Measurement {
  /** Size per database (MySQL schema) in bytes. */
  databases: ReadonlyMap<string, number>;
  /** MySQL: binary logs on disk; PostgreSQL: the WAL position in bytes (cumulative). */
  log: number | null;
}

export interface CapacityThresholds {
  warnFullInDays: number;
  critFullInDays: number;
  /** The space data and logs may take, in bytes (e.g. the data volume's size); 0 = unknown. */
  maxDataBytes: number;
  minReports: number;
  minHistoryDays: number;
  /** How far back reports are taken when the window holds fewer than `minReports`. */
  maxHistoryDays: number;
  /** Also report the trend when nothing crossed a limit (an annual review reads it). */
  reportTrend: boolean;
}

export interface GrowthThresholds {
  infoGrowthPercent: number;
  warnGrowthPercent: number;
  minDatabaseBytes: number;
}

const tuple = (s: string | undefined): unknown[] => {
  if (!s) return [];
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
};
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The instance totals an earlier report carried (malformed entries are dropped). */
export function readPoints(fingerprints: Readonly<Record<string, string>> | undefined): Point[] {
  return tuple(fingerprints?.[POINTS_KEY])
    .filter((p): p is [number, number, number | null] => Array.isArray(p) && finite(p[0]) && finite(p[1]))
    .map(([t, total, log]) => ({ t: t * 1000, total, log: finite(log) ? log : null }))
    .sort((a, b) => a.t - b.t);
}

/** A database's series an earlier report carried, `[t ms, bytes]`. */
export function readDatabase(
  fingerprints: Readonly<Record<string, string>> | undefined,
  name: string,
): [number, number][] {
  return tuple(fingerprints?.[`${DB_PREFIX}${name}`])
    .filter((p): p is [number, number] => Array.isArray(p) && finite(p[0]) && finite(p[1]))
    .map(([t, b]): [number, number] => [t * 1000, b])
    .sort((a, b) => a[0] - b[0]);
}

/** Least-squares slope of `v` over `t` (ms), in units per day; 0 with fewer than two distinct times. */
export function slopePerDay(points: readonly { t: number; v: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const mv = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : (num / den) * DAY_MS;
}

/** Days until `used` reaches `capacity` at `perDay`; null when it does not grow (or nothing is known). */
export function daysToFull(used: number, capacity: number, perDay: number): number | null {
  if (!(capacity > 0) || !(perDay > 0)) return null;
  return Math.max(0, (capacity - used) / perDay);
}

/** Percent growth from `first` to `last`; null when `first` is 0. */
export const growthPercent = (first: number, last: number): number | null =>
  first > 0 ? ((last - first) / first) * 100 : null;

/** The fingerprints to store: earlier points plus this one, bounded; the largest databases' series. */
export function nextFingerprints(
  previous: Readonly<Record<string, string>> | undefined,
  now: Date,
  m: Measurement,
): Record<string, string> {
  const t = Math.round(now.getTime() / 1000);
  const total = [...m.databases.values()].reduce((s, b) => s + b, 0);
  const points = readPoints(previous)
    .filter((p) => p.t < now.getTime())
    .map((p) => [Math.round(p.t / 1000), p.total, p.log] as const);
  const out: Record<string, string> = {
    [POINTS_KEY]: JSON.stringify([...points, [t, total, m.log]].slice(-MAX_POINTS)),
  };
  const largest = [...m.databases.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_DATABASES);
  for (const [name, bytes] of largest) {
    const series = readDatabase(previous, name)
      .filter(([pt]) => pt < now.getTime())
      .map(([pt, b]) => [Math.round(pt / 1000), b]);
    out[`${DB_PREFIX}${name}`] = JSON.stringify([...series, [t, bytes]].slice(-MAX_DATABASE_POINTS));
  }
  return out;
}

/** `12 reports over 94 days` in both languages. */
export const historyText = (reports: number, days: number): Texts => ({
  en: `history: ${reports} reports over ${Math.round(days)} days`,
  zh: `历史数据：${Math.round(days)} 天内 ${reports} 份报告`,
});

const signed = (bytes: number) => `${bytes < 0 ? '-' : '+'}${formatBytes(Math.abs(Math.round(bytes)))}`;
const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)} %`;

export interface TrendLabels {
  /** What `total` is: `data+index` / `databases`. */
  total: Texts;
  /** The log as shown in the summary, e.g. `binlog 1.1 GiB on disk` / `WAL 2.0 GiB/day`; null when unknown. */
  log: (history: Point[], now: Point) => Texts | null;
  /** Does the log count toward the space used (binlog on disk does; WAL position does not)? */
  logUsesSpace: boolean;
}

/**
 * Grades days-to-full (and, with `growth`, each database's growth over the history) from the reports within the window
 * plus this report's sizes. When the window holds fewer than `minReports` (a semi-annual or annual schedule), the
 * newest older reports up to `maxHistoryDays` back are added. Skipped with the reason when the history is too short.
 */
export function evaluateCapacity(
  ctx: CheckContext<CapacityThresholds & Partial<GrowthThresholds>>,
  m: Measurement,
  labels: TrendLabels,
  growth: boolean,
): Evaluation {
  const fingerprints = nextFingerprints(ctx.baseline, ctx.now, m);
  const th = ctx.thresholds;
  const nowMs = ctx.now.getTime();
  const total = [...m.databases.values()].reduce((s, b) => s + b, 0);
  const current: Point = { t: nowMs, total, log: m.log };
  const carried = readPoints(ctx.baseline).filter((p) => p.t < nowMs && p.t >= nowMs - th.maxHistoryDays * DAY_MS);
  const inWindow = carried.filter((p) => p.t >= ctx.window.from.getTime());
  const earlier = inWindow.length + 1 >= th.minReports ? inWindow : carried.slice(-(th.minReports - 1));
  const used = [...earlier, current];
  const days = (nowMs - used[0]!.t) / DAY_MS;
  const history = historyText(used.length, days);
  if (used.length < th.minReports || days < th.minHistoryDays) {
    return {
      skipped: {
        en: `too little history for a trend: ${used.length} reports over ${days.toFixed(1)} days (needs ${th.minReports} reports over ${th.minHistoryDays} days, within the window or the last ${th.maxHistoryDays} days); this report's sizes are kept for the next one`,
        zh: `历史数据不足以估算趋势：${days.toFixed(1)} 天内只有 ${used.length} 份报告（需要 ${th.minHistoryDays} 天内 ${th.minReports} 份，取窗口内或最近 ${th.maxHistoryDays} 天的报告）；本次报告的容量数据已保存供下次使用`,
      },
      fingerprints,
    };
  }

  const usedSpace = (p: Point) => p.total + (labels.logUsesSpace ? (p.log ?? 0) : 0);
  const perDay = slopePerDay(used.map((p) => ({ t: p.t, v: usedSpace(p) })));
  const first = used[0]!;
  const overall = growthPercent(usedSpace(first), usedSpace(current));
  const eta = daysToFull(usedSpace(current), th.maxDataBytes, perDay);
  const log = labels.log(earlier, current);
  const rate = {
    en: `${labels.total.en} ${formatBytes(total)}${log ? `, ${log.en}` : ''}, ${signed(perDay)}/day${overall === null ? '' : ` (${pct(overall)} over ${Math.round(days)} days)`}`,
    zh: `${labels.total.zh} ${formatBytes(total)}${log ? `，${log.zh}` : ''}，每天 ${signed(perDay)}${overall === null ? '' : `（${Math.round(days)} 天 ${pct(overall)}）`}`,
  };
  const evidence = [
    {
      reports: used.length,
      days: Math.round(days * 10) / 10,
      from: new Date(first.t).toISOString(),
      usedBytes: usedSpace(current),
      growthBytesPerDay: Math.round(perDay),
      capacityBytes: th.maxDataBytes || null,
      daysToFull: eta === null ? null : Math.floor(eta),
    },
  ];

  const findings: FindingDraft[] = [];
  const g =
    eta === null
      ? null
      : grade(eta, { warn: th.warnFullInDays, crit: th.critFullInDays }, { direction: 'below', inclusive: false });
  if (g && eta !== null) {
    findings.push({
      severity: g.severity,
      object: ctx.instance.name,
      message: {
        en: `full in ${Math.floor(eta)} days (${thresholdText(g.limit, UNITS.days).en}): ${rate.en} of ${formatBytes(th.maxDataBytes)} (maxDataBytes); ${history.en}`,
        zh: `预计 ${Math.floor(eta)} 天后写满（${thresholdText(g.limit, UNITS.days).zh}）：${rate.zh}，容量 ${formatBytes(th.maxDataBytes)}（maxDataBytes）；${history.zh}`,
      },
      value: Math.floor(eta),
      threshold: g.limit,
      evidence,
    });
  }

  if (growth && th.infoGrowthPercent !== undefined) {
    const floor = th.minDatabaseBytes ?? 0;
    const grown: FindingDraft[] = [];
    for (const [name, bytes] of m.databases) {
      const series = readDatabase(ctx.baseline, name).filter(([t]) => t >= first.t && t < nowMs);
      const start = series[0];
      if (!start || Math.max(start[1], bytes) < floor) continue;
      const p = growthPercent(start[1], bytes);
      if (p === null) continue;
      const dg = grade(p, { warn: th.warnGrowthPercent, crit: null }, { inclusive: false });
      const severity = dg ? dg.severity : p > th.infoGrowthPercent ? 'info' : null;
      if (!severity) continue;
      const limit = dg ? dg.limit : th.infoGrowthPercent;
      const spanDays = (nowMs - start[0]) / DAY_MS;
      const dbHistory = historyText(series.length + 1, spanDays);
      grown.push({
        severity,
        object: name,
        message: {
          en: `database ${name} grew ${pct(p)} (${formatBytes(start[1])} → ${formatBytes(bytes)}) over ${Math.round(spanDays)} days (${thresholdText(limit, UNITS.percent).en}); ${dbHistory.en}`,
          zh: `数据库 ${name} 在 ${Math.round(spanDays)} 天内增长 ${pct(p)}（${formatBytes(start[1])} → ${formatBytes(bytes)}）（${thresholdText(limit, UNITS.percent).zh}）；${dbHistory.zh}`,
        },
        value: Math.round(p * 10) / 10,
        threshold: limit,
        evidence: [{ database: name, fromBytes: start[1], toBytes: bytes, from: new Date(start[0]).toISOString() }],
      });
    }
    grown.sort((a, b) => Number(b.value) - Number(a.value));
    findings.push(...grown.slice(0, 20));
  }

  if (findings.length === 0 && th.reportTrend) {
    const outlook: Texts =
      eta !== null
        ? { en: `full in ${Math.floor(eta)} days at this rate`, zh: `按此速度 ${Math.floor(eta)} 天后写满` }
        : perDay <= 0
          ? { en: 'not growing', zh: '未增长' }
          : {
              en: 'days to full not estimated: no capacity known (set the maxDataBytes threshold, or add a host metrics source)',
              zh: '未估算写满天数：容量未知（请设置 maxDataBytes 阈值或配置主机指标来源）',
            };
    findings.push({
      severity: 'info',
      object: ctx.instance.name,
      message: { en: `${rate.en}; ${outlook.en}; ${history.en}`, zh: `${rate.zh}；${outlook.zh}；${history.zh}` },
      value: Math.round(perDay),
      evidence,
    });
  }
  return { findings, fingerprints };
}
