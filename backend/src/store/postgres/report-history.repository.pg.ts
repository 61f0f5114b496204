import type { ReportFindingKeys, ReportHistoryRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

export class PgReportHistoryRepository implements ReportHistoryRepository {
  constructor(private readonly db: PgDatabase) {}

  async findingKeys(instanceId: string, tier: string, before: string, limit: number): Promise<ReportFindingKeys[]> {
    // The keys are cut out of the documents by the server, so a walk of 100 reports moves kilobytes, not documents.
    const rows = await this.db.query(
      `SELECT id, started_at,
         COALESCE((SELECT jsonb_agg(jsonb_build_object('checkId', f->>'checkId', 'object', f->>'object',
                     'database', f->>'database'))
                   FROM jsonb_array_elements(COALESCE(document->'findings', '[]'::jsonb)) f), '[]'::jsonb) AS findings,
         COALESCE((SELECT jsonb_agg(c->>'checkId')
                   FROM jsonb_array_elements(COALESCE(document->'checks', '[]'::jsonb)) c
                   WHERE c->>'status' IN ('error', 'skipped')), '[]'::jsonb) AS not_inspected
       FROM reports
       WHERE instance_id = $1 AND tier = $2 AND started_at < $3
       ORDER BY started_at DESC, id DESC
       LIMIT $4`,
      [instanceId, tier, before, limit],
    );
    return rows.map((r) => ({
      id: String(r.id),
      startedAt: iso(r.started_at),
      findings: (r.findings as { checkId: string; object: string; database: string | null }[]).map((f) => ({
        checkId: f.checkId,
        object: f.object,
        ...(f.database != null ? { database: f.database } : {}),
      })),
      notInspected: r.not_inspected as string[],
    }));
  }
}
