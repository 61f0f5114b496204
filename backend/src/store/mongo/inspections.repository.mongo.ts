import type { Document, Filter, UpdateFilter, WithId } from 'mongodb';
import {
  FINISHED_STATES,
  type Inspection,
  type InspectionTrigger,
  type InstanceProgress,
} from '../../inspections/inspection.model.js';
import type { InstanceSelector } from '../../schedules/schedule.model.js';
import type { InspectionFilter, InspectionRepository } from '../store.js';
import { iso, toDate, type InspectionDoc, type MongoDatabase } from './mongo-database.js';
import { isDuplicateKey } from './mongo-errors.js';

/** The fields `update` may write. */
export type InspectionPatch = Partial<
  Pick<Inspection, 'state' | 'startedAt' | 'finishedAt' | 'worker' | 'error' | 'progress'>
>;

const FINISHED: readonly string[] = FINISHED_STATES;

// The driver writes `undefined` as null, and a present null would read back as a value: optional fields are built
// field by field, absent when unset (the PostgreSQL adapter's JSON drops them alike).

const triggerOf = (t: InspectionTrigger): InspectionTrigger =>
  t.kind === 'manual'
    ? { kind: 'manual', actor: t.actor }
    : { kind: 'schedule', scheduleId: t.scheduleId, scheduleName: t.scheduleName };

/** One progress entry with exactly its set fields (for writing and for reading back). */
export function progressOf(p: InstanceProgress): InstanceProgress {
  return {
    instanceId: p.instanceId,
    instanceName: p.instanceName,
    state: p.state,
    checksDone: Number(p.checksDone),
    checksTotal: Number(p.checksTotal),
    ...(p.reportId != null ? { reportId: p.reportId } : {}),
    ...(p.score != null ? { score: Number(p.score) } : {}),
    ...(p.error != null ? { error: p.error } : {}),
  };
}

/** The document an inspection is stored as. */
export function inspectionDoc(i: Inspection): InspectionDoc {
  return {
    _id: i.id,
    ...(i.requestId != null ? { requestId: i.requestId } : {}),
    ...(i.scheduleId != null ? { scheduleId: i.scheduleId } : {}),
    ...(i.fireAt != null ? { fireAt: toDate(i.fireAt) } : {}),
    trigger: triggerOf(i.trigger),
    tier: i.tier,
    windowFrom: toDate(i.window.from),
    windowTo: toDate(i.window.to),
    ...(i.instanceIds != null ? { instanceIds: [...i.instanceIds] } : {}),
    ...(i.selector != null ? { selectorJson: JSON.stringify(i.selector) } : {}),
    state: i.state,
    progress: i.progress.map(progressOf),
    cancelRequested: i.cancelRequested,
    attempt: i.attempt,
    ...(i.worker != null ? { worker: i.worker } : {}),
    ...(i.error != null ? { error: i.error } : {}),
    createdAt: toDate(i.createdAt),
    ...(i.startedAt != null ? { startedAt: toDate(i.startedAt) } : {}),
    ...(i.finishedAt != null ? { finishedAt: toDate(i.finishedAt) } : {}),
  };
}

export function toInspection(d: WithId<InspectionDoc>): Inspection {
  return {
    id: d._id,
    ...(d.requestId != null ? { requestId: d.requestId } : {}),
    ...(d.scheduleId != null ? { scheduleId: d.scheduleId } : {}),
    ...(d.fireAt != null ? { fireAt: iso(d.fireAt) } : {}),
    trigger: triggerOf(d.trigger),
    tier: d.tier,
    window: { from: iso(d.windowFrom), to: iso(d.windowTo) },
    ...(d.instanceIds != null ? { instanceIds: [...d.instanceIds] } : {}),
    ...(d.selectorJson != null ? { selector: JSON.parse(d.selectorJson) as InstanceSelector } : {}),
    state: d.state,
    progress: (d.progress ?? []).map(progressOf),
    cancelRequested: Boolean(d.cancelRequested),
    attempt: Number(d.attempt),
    ...(d.worker != null ? { worker: d.worker } : {}),
    ...(d.error != null ? { error: d.error } : {}),
    createdAt: iso(d.createdAt),
    ...(d.startedAt != null ? { startedAt: iso(d.startedAt) } : {}),
    ...(d.finishedAt != null ? { finishedAt: iso(d.finishedAt) } : {}),
  };
}

