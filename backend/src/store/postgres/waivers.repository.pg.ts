import type { Waiver, WaiverScope } from '../../waivers/waiver.model.js';
import type { WaiverFilter, WaiverRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

const toWaiver = (r: Record<string, unknown>): Waiver => ({
  id: String(r.id),
  checkId: String(r.check_id),
  scope: r.scope as WaiverScope,
  scopeId: String(r.scope_id),
  ...(r.object_pattern != null ? { objectPattern: String(r.object_pattern) } : {}),
  reason: String(r.reason),
  owner: String(r.owner),
  expiresAt: iso(r.expires_at),
  createdAt: iso(r.created_at),
  createdBy: String(r.created_by),
  updatedAt: iso(r.updated_at),
});

export class PgWaiverRepository implements WaiverRepository {
  constructor(private readonly db: PgDatabase) {}

  async insert(w: Waiver): Promise<Waiver> {
    const rows = await this.db.query(
      `INSERT INTO waivers(id, check_id, scope, scope_id, object_pattern, reason, owner, expires_at, created_at,
         created_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *`,
      [
        w.id,
        w.checkId,
        w.scope,
        w.scopeId,
        w.objectPattern ?? null,
        w.reason,
        w.owner,
        w.expiresAt,
        w.createdAt,
        w.createdBy,
        w.updatedAt,
      ],
    );
    return toWaiver(rows[0]!);
  }

  async get(id: string): Promise<Waiver | null> {
    const rows = await this.db.query('SELECT * FROM waivers WHERE id = $1', [id]);
    return rows[0] ? toWaiver(rows[0]) : null;
  }

  async list(f: WaiverFilter = {}): Promise<Waiver[]> {
    const rows = await this.db.query(
      `SELECT * FROM waivers
       WHERE ($1::text IS NULL OR check_id = $1) AND ($2::text IS NULL OR scope = $2)
         AND ($3::text IS NULL OR scope_id = $3) AND ($4::timestamptz IS NULL OR expires_at > $4)
       ORDER BY check_id, expires_at, id`,
      [f.checkId ?? null, f.scope ?? null, f.scopeId ?? null, f.activeAt ?? null],
    );
    return rows.map(toWaiver);
  }

  async update(w: Waiver): Promise<Waiver | null> {
    const rows = await this.db.query(
      `UPDATE waivers SET check_id = $2, scope = $3, scope_id = $4, object_pattern = $5, reason = $6, owner = $7,
         expires_at = $8, updated_at = $9
       WHERE id = $1 RETURNING *`,
      [w.id, w.checkId, w.scope, w.scopeId, w.objectPattern ?? null, w.reason, w.owner, w.expiresAt, w.updatedAt],
    );
    return rows[0] ? toWaiver(rows[0]) : null;
  }

  async remove(id: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM waivers WHERE id = $1 RETURNING id', [id]);
    return rows.length > 0;
  }

  async applicable(instanceId: string, businessId: string | undefined, at: string): Promise<Waiver[]> {
    const rows = await this.db.query(
      `SELECT * FROM waivers
       WHERE expires_at > $3
         AND (scope = 'global' OR (scope = 'instance' AND scope_id = $1) OR (scope = 'business' AND scope_id = $2))
       ORDER BY check_id, expires_at, id`,
      [instanceId, businessId ?? null, at],
    );
    return rows.map(toWaiver);
  }
}
