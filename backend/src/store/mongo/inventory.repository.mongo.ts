import type { AnyBulkWriteOperation, ClientSession, Filter } from 'mongodb';
import { ConflictError, InputError, NotFoundError } from '../../errors/domain-errors.js';
import type { Business, Host, InstanceRecord } from '../../inventory/inventory.schema.js';
import type {
  HostFilter,
  InstanceFilter,
  InventoryRepository,
  InventorySnapshot,
  InventoryWritePlan,
} from '../store.js';
import {
  and,
  businessFields,
  hostFields,
  instanceFields,
  labelConditions,
  setFields,
  toBusiness,
  toHost,
  toInstance,
} from './inventory.documents.mongo.js';
import { byId, checkChanges, relevantTo, remove, restore } from './inventory.plan.mongo.js';
import {
  COLLECTIONS,
  toDate,
  type BusinessDoc,
  type HostDoc,
  type InstanceDoc,
  type MongoDatabase,
  type ParentDoc,
} from './mongo-database.js';
import { translateWriteError } from './mongo-errors.js';

type Session = ClientSession | undefined;
type Op = 'insert' | 'update';

/** Businesses, hosts and instances in MongoDB; parent checks and all-or-nothing writes run in transactions. */
export class MongoInventoryRepository implements InventoryRepository {
  constructor(private readonly db: MongoDatabase) {}

  async listBusinesses(): Promise<Business[]> {
    return (await this.db.businesses.find({}).sort({ name: 1 }).toArray()).map(toBusiness);
  }

  async getBusiness(id: string): Promise<Business | null> {
    const doc = await this.db.businesses.findOne({ _id: id });
    return doc ? toBusiness(doc) : null;
  }

  insertBusiness(b: Business): Promise<Business> {
    return this.putBusiness(b, 'insert', undefined);
  }

  updateBusiness(b: Business): Promise<Business> {
    return this.putBusiness(b, 'update', undefined);
  }

  async deleteBusiness(id: string): Promise<void> {
    await this.db.inTransaction(async (session) => {
      const doc = await this.db.businesses.findOne({ _id: id }, { session, projection: { name: 1 } });
      if (!doc) throw new NotFoundError(`no business with id ${id}`);
      if (await this.db.hosts.findOne({ businessId: id }, { session, projection: { _id: 1 } })) {
        throw new ConflictError(`business "${doc.name}" still has hosts; delete them first`);
      }
      const { deletedCount } = await this.db.businesses.deleteOne({ _id: id }, { session });
      if (deletedCount === 0) throw new NotFoundError(`no business with id ${id}`);
    });
  }

  async listHosts(filter: HostFilter = {}): Promise<Host[]> {
    const conditions: Filter<HostDoc>[] = [...labelConditions(filter.labels)];
    if (filter.businessId != null) conditions.unshift({ businessId: filter.businessId });
    return (await this.db.hosts.find(and(conditions)).sort({ name: 1 }).toArray()).map(toHost);
  }

  async getHost(id: string): Promise<Host | null> {
    const doc = await this.db.hosts.findOne({ _id: id });
    return doc ? toHost(doc) : null;
  }

  insertHost(h: Host): Promise<Host> {
    return this.db.inTransaction((session) => this.putHost(h, 'insert', session));
  }

  updateHost(h: Host): Promise<Host> {
    return this.db.inTransaction((session) => this.putHost(h, 'update', session));
  }

  async deleteHost(id: string): Promise<void> {
    await this.db.inTransaction(async (session) => {
      const doc = await this.db.hosts.findOne({ _id: id }, { session, projection: { name: 1 } });
      if (!doc) throw new NotFoundError(`no host with id ${id}`);
      if (await this.db.instances.findOne({ hostId: id }, { session, projection: { _id: 1 } })) {
        throw new ConflictError(`host "${doc.name}" still has instances; delete them first`);
      }
      const { deletedCount } = await this.db.hosts.deleteOne({ _id: id }, { session });
      if (deletedCount === 0) throw new NotFoundError(`no host with id ${id}`);
    });
  }

  async listInstances(filter: InstanceFilter = {}): Promise<InstanceRecord[]> {
    const conditions: Filter<InstanceDoc>[] = [];
    if (filter.businessId != null) {
      const hostIds = await this.db.hosts.distinct('_id', { businessId: filter.businessId });
      conditions.push({ hostId: { $in: hostIds } });
    }
    if (filter.hostId != null) conditions.push({ hostId: filter.hostId });
    if (filter.engine != null) conditions.push({ engine: filter.engine });
    conditions.push(...labelConditions(filter.labels));
    return (await this.db.instances.find(and(conditions)).sort({ name: 1 }).toArray()).map(toInstance);
  }

  async getInstance(id: string): Promise<InstanceRecord | null> {
    const doc = await this.db.instances.findOne({ _id: id });
    return doc ? toInstance(doc) : null;
  }

  insertInstance(i: InstanceRecord): Promise<InstanceRecord> {
    return this.db.inTransaction((session) => this.putInstance(i, 'insert', session));
  }

