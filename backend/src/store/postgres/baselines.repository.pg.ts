import type { BaselineScope, ParameterBaseline } from '../../baselines/baseline.model.js';
import type { EngineFamily } from '../../checks/check.types.js';
import type { ParameterBaselineRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

const toBaseline = (r: Record<string, unknown>): ParameterBaseline => ({
  scope: r.scope as BaselineScope,
  scopeId: String(r.scope_id),
  engine: r.engine as EngineFamily,
  parameters: r.parameters as Record<string, string>,
  ...(r.from_report_id != null ? { fromReportId: String(r.from_report_id) } : {}),
  ...(r.note != null ? { note: String(r.note) } : {}),
  updatedAt: iso(r.updated_at),
  updatedBy: String(r.updated_by),
});

/** Parameter baselines in one table (migration 12), keyed by scope, scope id and engine family. */
export class PgBaselineRepository implements ParameterBaselineRepository {
  constructor(private readonly db: PgDatabase) {}

  async get(scope: BaselineScope, scopeId: string, engine: EngineFamily): Promise<ParameterBaseline | null> {
    const rows = await this.db.query(
      'SELECT * FROM parameter_baselines WHERE scope = $1 AND scope_id = $2 AND engine = $3',
      [scope, scopeId, engine],
    );
    return rows[0] ? toBaseline(rows[0]) : null;
  }

  async list(filter: { scope?: BaselineScope; scopeId?: string } = {}): Promise<ParameterBaseline[]> {
    const rows = await this.db.query(
      `SELECT * FROM parameter_baselines WHERE ($1::text IS NULL OR scope = $1) AND ($2::text IS NULL OR scope_id = $2)
       ORDER BY scope, scope_id, engine`,
      [filter.scope ?? null, filter.scopeId ?? null],
    );
    return rows.map(toBaseline);
  }

  async put(b: ParameterBaseline): Promise<ParameterBaseline> {
    const rows = await this.db.query(
      `INSERT INTO parameter_baselines(scope, scope_id, engine, parameters, from_report_id, note, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (scope, scope_id, engine) DO UPDATE SET parameters = EXCLUDED.parameters,
         from_report_id = EXCLUDED.from_report_id, note = EXCLUDED.note, updated_at = EXCLUDED.updated_at,
         updated_by = EXCLUDED.updated_by
       RETURNING *`,
      [
        b.scope,
        b.scopeId,
        b.engine,
        JSON.stringify(b.parameters),
        b.fromReportId ?? null,
        b.note ?? null,
        b.updatedAt,
        b.updatedBy,
      ],
    );
    return toBaseline(rows[0]!);
  }

  async remove(scope: BaselineScope, scopeId: string, engine: EngineFamily): Promise<boolean> {
    const rows = await this.db.query(
      'DELETE FROM parameter_baselines WHERE scope = $1 AND scope_id = $2 AND engine = $3 RETURNING scope',
      [scope, scopeId, engine],
    );
    return rows.length > 0;
  }

  async inForce(
    instanceId: string,
    businessId: string | undefined,
    engine: EngineFamily,
  ): Promise<ParameterBaseline | null> {
    const rows = await this.db.query(
      `SELECT * FROM parameter_baselines
       WHERE engine = $3 AND ((scope = 'instance' AND scope_id = $1) OR (scope = 'business' AND scope_id = $2))
       ORDER BY scope = 'instance' DESC LIMIT 1`,
      [instanceId, businessId ?? null, engine],
    );
    return rows[0] ? toBaseline(rows[0]) : null;
  }
}
