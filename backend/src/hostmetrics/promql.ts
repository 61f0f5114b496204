/** PromQL building for node_exporter series; pure functions, table-tested. */

/** Escapes a string for a PromQL double-quoted label value. */
export const promString = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Escapes regular expression metacharacters (RE2) so `s` matches literally. */
export const regexLiteral = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A selector for one node: its exact `instance` label, or an address matching the label's host part (any port). */
export function nodeSelector(node: { instance?: string; address?: string }): string {
  if (node.instance) return `instance="${promString(node.instance)}"`;
  if (!node.address) throw new Error('a node needs an instance label or an address');
  const host = node.address.includes(':') && !node.address.startsWith('[') ? `[${node.address}]` : node.address;
  // node_exporter's instance label is host:port; an IPv6 address comes bracketed.
  return `instance=~"${promString(regexLiteral(host))}(:[0-9]+)?"`;
}

/** A range in whole seconds for the window, at least 60 s. */
export const rangeOf = (from: Date, to: Date): string =>
  `${Math.max(60, Math.round((to.getTime() - from.getTime()) / 1000))}s`;

/** Filesystems worth looking at: pseudo and in-memory ones left out. */
export const FS_FILTER = 'fstype!~"tmpfs|devtmpfs|ramfs|overlay|squashfs|autofs|proc|sysfs|cgroup2?|nsfs|fuse\\\\..*"';

export type HostQueryName =
  | 'memTotal'
  | 'memAvailableMin'
  | 'cpuCores'
  | 'load1Max'
  | 'load5Avg'
  | 'swapTotal'
  | 'swapFreeMin'
  | 'ntpOffsetMax'
  | 'ntpSync'
  | 'uname'
  | 'os'
  | 'fsSize'
  | 'fsAvailMin'
  | 'fsAvailIn1Day'
  | 'fsFiles'
  | 'fsFilesFree';

/** The instant queries read for one node over a range (`r`, e.g. `2592000s`). */
export function hostQueries(selector: string, r: string): Record<HostQueryName, string> {
  const s = `{${selector}}`;
  const fs = `{${selector},${FS_FILTER}}`;
  return {
    memTotal: `max_over_time(node_memory_MemTotal_bytes${s}[${r}])`,
    memAvailableMin: `min_over_time(node_memory_MemAvailable_bytes${s}[${r}])`,
    cpuCores: `count by (instance) (count by (instance, cpu) (node_cpu_seconds_total${s}))`,
    load1Max: `max_over_time(node_load1${s}[${r}])`,
    load5Avg: `avg_over_time(node_load5${s}[${r}])`,
    swapTotal: `max_over_time(node_memory_SwapTotal_bytes${s}[${r}])`,
    swapFreeMin: `min_over_time(node_memory_SwapFree_bytes${s}[${r}])`,
    ntpOffsetMax: `max_over_time(abs(node_timex_offset_seconds${s})[${r}:1m])`,
    ntpSync: `min_over_time(node_timex_sync_status${s}[${r}])`,
    uname: `node_uname_info${s}`,
    os: `node_os_info${s}`,
    fsSize: `max_over_time(node_filesystem_size_bytes${fs}[${r}])`,
    fsAvailMin: `min_over_time(node_filesystem_avail_bytes${fs}[${r}])`,
    fsAvailIn1Day: `predict_linear(node_filesystem_avail_bytes${fs}[${r}], 86400)`,
    fsFiles: `max_over_time(node_filesystem_files${fs}[${r}])`,
    fsFilesFree: `min_over_time(node_filesystem_files_free${fs}[${r}])`,
  };
}

/**
 * Days until a filesystem is full at its trend: `avail` now and predict_linear's value one day on. Null when the free
 * space is not shrinking (or the inputs are not finite); 0 when already full.
 */
export function daysToFull(avail: number, availIn1Day: number): number | null {
  if (!Number.isFinite(avail) || !Number.isFinite(availIn1Day)) return null;
  if (avail <= 0) return 0;
  const perDay = avail - availIn1Day;
  if (perDay <= 0) return null;
  return avail / perDay;
}

/** The filesystem holding `path`: the longest mountpoint that is a prefix of it at a path boundary. */
export function mountpointFor<T extends { mountpoint: string }>(
  path: string,
  filesystems: readonly T[],
): T | undefined {
  let best: T | undefined;
  for (const f of filesystems) {
    const m = f.mountpoint;
    const under = m === '/' || path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`);
    if (path.startsWith('/') && under && (!best || m.length > best.mountpoint.length)) best = f;
  }
  return best;
}
