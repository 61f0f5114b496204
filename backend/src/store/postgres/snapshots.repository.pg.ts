import type { CounterSnapshot, StatementSample } from '../../snapshots/snapshot.model.js';
import type { SnapshotRepository } from '../store.js';
import { iso, type PgDatabase } from './pg-database.js';

const toSnapshot = (r: Record<string, unknown>): CounterSnapshot => ({
  instanceId: String(r.instance_id),
  takenAt: iso(r.taken_at),
  serverStartedAt: iso(r.server_started_at),
  counters: r.counters as Record<string, number>,
  ...(r.statements ? { statements: r.statements as StatementSample[] } : {}),
});

export class PgSnapshotRepository implements SnapshotRepository {
  constructor(private readonly db: PgDatabase) {}

  async insert(s: CounterSnapshot): Promise<void> {
    await this.db.query(
      `INSERT INTO counter_snapshots(instance_id, taken_at, server_started_at, counters, statements)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (instance_id, taken_at) DO NOTHING`,
      [
        s.instanceId,
        s.takenAt,
        s.serverStartedAt,
        JSON.stringify(s.counters),
        s.statements ? JSON.stringify(s.statements) : null,
      ],
    );
  }

  async latestAtOrBefore(instanceId: string, at: string): Promise<CounterSnapshot | null> {
    const rows = await this.db.query(
      'SELECT * FROM counter_snapshots WHERE instance_id = $1 AND taken_at <= $2 ORDER BY taken_at DESC LIMIT 1',
      [instanceId, at],
    );
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  async firstBetween(instanceId: string, from: string, to: string): Promise<CounterSnapshot | null> {
    const rows = await this.db.query(
      'SELECT * FROM counter_snapshots WHERE instance_id = $1 AND taken_at >= $2 AND taken_at < $3 ORDER BY taken_at LIMIT 1',
      [instanceId, from, to],
    );
    return rows[0] ? toSnapshot(rows[0]) : null;
  }

  async prune(before: string): Promise<number> {
    const rows = await this.db.query('DELETE FROM counter_snapshots WHERE taken_at < $1 RETURNING 1', [before]);
    return rows.length;
  }
}