  updateInstance(i: InstanceRecord): Promise<InstanceRecord> {
    return this.db.inTransaction((session) => this.putInstance(i, 'update', session));
  }

  async deleteInstance(id: string): Promise<void> {
    const { deletedCount } = await this.db.instances.deleteOne({ _id: id });
    if (deletedCount === 0) throw new NotFoundError(`no instance with id ${id}`);
  }

  snapshot(): Promise<InventorySnapshot> {
    return this.db.inTransaction(async (session) => ({
      businesses: (await this.db.businesses.find({}, { session }).sort({ name: 1 }).toArray()).map(toBusiness),
      hosts: (await this.db.hosts.find({}, { session }).sort({ name: 1 }).toArray()).map(toHost),
      instances: (await this.db.instances.find({}, { session }).sort({ name: 1 }).toArray()).map(toInstance),
    }));
  }

  async applyPlan(plan: InventoryWritePlan): Promise<void> {
    const size = [plan.businesses, plan.hosts, plan.instances].reduce(
      (n, c) => n + c.create.length + c.update.length,
      0,
    );
    if (size === 0) return;
    await this.db.inTransaction(
      (session) => this.writePlan(plan, session),
      () => this.applyPlanWithoutTransaction(plan),
    );
  }

  async replaceSealedPasswords(sealed: { id: string; passwordSealed: string }[]): Promise<void> {
    if (sealed.length === 0) return;
    const ops: AnyBulkWriteOperation<InstanceDoc>[] = sealed.map((s) => ({
      updateOne: { filter: { _id: s.id }, update: { $set: { passwordSealed: s.passwordSealed } } },
    }));
    await this.db.inTransaction(
      async (session) => {
        await this.db.instances.bulkWrite(ops, { session, ordered: true });
      },
      async () => {
        const before = await this.db.instances
          .find({ _id: { $in: sealed.map((s) => s.id) } }, { projection: { passwordSealed: 1 } })
          .toArray();
        try {
          await this.db.instances.bulkWrite(ops, { ordered: true });
        } catch (err) {
          const undo: AnyBulkWriteOperation<InstanceDoc>[] = before.map((d) => ({
            updateOne: {
              filter: { _id: d._id },
              update:
                d.passwordSealed != null
                  ? { $set: { passwordSealed: d.passwordSealed } }
                  : { $unset: { passwordSealed: '' } },
            },
          }));
          if (undo.length > 0) await this.db.instances.bulkWrite(undo, { ordered: false }).catch(() => undefined);
          throw err;
        }
      },
    );
  }

  private async writePlan(plan: InventoryWritePlan, session: Session): Promise<void> {
    // Updates first so that renames free names that creations may reuse.
    for (const b of plan.businesses.update) await this.putBusiness(b, 'update', session);
    for (const b of plan.businesses.create) await this.putBusiness(b, 'insert', session);
    for (const h of plan.hosts.update) await this.putHost(h, 'update', session);
    for (const h of plan.hosts.create) await this.putHost(h, 'insert', session);
    for (const i of plan.instances.update) await this.putInstance(i, 'update', session);
    for (const i of plan.instances.create) await this.putInstance(i, 'insert', session);
  }

  /**
   * Without transactions: check the whole plan first so that its expected failures (names, ids, parents) write
   * nothing, then write in order, undoing the writes already made if one still fails (best effort, not isolated).
   */
  private async applyPlanWithoutTransaction(plan: InventoryWritePlan): Promise<void> {
    const before = await this.checkPlan(plan);
    const { businesses, hosts, instances } = this.db;
    const undo: (() => Promise<unknown>)[] = [];
    try {
      for (const b of plan.businesses.update) {
        await this.putBusiness(b, 'update', undefined);
        undo.push(() => restore(businesses, before.businesses.get(b.id)));
      }
      for (const b of plan.businesses.create) {
        await this.putBusiness(b, 'insert', undefined);
        undo.push(() => remove(businesses, b.id));
      }
      for (const h of plan.hosts.update) {
        await this.putHost(h, 'update', undefined);
        undo.push(() => restore(hosts, before.hosts.get(h.id)));
      }
      for (const h of plan.hosts.create) {
        await this.putHost(h, 'insert', undefined);
        undo.push(() => remove(hosts, h.id));
      }
      for (const i of plan.instances.update) {
        await this.putInstance(i, 'update', undefined);
        undo.push(() => restore(instances, before.instances.get(i.id)));
      }
      for (const i of plan.instances.create) {
        await this.putInstance(i, 'insert', undefined);
        undo.push(() => remove(instances, i.id));
      }
    } catch (err) {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw err;
    }
  }