/** The `$set` of an `update`: the patch's defined fields only (like the PostgreSQL `document || patch`). */
export function patchFields(patch: InspectionPatch): Partial<InspectionDoc> {
  return {
    ...(patch.state !== undefined ? { state: patch.state } : {}),
    ...(patch.startedAt !== undefined ? { startedAt: toDate(patch.startedAt) } : {}),
    ...(patch.finishedAt !== undefined ? { finishedAt: toDate(patch.finishedAt) } : {}),
    ...(patch.worker !== undefined ? { worker: patch.worker } : {}),
    ...(patch.error !== undefined ? { error: patch.error } : {}),
    ...(patch.progress !== undefined ? { progress: patch.progress.map(progressOf) } : {}),
  };
}

/**
 * The update of `claimOccurrence`, run as an upsert on (scheduleId, fireAt) restricted to unfinished states:
 * `$inc` makes a new document attempt 1 and takes over an unfinished one with attempt + 1, and only a new document
 * gets the rest (the filter's equalities supply `scheduleId` and `fireAt`).
 */
export function claimUpdate(i: Inspection): UpdateFilter<InspectionDoc> {
  const {
    attempt: _attempt,
    scheduleId: _scheduleId,
    fireAt: _fireAt,
    ...onInsert
  } = inspectionDoc({ ...i, cancelRequested: false });
  return { $inc: { attempt: 1 }, $setOnInsert: onInsert };
}

/**
 * The update of `requestCancel`, as a pipeline so that one atomic write reads the state it changes: always flag,
 * and finish a queued inspection at once, at the server's time (PostgreSQL's `now()`). Every field is computed from
 * the document as it was; where `$cond` yields the missing `$finishedAt`, `$set` leaves the field absent.
 */
export const CANCEL_PIPELINE: readonly Document[] = [
  {
    $set: {
      cancelRequested: true,
      state: { $cond: [{ $eq: ['$state', 'queued'] }, 'cancelled', '$state'] },
      finishedAt: { $cond: [{ $eq: ['$state', 'queued'] }, '$$NOW', '$finishedAt'] },
    },
  },
];

/**
 * Inspections in MongoDB. Every operation is one single-document write (or a unique-index-checked insert), atomic on
 * any deployment: nothing here needs a transaction, so a standalone mongod behaves exactly like a replica set.
 */
export class MongoInspectionRepository implements InspectionRepository {
  constructor(private readonly db: MongoDatabase) {}

  async insertImmediate(i: Inspection): Promise<{ inspection: Inspection; created: boolean }> {
    const doc = inspectionDoc({ ...i, cancelRequested: false });
    try {
      await this.db.inspections.insertOne(doc);
      return { inspection: toInspection(doc), created: true };
    } catch (err) {
      // The unique index on `requestId` refused a second inspection for the request: return the first one.
      if (!isDuplicateKey(err) || i.requestId == null) throw err;
      const existing = await this.db.inspections.findOne({ requestId: i.requestId });
      if (!existing) throw err;
      return { inspection: toInspection(existing), created: false };
    }
  }

