import type { Collection, Db, Filter, WithId } from 'mongodb';
import type { Waiver, WaiverScope } from '../../waivers/waiver.model.js';
import type { WaiverFilter, WaiverRepository } from '../store.js';
import { iso, toDate } from './mongo-database.js';

export const WAIVERS_COLLECTION = 'waivers';

interface WaiverDoc {
  _id: string;
  checkId: string;
  scope: WaiverScope;
  scopeId: string;
  objectPattern?: string;
  reason: string;
  owner: string;
  expiresAt: Date;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
}

const toWaiver = (d: WithId<WaiverDoc>): Waiver => ({
  id: d._id,
  checkId: d.checkId,
  scope: d.scope,
  scopeId: d.scopeId,
  ...(d.objectPattern != null ? { objectPattern: d.objectPattern } : {}),
  reason: d.reason,
  owner: d.owner,
  expiresAt: iso(d.expiresAt),
  createdAt: iso(d.createdAt),
  createdBy: d.createdBy,
  updatedAt: iso(d.updatedAt),
});

const toDoc = (w: Waiver): WaiverDoc => ({
  _id: w.id,
  checkId: w.checkId,
  scope: w.scope,
  scopeId: w.scopeId,
  ...(w.objectPattern != null ? { objectPattern: w.objectPattern } : {}),
  reason: w.reason,
  owner: w.owner,
  expiresAt: toDate(w.expiresAt),
  createdAt: toDate(w.createdAt),
  createdBy: w.createdBy,
  updatedAt: toDate(w.updatedAt),
});

const ORDER = { checkId: 1, expiresAt: 1, _id: 1 } as const;

/** Waivers in MongoDB, one document each, expiry as a date so "in force" is an index range. */
export class MongoWaiverRepository implements WaiverRepository {
  private readonly waivers: Collection<WaiverDoc>;

  constructor(db: Db) {
    this.waivers = db.collection<WaiverDoc>(WAIVERS_COLLECTION);
  }

  async insert(w: Waiver): Promise<Waiver> {
    await this.waivers.insertOne(toDoc(w));
    return w;
  }

  async get(id: string): Promise<Waiver | null> {
    const doc = await this.waivers.findOne({ _id: id });
    return doc ? toWaiver(doc) : null;
  }

  async list(f: WaiverFilter = {}): Promise<Waiver[]> {
    const filter: Filter<WaiverDoc> = {};
    if (f.checkId != null) filter.checkId = f.checkId;
    if (f.scope != null) filter.scope = f.scope;
    if (f.scopeId != null) filter.scopeId = f.scopeId;
    if (f.activeAt != null) filter.expiresAt = { $gt: toDate(f.activeAt) };
    return (await this.waivers.find(filter).sort(ORDER).toArray()).map(toWaiver);
  }

  async update(w: Waiver): Promise<Waiver | null> {
    const { _id, createdAt: _c, createdBy: _b, ...fields } = toDoc(w);
    const unset = w.objectPattern == null ? { $unset: { objectPattern: '' as const } } : {};
    const doc = await this.waivers.findOneAndUpdate({ _id }, { $set: fields, ...unset }, { returnDocument: 'after' });
    return doc ? toWaiver(doc) : null;
  }

  async remove(id: string): Promise<boolean> {
    const { deletedCount } = await this.waivers.deleteOne({ _id: id });
    return deletedCount > 0;
  }

  async applicable(instanceId: string, businessId: string | undefined, at: string): Promise<Waiver[]> {
    const scopes: Filter<WaiverDoc>[] = [{ scope: 'global' }, { scope: 'instance', scopeId: instanceId }];
    if (businessId) scopes.push({ scope: 'business', scopeId: businessId });
    const docs = await this.waivers
      .find({ expiresAt: { $gt: toDate(at) }, $or: scopes })
      .sort(ORDER)
      .toArray();
    return docs.map(toWaiver);
  }
}
