import type { AuditEntry, AuditQuery } from '../../audit/audit.types.js';
import type { AuditRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

const toEntry = (r: Record<string, unknown>): AuditEntry => ({
  id: String(r.id),
  at: iso(r.at),
  actor: String(r.actor),
  ...(r.grafana_user != null ? { grafanaUser: String(r.grafana_user) } : {}),
  action: String(r.action),
  targetType: String(r.target_type),
  ...(r.target_id != null ? { targetId: String(r.target_id) } : {}),
  ...(r.target_name != null ? { targetName: String(r.target_name) } : {}),
  ...(r.details != null ? { details: r.details as Record<string, unknown> } : {}),
});

export class PgAuditRepository implements AuditRepository {
  constructor(private readonly db: PgDatabase) {}

  async append(e: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log(id, at, actor, grafana_user, action, target_type, target_id, target_name, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        e.id,
        e.at,
        e.actor,
        e.grafanaUser ?? null,
        e.action,
        e.targetType,
        e.targetId ?? null,
        e.targetName ?? null,
        e.details ? JSON.stringify(e.details) : null,
      ],
    );
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    const rows = await this.db.query(
      `SELECT * FROM audit_log
       WHERE ($1::timestamptz IS NULL OR at < $1) AND ($2::text IS NULL OR actor = $2)
         AND ($3::text IS NULL OR action = $3) AND ($4::text IS NULL OR target_type = $4)
       ORDER BY at DESC, id DESC LIMIT $5`,
      [q.before ?? null, q.actor ?? null, q.action ?? null, q.targetType ?? null, q.limit],
    );
    return rows.map(toEntry);
  }
}