  /** Throws what applying `plan` would throw; returns the documents it updates, as they are now. */
  private async checkPlan(plan: InventoryWritePlan) {
    const { businesses, hosts, instances } = this.db;

    const storedBusinesses = await businesses.find(relevantTo(plan.businesses)).toArray();
    checkChanges('business', storedBusinesses, plan.businesses, () => undefined);

    const businessRefs = [...plan.hosts.update, ...plan.hosts.create].map((h) => h.businessId);
    const businessIds = new Set([
      ...(await businesses.distinct('_id', { _id: { $in: businessRefs } })),
      ...plan.businesses.create.map((b) => b.id),
    ]);
    const storedHosts = await hosts.find(relevantTo(plan.hosts)).toArray();
    checkChanges('host', storedHosts, plan.hosts, (h) =>
      businessIds.has(h.businessId) ? undefined : InputError.field('businessId', 'no business with this id'),
    );

    const hostRefs = [...plan.instances.update, ...plan.instances.create].map((i) => i.hostId);
    const hostIds = new Set([
      ...(await hosts.distinct('_id', { _id: { $in: hostRefs } })),
      ...plan.hosts.create.map((h) => h.id),
    ]);
    const storedInstances = await instances.find(relevantTo(plan.instances)).toArray();
    checkChanges('instance', storedInstances, plan.instances, (i) =>
      hostIds.has(i.hostId) ? undefined : InputError.field('hostId', 'no host with this id'),
    );

    return { businesses: byId(storedBusinesses), hosts: byId(storedHosts), instances: byId(storedInstances) };
  }

  private async putBusiness(b: Business, op: Op, session: Session): Promise<Business> {
    try {
      if (op === 'insert') {
        const doc: BusinessDoc = { _id: b.id, ...businessFields(b), createdAt: toDate(b.createdAt) };
        await this.db.businesses.insertOne(doc, { session });
        return toBusiness(doc);
      }
      const doc = await this.db.businesses.findOneAndUpdate(
        { _id: b.id },
        setFields<BusinessDoc>(businessFields(b), ['description']),
        { session, returnDocument: 'after' },
      );
      if (!doc) throw new NotFoundError(`no business with id ${b.id}`);
      return toBusiness(doc);
    } catch (err) {
      translateWriteError(err, { kind: 'business', name: b.name });
    }
  }

  private async putHost(h: Host, op: Op, session: Session): Promise<Host> {
    // Without a transaction a failed parent check could not be undone, so it comes first.
    if (!session) await this.requireParent('business', h.businessId, undefined);
    let host: Host;
    try {
      if (op === 'insert') {
        const doc: HostDoc = { _id: h.id, ...hostFields(h), createdAt: toDate(h.createdAt) };
        await this.db.hosts.insertOne(doc, { session });
        host = toHost(doc);
      } else {
        const doc = await this.db.hosts.findOneAndUpdate({ _id: h.id }, setFields<HostDoc>(hostFields(h), []), {
          session,
          returnDocument: 'after',
        });
        if (!doc) throw new NotFoundError(`no host with id ${h.id}`);
        host = toHost(doc);
      }
    } catch (err) {
      translateWriteError(err, { kind: 'host', name: h.name });
    }
    if (session) await this.requireParent('business', h.businessId, session);
    return host;
  }

  private async putInstance(i: InstanceRecord, op: Op, session: Session): Promise<InstanceRecord> {
    if (!session) await this.requireParent('host', i.hostId, undefined);
    let instance: InstanceRecord;
    try {
      if (op === 'insert') {
        const doc: InstanceDoc = { _id: i.id, ...instanceFields(i), createdAt: toDate(i.createdAt) };
        await this.db.instances.insertOne(doc, { session });
        instance = toInstance(doc);
      } else {
        const doc = await this.db.instances.findOneAndUpdate(
          { _id: i.id },
          setFields<InstanceDoc>(instanceFields(i), ['passwordSealed', 'database', 'tls', 'backupEvidenceSql']),
          { session, returnDocument: 'after' },
        );
        if (!doc) throw new NotFoundError(`no instance with id ${i.id}`);
        instance = toInstance(doc);
      }
    } catch (err) {
      translateWriteError(err, { kind: 'instance', name: i.name });
    }
    if (session) await this.requireParent('host', i.hostId, session);
    return instance;
  }

  /**
   * Throws `InputError` unless the parent exists. In a transaction it also bumps the parent's `childSeq`: MongoDB has
   * no foreign keys, and under snapshot isolation a concurrent "delete the parent if it has no children" would not
   * see our child and both would commit. Writing the parent makes the two transactions conflict, so one is retried
   * and sees the other's outcome.
   */
  private async requireParent(kind: 'business' | 'host', id: string, session: Session): Promise<void> {
    const parents = this.db.db.collection<ParentDoc>(kind === 'business' ? COLLECTIONS.businesses : COLLECTIONS.hosts);
    const found = session
      ? (await parents.updateOne({ _id: id }, { $inc: { childSeq: 1 } }, { session })).matchedCount > 0
      : (await parents.countDocuments({ _id: id }, { limit: 1 })) > 0;
    if (found) return;
    throw kind === 'business'
      ? InputError.field('businessId', 'no business with this id')
      : InputError.field('hostId', 'no host with this id');
  }
}
