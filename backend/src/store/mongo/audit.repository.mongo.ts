import type { Filter, WithId } from 'mongodb';
import type { AuditEntry, AuditQuery } from '../../audit/audit.types.js';
import type { AuditRepository } from '../store.js';
import { iso, toDate, type AuditDoc, type MongoDatabase } from './mongo-database.js';

const toEntry = (d: WithId<AuditDoc>): AuditEntry => ({
  id: d._id,
  at: iso(d.at),
  actor: d.actor,
  ...(d.grafanaUser != null ? { grafanaUser: d.grafanaUser } : {}),
  action: d.action,
  targetType: d.targetType,
  ...(d.targetId != null ? { targetId: d.targetId } : {}),
  ...(d.targetName != null ? { targetName: d.targetName } : {}),
  ...(d.detailsJson != null ? { details: JSON.parse(d.detailsJson) as Record<string, unknown> } : {}),
});

/** The audit log in MongoDB, newest first by `at` then id. */
export class MongoAuditRepository implements AuditRepository {
  constructor(private readonly db: MongoDatabase) {}

  async append(e: AuditEntry): Promise<void> {
    await this.db.auditLog.insertOne({
      _id: e.id,
      at: toDate(e.at),
      actor: e.actor,
      ...(e.grafanaUser != null ? { grafanaUser: e.grafanaUser } : {}),
      action: e.action,
      targetType: e.targetType,
      ...(e.targetId != null ? { targetId: e.targetId } : {}),
      ...(e.targetName != null ? { targetName: e.targetName } : {}),
      ...(e.details ? { detailsJson: JSON.stringify(e.details) } : {}),
    });
  }

  async list(q: AuditQuery): Promise<AuditEntry[]> {
    // MongoDB reads limit 0 as "no limit"; SQL LIMIT 0 returns nothing.
    if (q.limit <= 0) return [];
    const filter: Filter<AuditDoc> = {};
    if (q.before != null) filter.at = { $lt: toDate(q.before) };
    if (q.actor != null) filter.actor = q.actor;
    if (q.action != null) filter.action = q.action;
    if (q.targetType != null) filter.targetType = q.targetType;
    const docs = await this.db.auditLog.find(filter).sort({ at: -1, _id: -1 }).limit(q.limit).toArray();
    return docs.map(toEntry);
  }
}
