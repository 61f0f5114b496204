import type { InspectionWindow } from '../checks/check.types.js';
import type { FilesystemFacts, HostFacts, HostMetrics } from './host-facts.js';
import type { NodeRef } from './mapping.js';
import { PrometheusClient, type PrometheusClientOptions, type PromSample } from './prometheus-client.js';
import { daysToFull, hostQueries, nodeSelector, rangeOf, type HostQueryName } from './promql.js';

const describe = (node: NodeRef): string => node.instance ?? node.address ?? '?';

/** Reads host facts of a node from Prometheus (node_exporter series) over an inspection window. */
export class HostMetricsSource {
  private readonly client: PrometheusClient;

  constructor(o: PrometheusClientOptions) {
    this.client = new PrometheusClient(o);
  }

  async read(node: NodeRef, window: InspectionWindow, now: Date): Promise<HostMetrics> {
    const at = window.to.getTime() < now.getTime() ? window.to : now;
    const queries = hostQueries(nodeSelector(node), rangeOf(window.from, at));
    const names = Object.keys(queries) as HostQueryName[];
    let results: PromSample[][];
    try {
      results = await Promise.all(names.map((n) => this.client.query(queries[n], at)));
    } catch (err) {
      const m = err instanceof Error ? err.message : String(err);
      return {
        skipped: {
          en: `host metrics source ${this.client.display} failed: ${m}`,
          zh: `主机指标来源 ${this.client.display} 查询失败：${m}`,
        },
      };
    }
    const r = Object.fromEntries(names.map((n, i) => [n, results[i]!])) as Record<HostQueryName, PromSample[]>;
    const facts = assembleHostFacts(r, this.client.display);
    if (!facts) {
      return {
        skipped: {
          en: `no node_exporter series for node ${describe(node)} in ${this.client.display} (set the host's "node" label to its instance label)`,
          zh: `${this.client.display} 中没有节点 ${describe(node)} 的 node_exporter 指标（可将主机的 "node" 标签设为其 instance 标签）`,
        },
      };
    }
    return { facts };
  }
}

/** Host facts from query results (one node's samples); undefined when the node has no memory series at all. */
export function assembleHostFacts(r: Record<HostQueryName, PromSample[]>, source: string): HostFacts | undefined {
  const first = (n: HostQueryName): number | undefined => {
    const v = r[n][0]?.value;
    return v !== undefined && Number.isFinite(v) ? v : undefined;
  };
  const node = r.memTotal[0]?.labels.instance;
  if (!node) return undefined;
  const fsKey = (l: Record<string, string>) => `${l.device ?? ''}\u0000${l.mountpoint ?? ''}`;
  const byKey = (n: HostQueryName) => new Map(r[n].map((s) => [fsKey(s.labels), s.value]));
  const avail = byKey('fsAvailMin');
  const in1Day = byKey('fsAvailIn1Day');
  const files = byKey('fsFiles');
  const filesFree = byKey('fsFilesFree');
  const filesystems: FilesystemFacts[] = r.fsSize
    .filter((s) => s.value > 0)
    .map((s) => {
      const k = fsKey(s.labels);
      const a = avail.get(k) ?? NaN;
      const f = files.get(k);
      const ff = filesFree.get(k);
      return {
        mountpoint: s.labels.mountpoint ?? '',
        device: s.labels.device ?? '',
        fstype: s.labels.fstype ?? '',
        sizeBytes: s.value,
        availBytes: a,
        ...(f !== undefined && f > 0 ? { files: f, ...(ff !== undefined ? { filesFree: ff } : {}) } : {}),
        daysToFull: daysToFull(a, in1Day.get(k) ?? NaN),
      };
    })
    .filter((f) => Number.isFinite(f.availBytes))
    .sort((a, b) => a.mountpoint.localeCompare(b.mountpoint));
  const opt = (key: keyof HostFacts, v: number | string | boolean | undefined) => (v === undefined ? {} : { [key]: v });
  const sync = first('ntpSync');
  return {
    node,
    source,
    ...opt('memTotalBytes', first('memTotal')),
    ...opt('memAvailableMinBytes', first('memAvailableMin')),
    ...opt('cpuCores', first('cpuCores')),
    ...opt('load1Max', first('load1Max')),
    ...opt('load5Avg', first('load5Avg')),
    ...opt('swapTotalBytes', first('swapTotal')),
    ...opt('swapFreeMinBytes', first('swapFreeMin')),
    ...opt('ntpOffsetSeconds', first('ntpOffsetMax')),
    ...opt('ntpSynced', sync === undefined ? undefined : sync === 1),
    ...opt('kernelRelease', r.uname[0]?.labels.release),
    ...opt('osRelease', r.os[0]?.labels.pretty_name ?? r.os[0]?.labels.version),
    filesystems,
  };
}
