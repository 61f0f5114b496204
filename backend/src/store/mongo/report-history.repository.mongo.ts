import type { Db } from 'mongodb';
import type { InspectionReport } from '../../reports/report.types.js';
import type { ReportFindingKeys, ReportHistoryRepository } from '../store.js';
import { COLLECTIONS, iso, toDate, type ReportDoc } from './mongo-database.js';

/** Documents are stored as JSON text here, so the keys are cut out after reading; the walk is bounded by `limit`. */
export class MongoReportHistoryRepository implements ReportHistoryRepository {
  constructor(private readonly db: Db) {}

  async findingKeys(instanceId: string, tier: string, before: string, limit: number): Promise<ReportFindingKeys[]> {
    const docs = await this.db
      .collection<ReportDoc>(COLLECTIONS.reports)
      .find(
        { instanceId, tier: tier as ReportDoc['tier'], startedAt: { $lt: toDate(before) } },
        { projection: { startedAt: 1, documentJson: 1 }, sort: { startedAt: -1, _id: -1 }, limit },
      )
      .toArray();
    return docs.map((d) => {
      const report = JSON.parse(d.documentJson) as Pick<InspectionReport, 'findings' | 'checks'>;
      return {
        id: d._id,
        startedAt: iso(d.startedAt),
        findings: (report.findings ?? []).map((f) => ({
          checkId: f.checkId,
          object: f.object,
          ...(f.database != null ? { database: f.database } : {}),
        })),
        notInspected: (report.checks ?? [])
          .filter((c) => c.status === 'error' || c.status === 'skipped')
          .map((c) => c.checkId),
      };
    });
  }
}
