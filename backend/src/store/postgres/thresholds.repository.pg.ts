import type { ThresholdOverride, ThresholdScope } from '../../thresholds/threshold.model.js';
import type { ThresholdRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

const toOverride = (r: Record<string, unknown>): ThresholdOverride => ({
  checkId: String(r.check_id),
  scope: r.scope as ThresholdScope,
  scopeId: String(r.scope_id),
  values: r.values as Record<string, unknown>,
  updatedAt: iso(r.updated_at),
  updatedBy: String(r.updated_by),
});

export class PgThresholdRepository implements ThresholdRepository {
  constructor(private readonly db: PgDatabase) {}

  async list(checkId?: string): Promise<ThresholdOverride[]> {
    const rows = await this.db.query(
      `SELECT * FROM threshold_overrides WHERE ($1::text IS NULL OR check_id = $1) ORDER BY check_id, scope, scope_id`,
      [checkId ?? null],
    );
    return rows.map(toOverride);
  }

  async put(o: ThresholdOverride): Promise<ThresholdOverride> {
    const rows = await this.db.query(
      `INSERT INTO threshold_overrides(check_id, scope, scope_id, "values", updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (check_id, scope, scope_id)
       DO UPDATE SET "values" = EXCLUDED."values", updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
       RETURNING *`,
      [o.checkId, o.scope, o.scopeId, JSON.stringify(o.values), o.updatedAt, o.updatedBy],
    );
    return toOverride(rows[0]!);
  }

  async remove(checkId: string, scope: ThresholdScope, scopeId: string): Promise<boolean> {
    const rows = await this.db.query(
      'DELETE FROM threshold_overrides WHERE check_id = $1 AND scope = $2 AND scope_id = $3 RETURNING check_id',
      [checkId, scope, scopeId],
    );
    return rows.length > 0;
  }
}
