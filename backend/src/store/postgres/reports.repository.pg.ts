import type { Severity } from '../../checks/check.types.js';
import { summarize, type ReportQuery, type ReportSummary, type StoredReport } from '../../reports/report.model.js';
import type { ReportRepository } from '../store.js';
import type { PgDatabase } from './pg-database.js';

const RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

export class PgReportRepository implements ReportRepository {
  constructor(private readonly db: PgDatabase) {}

  async insert(r: StoredReport): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO reports(id, instance_id, business_id, tier, started_at, window_from, window_to, score, max_severity,
         summary, document, inspection_id, schedule_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (inspection_id, instance_id) WHERE inspection_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        r.id,
        r.instanceId,
        r.businessId ?? null,
        r.tier,
        r.startedAt,
        r.window.from,
        r.window.to,
        r.score,
        r.maxSeverity ? RANK[r.maxSeverity] : null,
        JSON.stringify(summarize(r)),
        JSON.stringify(r),
        r.inspectionId ?? null,
        r.scheduleId ?? null,
      ],
    );
    return rows.length === 1;
  }

  async get(id: string): Promise<StoredReport | null> {
    const rows = await this.db.query<{ document: StoredReport }>('SELECT document FROM reports WHERE id = $1', [id]);
    return rows[0]?.document ?? null;
  }

  async list(q: ReportQuery): Promise<ReportSummary[]> {
    const rows = await this.db.query<{ summary: ReportSummary }>(
      `SELECT summary FROM reports
       WHERE ($1::text IS NULL OR instance_id = $1) AND ($2::text IS NULL OR business_id = $2)
         AND ($3::text IS NULL OR tier = $3) AND ($4::timestamptz IS NULL OR started_at >= $4)
         AND ($5::timestamptz IS NULL OR started_at < $5) AND ($6::int IS NULL OR max_severity >= $6)
         AND ($7::timestamptz IS NULL OR started_at < $7)
         AND ($9::text IS NULL OR inspection_id = $9) AND ($10::text IS NULL OR schedule_id = $10)
       ORDER BY started_at DESC, id DESC LIMIT $8`,
      [
        q.instanceId ?? null,
        q.businessId ?? null,
        q.tier ?? null,
        q.from ?? null,
        q.to ?? null,
        q.severity ? RANK[q.severity] : null,
        q.before ?? null,
        q.limit,
        q.inspectionId ?? null,
        q.scheduleId ?? null,
      ],
    );
    return rows.map((r) => r.summary);
  }

  async latest(instanceId: string, tier: string, before?: string): Promise<StoredReport | null> {
    const rows = await this.db.query<{ document: StoredReport }>(
      `SELECT document FROM reports WHERE instance_id = $1 AND tier = $2 AND ($3::timestamptz IS NULL OR started_at < $3)
       ORDER BY started_at DESC, id DESC LIMIT 1`,
      [instanceId, tier, before ?? null],
    );
    return rows[0]?.document ?? null;
  }
}
