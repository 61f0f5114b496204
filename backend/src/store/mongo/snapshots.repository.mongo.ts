import type { Collection, Db } from 'mongodb';
import type { CounterSnapshot, StatementSample } from '../../snapshots/snapshot.model.js';
import type { SnapshotRepository } from '../store.js';
import { COLLECTIONS } from './mongo-database.js';
import { isDuplicateKey } from './mongo-errors.js';

interface SnapshotDoc {
  _id: string;
  instanceId: string;
  takenAt: Date;
  serverStartedAt: Date;
  /** JSON text: counter names contain dots (`db.app.deadlocks`). */
  countersJson: string;
  /** JSON text of the statement samples (migration 11); absent when none were collected. */
  statementsJson?: string;
}

const toSnapshot = (d: SnapshotDoc): CounterSnapshot => ({
  instanceId: d.instanceId,
  takenAt: d.takenAt.toISOString(),
  serverStartedAt: d.serverStartedAt.toISOString(),
  counters: JSON.parse(d.countersJson) as Record<string, number>,
  ...(d.statementsJson ? { statements: JSON.parse(d.statementsJson) as StatementSample[] } : {}),
});

export class MongoSnapshotRepository implements SnapshotRepository {
  private readonly col: Collection<SnapshotDoc>;

  constructor(db: Db) {
    this.col = db.collection<SnapshotDoc>(COLLECTIONS.counterSnapshots);
  }

  async insert(s: CounterSnapshot): Promise<void> {
    try {
      await this.col.insertOne({
        _id: `${s.instanceId}|${new Date(s.takenAt).toISOString()}`,
        instanceId: s.instanceId,
        takenAt: new Date(s.takenAt),
        serverStartedAt: new Date(s.serverStartedAt),
        countersJson: JSON.stringify(s.counters),
        ...(s.statements ? { statementsJson: JSON.stringify(s.statements) } : {}),
      });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async latestAtOrBefore(instanceId: string, at: string): Promise<CounterSnapshot | null> {
    const d = await this.col.findOne({ instanceId, takenAt: { $lte: new Date(at) } }, { sort: { takenAt: -1 } });
    return d ? toSnapshot(d) : null;
  }

  async firstBetween(instanceId: string, from: string, to: string): Promise<CounterSnapshot | null> {
    const d = await this.col.findOne(
      { instanceId, takenAt: { $gte: new Date(from), $lt: new Date(to) } },
      { sort: { takenAt: 1 } },
    );
    return d ? toSnapshot(d) : null;
  }

  async prune(before: string): Promise<number> {
    return (await this.col.deleteMany({ takenAt: { $lt: new Date(before) } })).deletedCount;
  }
}
