import type { Inspection, InstanceProgress } from '../../inspections/inspection.model.js';
import type { InspectionFilter, InspectionRepository } from '../store.js';
import type { PgDatabase } from './pg-database.js';

type Row = { document: Inspection; state: string; attempt: number; cancel_requested: boolean };

/** The document is the source; the columns mirror what queries and claims need and win when read back. */
const toInspection = (r: Row): Inspection => ({
  ...r.document,
  state: r.state as Inspection['state'],
  attempt: Number(r.attempt),
  cancelRequested: Boolean(r.cancel_requested),
});

const FINISHED = `('succeeded', 'partial', 'failed', 'cancelled', 'missed')`;

export class PgInspectionRepository implements InspectionRepository {
  constructor(private readonly db: PgDatabase) {}

  async insertImmediate(i: Inspection): Promise<{ inspection: Inspection; created: boolean }> {
    const rows = await this.db.query<Row>(
      `INSERT INTO inspections(id, request_id, state, attempt, cancel_requested, created_at, document)
       VALUES ($1, $2, $3, $4, false, $5, $6)
       ON CONFLICT (request_id) WHERE request_id IS NOT NULL DO NOTHING
       RETURNING document, state, attempt, cancel_requested`,
      [i.id, i.requestId ?? null, i.state, i.attempt, i.createdAt, JSON.stringify(i)],
    );
    if (rows[0]) return { inspection: toInspection(rows[0]), created: true };
    const existing = await this.db.query<Row>(
      'SELECT document, state, attempt, cancel_requested FROM inspections WHERE request_id = $1',
      [i.requestId],
    );
    return { inspection: toInspection(existing[0]!), created: false };
  }

  async claimOccurrence(i: Inspection): Promise<Inspection | null> {
    const rows = await this.db.query<Row>(
      `INSERT INTO inspections(id, schedule_id, fire_at, state, attempt, cancel_requested, created_at, document)
       VALUES ($1, $2, $3, $4, 1, false, $5, $6)
       ON CONFLICT (schedule_id, fire_at) WHERE schedule_id IS NOT NULL
       DO UPDATE SET attempt = inspections.attempt + 1
         WHERE inspections.state NOT IN ${FINISHED}
       RETURNING document, state, attempt, cancel_requested`,
      [i.id, i.scheduleId, i.fireAt, i.state, i.createdAt, JSON.stringify({ ...i, attempt: 1 })],
    );
    return rows[0] ? toInspection(rows[0]) : null;
  }

  async claimImmediate(id: string): Promise<Inspection | null> {
    const rows = await this.db.query<Row>(
      `UPDATE inspections SET attempt = attempt + 1 WHERE id = $1 AND state NOT IN ${FINISHED}
       RETURNING document, state, attempt, cancel_requested`,
      [id],
    );
    return rows[0] ? toInspection(rows[0]) : null;
  }

  async get(id: string): Promise<Inspection | null> {
    const rows = await this.db.query<Row>(
      'SELECT document, state, attempt, cancel_requested FROM inspections WHERE id = $1',
      [id],
    );
    return rows[0] ? toInspection(rows[0]) : null;
  }

  async getOccurrence(scheduleId: string, fireAt: string): Promise<Inspection | null> {
    const rows = await this.db.query<Row>(
      'SELECT document, state, attempt, cancel_requested FROM inspections WHERE schedule_id = $1 AND fire_at = $2',
      [scheduleId, fireAt],
    );
    return rows[0] ? toInspection(rows[0]) : null;
  }

  async list(f: InspectionFilter): Promise<Inspection[]> {
    const rows = await this.db.query<Row>(
      `SELECT document, state, attempt, cancel_requested FROM inspections
       WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR schedule_id = $2)
         AND ($3::timestamptz IS NULL OR created_at < $3)
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [f.state ?? null, f.scheduleId ?? null, f.before ?? null, f.limit],
    );
    return rows.map(toInspection);
  }

  async update(
    id: string,
    attempt: number,
    patch: Partial<Pick<Inspection, 'state' | 'startedAt' | 'finishedAt' | 'worker' | 'error' | 'progress'>>,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE inspections SET document = document || $3::jsonb, state = COALESCE($4, state)
       WHERE id = $1 AND attempt = $2 AND state NOT IN ${FINISHED} RETURNING id`,
      [id, attempt, JSON.stringify(patch), patch.state ?? null],
    );
    return rows.length === 1;
  }

  async setProgress(id: string, attempt: number, progress: InstanceProgress): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE inspections SET document = jsonb_set(document, '{progress}',
         COALESCE((SELECT jsonb_agg(CASE WHEN p->>'instanceId' = $3 THEN $4::jsonb ELSE p END)
                   FROM jsonb_array_elements(document->'progress') p), '[]'::jsonb))
       WHERE id = $1 AND attempt = $2 RETURNING id`,
      [id, attempt, progress.instanceId, JSON.stringify(progress)],
    );
    return rows.length === 1;
  }

  async requestCancel(id: string): Promise<Inspection | null> {
    const rows = await this.db.query<Row>(
      `UPDATE inspections SET cancel_requested = true,
         state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
         document = CASE WHEN state = 'queued' THEN document || jsonb_build_object('finishedAt', to_jsonb(now())) ELSE document END
       WHERE id = $1 RETURNING document, state, attempt, cancel_requested`,
      [id],
    );
    return rows[0] ? toInspection(rows[0]) : null;
  }
}