  async claimOccurrence(i: Inspection): Promise<Inspection | null> {
    if (i.scheduleId == null || i.fireAt == null) {
      throw new TypeError(`inspection ${i.id} is not a scheduled occurrence (scheduleId and fireAt are required)`);
    }
    const key = { scheduleId: i.scheduleId, fireAt: toDate(i.fireAt) };
    const update = claimUpdate(i);
    for (let tries = 1; ; tries++) {
      try {
        const doc = await this.db.inspections.findOneAndUpdate(
          { ...key, state: { $nin: [...FINISHED_STATES] } },
          update,
          { upsert: true, returnDocument: 'after' },
        );
        if (!doc) throw new Error(`claim of occurrence ${JSON.stringify(key)} returned no document`);
        return toInspection(doc);
      } catch (err) {
        // A finished occurrence does not match, so the upsert tries to insert it again and the unique index on
        // (scheduleId, fireAt) refuses: that is the "finished" answer. The same refusal also comes when a concurrent
        // claim inserted the occurrence after our match; then it is unfinished and the retry takes it over.
        if (!isDuplicateKey(err)) throw err;
        const existing = await this.db.inspections.findOne(key, { projection: { state: 1 } });
        if (existing && FINISHED.includes(existing.state)) return null;
        if (!existing || tries >= 2) throw err;
      }
    }
  }

  async claimImmediate(id: string): Promise<Inspection | null> {
    const doc = await this.db.inspections.findOneAndUpdate(
      { _id: id, state: { $nin: [...FINISHED_STATES] } },
      { $inc: { attempt: 1 } },
      { returnDocument: 'after' },
    );
    return doc ? toInspection(doc) : null;
  }

  async get(id: string): Promise<Inspection | null> {
    const doc = await this.db.inspections.findOne({ _id: id });
    return doc ? toInspection(doc) : null;
  }

  async getOccurrence(scheduleId: string, fireAt: string): Promise<Inspection | null> {
    const doc = await this.db.inspections.findOne({ scheduleId, fireAt: toDate(fireAt) });
    return doc ? toInspection(doc) : null;
  }

  async list(f: InspectionFilter): Promise<Inspection[]> {
    // MongoDB reads limit 0 as "no limit"; SQL LIMIT 0 returns nothing.
    if (f.limit <= 0) return [];
    const filter: Filter<InspectionDoc> = {};
    if (f.state != null) filter.state = f.state;
    if (f.scheduleId != null) filter.scheduleId = f.scheduleId;
    if (f.before != null) filter.createdAt = { $lt: toDate(f.before) };
    const docs = await this.db.inspections.find(filter).sort({ createdAt: -1, _id: -1 }).limit(f.limit).toArray();
    return docs.map(toInspection);
  }

  async update(id: string, attempt: number, patch: InspectionPatch): Promise<boolean> {
    // The filter on `attempt` fences an older attempt out in the same write; a finished run is never reopened.
    const owned: Filter<InspectionDoc> = { _id: id, attempt, state: { $nin: [...FINISHED_STATES] } };
    const fields = patchFields(patch);
    if (Object.keys(fields).length === 0) {
      // Nothing to write (an empty `$set` is an error): report whether the attempt still owns the run.
      return (await this.db.inspections.countDocuments(owned, { limit: 1 })) > 0;
    }
    const { matchedCount } = await this.db.inspections.updateOne(owned, { $set: fields });
    return matchedCount > 0;
  }

  async setProgress(id: string, attempt: number, progress: InstanceProgress): Promise<boolean> {
    // Replaces the entry of that instance in place; the other entries, and concurrent writes to them, are untouched.
    const { matchedCount } = await this.db.inspections.updateOne(
      { _id: id, attempt },
      { $set: { 'progress.$[entry]': progressOf(progress) } },
      { arrayFilters: [{ 'entry.instanceId': progress.instanceId }] },
    );
    return matchedCount > 0;
  }

  async requestCancel(id: string): Promise<Inspection | null> {
    const doc = await this.db.inspections.findOneAndUpdate({ _id: id }, [...CANCEL_PIPELINE], {
      returnDocument: 'after',
    });
    return doc ? toInspection(doc) : null;
  }
}
