import type { WithId } from 'mongodb';
import type { ThresholdOverride, ThresholdScope } from '../../thresholds/threshold.model.js';
import type { ThresholdRepository } from '../store.js';
import { iso, toDate, type MongoDatabase, type ThresholdDoc } from './mongo-database.js';
import { isDuplicateKey } from './mongo-errors.js';

const toOverride = (d: WithId<ThresholdDoc>): ThresholdOverride => ({
  checkId: d.checkId,
  scope: d.scope,
  scopeId: d.scopeId,
  values: JSON.parse(d.valuesJson) as Record<string, unknown>,
  updatedAt: iso(d.updatedAt),
  updatedBy: d.updatedBy,
});

/** Threshold overrides in MongoDB, unique per (check, scope, scope id). */
export class MongoThresholdRepository implements ThresholdRepository {
  constructor(private readonly db: MongoDatabase) {}

  async list(checkId?: string): Promise<ThresholdOverride[]> {
    const docs = await this.db.thresholdOverrides
      .find(checkId != null ? { checkId } : {})
      .sort({ checkId: 1, scope: 1, scopeId: 1 })
      .toArray();
    return docs.map(toOverride);
  }

  async put(o: ThresholdOverride): Promise<ThresholdOverride> {
    const key = { checkId: o.checkId, scope: o.scope, scopeId: o.scopeId };
    const upsert = () =>
      this.db.thresholdOverrides.findOneAndUpdate(
        key,
        { $set: { valuesJson: JSON.stringify(o.values), updatedAt: toDate(o.updatedAt), updatedBy: o.updatedBy } },
        { upsert: true, returnDocument: 'after' },
      );
    let doc: WithId<ThresholdDoc> | null;
    try {
      doc = await upsert();
    } catch (err) {
      // Two upserts of a new key raced and the server did not retry the loser itself; now the key exists.
      if (!isDuplicateKey(err)) throw err;
      doc = await upsert();
    }
    if (!doc) throw new Error(`upsert of threshold override ${JSON.stringify(key)} returned no document`);
    return toOverride(doc);
  }

  async remove(checkId: string, scope: ThresholdScope, scopeId: string): Promise<boolean> {
    const { deletedCount } = await this.db.thresholdOverrides.deleteOne({ checkId, scope, scopeId });
    return deletedCount > 0;
  }
}
