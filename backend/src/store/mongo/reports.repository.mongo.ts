import type { Filter } from 'mongodb';
import type { Severity } from '../../checks/check.types.js';
import { summarize, type ReportQuery, type ReportSummary, type StoredReport } from '../../reports/report.model.js';
import type { ReportRepository } from '../store.js';
import { toDate, type MongoDatabase, type ReportDoc } from './mongo-database.js';
import { duplicateKeyField, isDuplicateKey } from './mongo-errors.js';

const RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

const NEWEST_FIRST = { startedAt: -1, _id: -1 } as const;

/** The document a report is stored as; `inspectionId` and `scheduleId` are absent, never null, when unset. */
export const reportDoc = (r: StoredReport): ReportDoc => ({
  _id: r.id,
  instanceId: r.instanceId,
  ...(r.inspectionId != null ? { inspectionId: r.inspectionId } : {}),
  ...(r.scheduleId != null ? { scheduleId: r.scheduleId } : {}),
  ...(r.businessId != null ? { businessId: r.businessId } : {}),
  tier: r.tier,
  startedAt: toDate(r.startedAt),
  windowFrom: toDate(r.window.from),
  windowTo: toDate(r.window.to),
  score: r.score,
  ...(r.maxSeverity ? { severityRank: RANK[r.maxSeverity] } : {}),
  summaryJson: JSON.stringify(summarize(r)),
  documentJson: JSON.stringify(r),
});

/** Inspection reports in MongoDB: the document and its summary as JSON text, plus the fields lists filter on. */
export class MongoReportRepository implements ReportRepository {
  constructor(private readonly db: MongoDatabase) {}

  async insert(r: StoredReport): Promise<boolean> {
    try {
      await this.db.reports.insertOne(reportDoc(r));
      return true;
    } catch (err) {
      // The unique partial index on (inspectionId, instanceId) refused a second report of the instance in the run.
      if (!isDuplicateKey(err) || r.inspectionId == null) throw err;
      if (duplicateKeyField(err) === 'inspectionId') return false;
      // An undetailed error, or one on `_id`: PostgreSQL's ON CONFLICT tests the (inspection, instance) key first.
      const taken = { inspectionId: r.inspectionId, instanceId: r.instanceId };
      if ((await this.db.reports.countDocuments(taken, { limit: 1 })) > 0) return false;
      throw err;
    }
  }

  async get(id: string): Promise<StoredReport | null> {
    const doc = await this.db.reports.findOne({ _id: id }, { projection: { documentJson: 1 } });
    return doc ? (JSON.parse(doc.documentJson) as StoredReport) : null;
  }

  async list(q: ReportQuery): Promise<ReportSummary[]> {
    // MongoDB reads limit 0 as "no limit"; SQL LIMIT 0 returns nothing.
    if (q.limit <= 0) return [];
    const filter: Filter<ReportDoc> = {};
    if (q.instanceId != null) filter.instanceId = q.instanceId;
    if (q.inspectionId != null) filter.inspectionId = q.inspectionId;
    if (q.scheduleId != null) filter.scheduleId = q.scheduleId;
    if (q.businessId != null) filter.businessId = q.businessId;
    if (q.tier != null) filter.tier = q.tier;
    const startedAt: { $gte?: Date; $lt?: Date } = {};
    if (q.from != null) startedAt.$gte = toDate(q.from);
    for (const bound of [q.to, q.before]) {
      if (bound == null) continue;
      const d = toDate(bound);
      if (startedAt.$lt === undefined || d < startedAt.$lt) startedAt.$lt = d;
    }
    if (Object.keys(startedAt).length > 0) filter.startedAt = startedAt;
    if (q.severity) filter.severityRank = { $gte: RANK[q.severity] };
    const docs = await this.db.reports
      .find(filter, { projection: { summaryJson: 1 } })
      .sort(NEWEST_FIRST)
      .limit(q.limit)
      .toArray();
    return docs.map((d) => JSON.parse(d.summaryJson) as ReportSummary);
  }

  async latest(instanceId: string, tier: string, before?: string): Promise<StoredReport | null> {
    const filter: Filter<ReportDoc> = { instanceId, tier: tier as ReportDoc['tier'] };
    if (before != null) filter.startedAt = { $lt: toDate(before) };
    const doc = await this.db.reports.findOne(filter, { projection: { documentJson: 1 }, sort: NEWEST_FIRST });
    return doc ? (JSON.parse(doc.documentJson) as StoredReport) : null;
  }
}
