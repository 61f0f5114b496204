import type { Collection, Db, Document, Filter } from 'mongodb';
import type { Severity, Tier } from '../../checks/check.types.js';
import type {
  AnalyticsScope,
  FindingFilter,
  FindingRow,
  InstanceSeries,
  LatestScope,
  OutcomeRow,
  ReportTotals,
  SeverityBucket,
} from '../../grafana/report-analytics.types.js';
import type { Inspection } from '../../inspections/inspection.model.js';
import type { CheckOutcome, Finding, OutcomeCounts } from '../../reports/report.types.js';
import type { ReportAnalyticsRepository } from '../store.js';
import { toInspection } from './inspections.repository.mongo.js';
import { COLLECTIONS, type InspectionDoc, type ReportDoc } from './mongo-database.js';

const RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };
const SEVERITY_OF = ['info', 'warning', 'critical'] as const;

interface SnapshotDoc {
  instanceId: string;
  takenAt: Date;
  serverStartedAt: Date;
  countersJson: string;
}

/** Epoch-aligned bucket start of a date field, in milliseconds. */
const bucketOf = (field: string, ms: number): Document => ({
  $subtract: [{ $toLong: field }, { $mod: [{ $toLong: field }, ms] }],
});

function reportFilter(scope: AnalyticsScope): Filter<ReportDoc> {
  const filter: Filter<ReportDoc> = { startedAt: { $gte: new Date(scope.from), $lt: new Date(scope.to) } };
  if (scope.tier !== undefined) filter.tier = scope.tier;
  if (scope.instanceIds !== undefined) filter.instanceId = { $in: [...scope.instanceIds] };
  return filter;
}

function groupSeries(rows: { _id: { i: string; b: number }; v: number }[]): InstanceSeries[] {
  const byInstance = new Map<string, InstanceSeries>();
  for (const r of rows) {
    let s = byInstance.get(r._id.i);
    if (!s) byInstance.set(r._id.i, (s = { instanceId: r._id.i, times: [], values: [] }));
    s.times.push(Number(r._id.b));
    s.values.push(r.v);
  }
  return [...byInstance.values()];
}

/**
 * Report analytics on MongoDB. Scores and counters' buckets are grouped by the server. Report documents are JSON text
 * here, so findings and outcomes are read from each instance's newest report only (one document per instance), and
 * severity counts from the newest summary per instance and bucket.
 */
export class MongoReportAnalyticsRepository implements ReportAnalyticsRepository {
  private readonly reports: Collection<ReportDoc>;
  private readonly inspections: Collection<InspectionDoc>;
  private readonly snapshots: Collection<SnapshotDoc>;

  constructor(db: Db) {
    this.reports = db.collection<ReportDoc>(COLLECTIONS.reports);
    this.inspections = db.collection<InspectionDoc>(COLLECTIONS.inspections);
    this.snapshots = db.collection<SnapshotDoc>(COLLECTIONS.counterSnapshots);
  }

  async scoreSeries(scope: AnalyticsScope, bucketMs: number): Promise<InstanceSeries[]> {
    const rows = await this.reports
      .aggregate<{ _id: { i: string; b: number }; v: number }>([
        { $match: reportFilter(scope) },
        { $group: { _id: { i: '$instanceId', b: bucketOf('$startedAt', bucketMs) }, v: { $avg: '$score' } } },
        { $project: { v: { $round: ['$v', 2] } } },
        { $sort: { '_id.i': 1, '_id.b': 1 } },
      ])
      .toArray();
    return groupSeries(rows);
  }

  async findingCountSeries(scope: AnalyticsScope, bucketMs: number): Promise<SeverityBucket[]> {
    const rows = await this.reports
      .aggregate<{ _id: { i: string; b: number }; s: string }>([
        { $match: reportFilter(scope) },
        { $sort: { instanceId: 1, startedAt: -1 } },
        {
          $group: {
            _id: { i: '$instanceId', b: bucketOf('$startedAt', bucketMs) },
            s: { $first: '$summaryJson' },
          },
        },
      ])
      .toArray();
    const byTime = new Map<number, SeverityBucket>();
    for (const r of rows) {
      const counts = (JSON.parse(r.s) as { counts: OutcomeCounts }).counts;
      const time = Number(r._id.b);
      const b = byTime.get(time) ?? { time, critical: 0, warning: 0, info: 0 };
      b.critical += counts.critical;
      b.warning += counts.warning;
      b.info += counts.info;
      byTime.set(time, b);
    }
    return [...byTime.values()].sort((a, b) => a.time - b.time);
  }

  /** Each instance's newest report in scope, parsed. */
  private async latest(
    scope: LatestScope,
  ): Promise<{ id: string; instanceId: string; startedAt: Date; doc: string }[]> {
    if (scope.instanceIds.length === 0) return [];
    return this.reports
      .aggregate<{ id: string; instanceId: string; startedAt: Date; doc: string }>([
        { $match: reportFilter(scope) },
        { $sort: { instanceId: 1, startedAt: -1, _id: -1 } },
        {
          $group: {
            _id: '$instanceId',
            id: { $first: '$_id' },
            startedAt: { $first: '$startedAt' },
            doc: { $first: '$documentJson' },
          },
        },
        { $project: { _id: 0, instanceId: '$_id', id: 1, startedAt: 1, doc: 1 } },
      ])
      .toArray();
  }

