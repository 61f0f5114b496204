import type { AnalyticsScope, InstanceSeries, SeverityBucket } from './report-analytics.types.js';

/**
 * One stored part of an instance's report series (PostgreSQL migration 10): up to 200 reports of one tier and UTC
 * month, packed big-endian. `times` holds int4 milliseconds after `month_ms` minus 2^31 (a month needs 32 unsigned
 * bits), `scores` int2, `counts` int4 critical, warning, info per report. Rows arrive grouped by instance.
 */
export interface PackedSeries {
  instance_id: string;
  month_ms: number;
  times: Buffer;
  /** Read for scores only. */
  scores?: Buffer;
  /** Read for finding counts only. */
  counts?: Buffer;
}

const OFFSET = 2 ** 31;

/**
 * Buckets as PostgreSQL's `date_bin(bucket, t, 'epoch')` cuts them, indexed from the one holding `from`. Bucket widths
 * are whole seconds, so a start truncated to the millisecond lands in the same bucket as the exact one, and so does the
 * `[from, to)` test against millisecond bounds.
 */
class Buckets {
  readonly first: number;
  readonly fromMs: number;
  readonly toMs: number;

  constructor(
    scope: Pick<AnalyticsScope, 'from' | 'to'>,
    readonly width: number,
  ) {
    this.fromMs = Date.parse(scope.from);
    this.toMs = Date.parse(scope.to);
    this.first = Math.floor(this.fromMs / width) * width;
  }

  get count(): number {
    return Math.max(0, Math.floor((this.toMs - 1 - this.first) / this.width) + 1);
  }

  time(index: number): number {
    return this.first + index * this.width;
  }
}

/** The rows of each instance in turn (rows are ordered by instance). */
function* byInstance(rows: readonly PackedSeries[]): Generator<PackedSeries[]> {
  let group: PackedSeries[] = [];
  for (const row of rows) {
    if (group.length > 0 && group[0]!.instance_id !== row.instance_id) {
      yield group;
      group = [];
    }
    group.push(row);
  }
  if (group.length > 0) yield group;
}

/** `round(avg(score), 2)` of PostgreSQL (half away from zero) from an exact integer sum, as the same float8. */
export function roundedAverage(sum: number, n: number): number {
  const hundredths = Math.floor((200 * Math.abs(sum) + n) / (2 * n));
  return (sum < 0 ? -hundredths : hundredths) / 100;
}

/** Average score per instance and bucket, buckets ascending, instances in id order. */
export function scoreBuckets(rows: readonly PackedSeries[], scope: AnalyticsScope, bucketMs: number): InstanceSeries[] {
  const b = new Buckets(scope, bucketMs);
  const sums = new Float64Array(b.count);
  const ns = new Int32Array(b.count);
  const out: InstanceSeries[] = [];
  for (const group of byInstance(rows)) {
    const touched: number[] = [];
    for (const row of group) {
      const { times: tb, scores: sb } = row as Required<PackedSeries>;
      const base = row.month_ms + OFFSET;
      for (let i = 0, n = tb.length >> 2; i < n; i++) {
        const t = base + tb.readInt32BE(i << 2);
        if (t < b.fromMs || t >= b.toMs) continue;
        const k = Math.floor((t - b.first) / bucketMs);
        if (ns[k] === 0) touched.push(k);
        sums[k] = sums[k]! + sb.readInt16BE(i << 1);
        ns[k] = ns[k]! + 1;
      }
    }
    if (touched.length === 0) continue;
    touched.sort((x, y) => x - y);
    const times = new Array<number>(touched.length);
    const values = new Array<number>(touched.length);
    touched.forEach((k, j) => {
      times[j] = b.time(k);
      values[j] = roundedAverage(sums[k]!, ns[k]!);
      sums[k] = 0;
      ns[k] = 0;
    });
    out.push({ instanceId: group[0]!.instance_id, times, values });
  }
  return out;
}

/**
 * Findings by severity per bucket: each instance's newest report in the bucket (the later one of equal starts), summed
 * over instances; buckets without any report are left out.
 */
export function severityBuckets(
  rows: readonly PackedSeries[],
  scope: AnalyticsScope,
  bucketMs: number,
): SeverityBucket[] {
  const b = new Buckets(scope, bucketMs);
  const totals = new Float64Array(b.count * 3);
  const seen = new Uint8Array(b.count);
  const newest = new Float64Array(b.count).fill(-Infinity);
  const newestCounts = new Int32Array(b.count * 3);
  for (const group of byInstance(rows)) {
    const touched: number[] = [];
    for (const row of group) {
      const { times: tb, counts } = row as Required<PackedSeries>;
      const base = row.month_ms + OFFSET;
      for (let i = 0, n = tb.length >> 2; i < n; i++) {
        const t = base + tb.readInt32BE(i << 2);
        if (t < b.fromMs || t >= b.toMs) continue;
        const k = Math.floor((t - b.first) / bucketMs);
        if (t < newest[k]!) continue;
        if (newest[k] === -Infinity) touched.push(k);
        newest[k] = t;
        newestCounts[k * 3] = counts.readInt32BE(i * 12);
        newestCounts[k * 3 + 1] = counts.readInt32BE(i * 12 + 4);
        newestCounts[k * 3 + 2] = counts.readInt32BE(i * 12 + 8);
      }
    }
    for (const k of touched) {
      seen[k] = 1;
      for (let c = k * 3; c < k * 3 + 3; c++) totals[c] = totals[c]! + newestCounts[c]!;
      newest[k] = -Infinity;
    }
  }
  const out: SeverityBucket[] = [];
  for (let k = 0; k < b.count; k++) {
    if (seen[k] === 0) continue;
    out.push({ time: b.time(k), critical: totals[k * 3]!, warning: totals[k * 3 + 1]!, info: totals[k * 3 + 2]! });
  }
  return out;
}