  async latestFindings(scope: LatestScope, filter: FindingFilter): Promise<FindingRow[]> {
    const checks = filter.checkIds ? new Set(filter.checkIds) : undefined;
    const severities = filter.severities ? new Set(filter.severities) : undefined;
    const out: (FindingRow & { ordinal: number })[] = [];
    for (const r of await this.latest(scope)) {
      const findings = (JSON.parse(r.doc) as { findings?: Finding[] }).findings ?? [];
      findings.forEach((f, ordinal) => {
        if (checks && !checks.has(f.checkId)) return;
        if (severities && !severities.has(f.severity)) return;
        out.push({
          ordinal,
          reportId: r.id,
          instanceId: r.instanceId,
          startedAt: r.startedAt.toISOString(),
          checkId: f.checkId,
          catalogRef: f.catalogRef ?? '',
          category: f.category ?? '',
          severity: f.severity,
          object: f.object ?? '',
          message: f.message ?? '',
          value: f.value == null ? null : String(f.value),
          threshold: f.threshold == null ? null : String(f.threshold),
        });
      });
    }
    out.sort(
      (a, b) =>
        RANK[b.severity] - RANK[a.severity] ||
        cmp(a.instanceId, b.instanceId) ||
        cmp(a.checkId, b.checkId) ||
        a.ordinal - b.ordinal,
    );
    return out.map(({ ordinal: _ordinal, ...row }) => row);
  }

  async latestOutcomes(scope: LatestScope, checkIds?: readonly string[]): Promise<OutcomeRow[]> {
    const wanted = checkIds ? new Set(checkIds) : undefined;
    const rows = new Map<string, OutcomeRow & { rank: number }>();
    for (const r of await this.latest(scope)) {
      for (const c of (JSON.parse(r.doc) as { checks?: CheckOutcome[] }).checks ?? []) {
        if (wanted && !wanted.has(c.checkId)) continue;
        const row = rows.get(c.checkId) ?? {
          checkId: c.checkId,
          catalogRef: c.catalogRef,
          category: c.category,
          tier: c.tier as Tier,
          pass: 0,
          fail: 0,
          error: 0,
          skipped: 0,
          worst: null,
          findings: 0,
          rank: 0,
        };
        row[c.status] += 1;
        row.findings += c.findingCount ?? 0;
        if (c.status === 'fail') row.rank = Math.max(row.rank, c.severity ? RANK[c.severity] : 1);
        rows.set(c.checkId, row);
      }
    }
    return [...rows.values()]
      .sort((a, b) => cmp(a.checkId, b.checkId))
      .map(({ rank, ...row }) => ({ ...row, worst: rank > 0 ? SEVERITY_OF[rank - 1]! : null }));
  }

  async runsBetween(from: string, to: string, options: { tier?: string; limit: number }): Promise<Inspection[]> {
    const range = { $gte: new Date(from), $lt: new Date(to) };
    const filter: Filter<InspectionDoc> = { $or: [{ createdAt: range }, { fireAt: range }] };
    if (options.tier !== undefined) filter.tier = options.tier as Tier;
    const docs = await this.inspections.find(filter).sort({ createdAt: -1, _id: -1 }).limit(options.limit).toArray();
    return docs.map(toInspection);
  }

  async counterSeries(
    scope: Omit<AnalyticsScope, 'tier'>,
    counter: string,
    bucketMs: number,
  ): Promise<InstanceSeries[]> {
    // Counter names carry dots, so snapshots keep them as JSON text: deltas are taken here, per instance in time order.
    const filter: Filter<SnapshotDoc> = { takenAt: { $gte: new Date(scope.from), $lt: new Date(scope.to) } };
    if (scope.instanceIds !== undefined) filter.instanceId = { $in: [...scope.instanceIds] };
    const pattern = new RegExp(counterRegex(counter));
    const sums = new Map<string, Map<number, number>>();
    const previous = new Map<string, { v: number | null; life: number }>();
    const cursor = this.snapshots.find(filter).sort({ instanceId: 1, takenAt: 1 });
    for await (const s of cursor) {
      let v: number | null = null;
      for (const [k, n] of Object.entries(JSON.parse(s.countersJson) as Record<string, number>)) {
        if (pattern.test(k)) v = (v ?? 0) + Number(n);
      }
      const prev = previous.get(s.instanceId);
      const life = s.serverStartedAt.getTime();
      previous.set(s.instanceId, { v, life });
      if (!prev || prev.life !== life || prev.v === null || v === null || v < prev.v) continue;
      const t = s.takenAt.getTime();
      const b = t - (t % bucketMs);
      const m = sums.get(s.instanceId) ?? new Map<number, number>();
      m.set(b, (m.get(b) ?? 0) + (v - prev.v));
      sums.set(s.instanceId, m);
    }
    return [...sums.entries()].map(([instanceId, m]) => {
      const entries = [...m.entries()].sort((a, b) => a[0] - b[0]);
      return { instanceId, times: entries.map((e) => e[0]), values: entries.map((e) => e[1]) };
    });
  }

  async totals(): Promise<ReportTotals> {
    const [reports, last] = await Promise.all([
      this.reports.estimatedDocumentCount(),
      this.reports.findOne({}, { projection: { startedAt: 1 }, sort: { startedAt: -1, _id: -1 } }),
    ]);
    return { reports, lastReportAt: last ? last.startedAt.toISOString() : null };
  }
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Same rule as the PostgreSQL adapter: `*` is one dot-free name segment. */
function counterRegex(counter: string): string {
  const parts = counter.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return `^${parts.join('[^.]+')}$`;
}
