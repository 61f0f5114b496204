import { MongoServerError, type Db, type IndexDescription } from 'mongodb';
import { describe, expect, it, vi } from 'vitest';
import { FINISHED_STATES, type InspectionState } from '../../inspections/inspection.model.js';
import { aReport, aSchedule, anInspection } from '../contract/builders.js';
import {
  CANCEL_PIPELINE,
  claimUpdate,
  inspectionDoc,
  MongoInspectionRepository,
  patchFields,
  progressOf,
  toInspection,
} from './inspections.repository.mongo.js';
import { AGENDA_COLLECTION, MONGO_MIGRATIONS, runMongoMigrations } from './migrations.mongo.js';
import { COLLECTIONS, type MongoDatabase } from './mongo-database.js';
import { duplicateKeyField } from './mongo-errors.js';
import { MongoReportRepository, reportDoc } from './reports.repository.mongo.js';
import { scheduleDoc, toSchedule } from './schedules.repository.mongo.js';

const T0 = '2026-01-02T03:04:05.000Z';
const T1 = '2026-01-02T03:04:06.000Z';

/** Paths (dotted) of values the driver would write as null: `undefined` anywhere in a document. */
function undefinedPaths(value: unknown, path = ''): string[] {
  if (value === undefined) return [path];
  if (value === null || typeof value !== 'object' || value instanceof Date) return [];
  return Object.entries(value).flatMap(([k, v]) => undefinedPaths(v, path ? `${path}.${k}` : k));
}

const dup = (fields: Record<string, unknown>) =>
  new MongoServerError({ code: 11000, codeName: 'DuplicateKey', message: 'E11000 duplicate key error', ...fields });

describe('schedule documents', () => {
  it('round-trip a schedule, spec as JSON text (dotted label keys) and `live` following the status', () => {
    const s = aSchedule('nightly', {
      selector: { labels: { 'app.kubernetes.io/name': 'pg' } },
      maxLatenessSeconds: 600,
    });
    const doc = scheduleDoc(s);
    expect(doc).toMatchObject({ _id: s.id, name: 'nightly', status: 'active', live: true, version: 1 });
    expect(doc.createdAt).toEqual(new Date(T0));
    expect(JSON.parse(doc.specJson)).not.toHaveProperty('name');
    expect(JSON.parse(doc.specJson)).not.toHaveProperty('status');
    expect(toSchedule(doc)).toEqual(s);
    expect(scheduleDoc({ ...s, status: 'paused' }).live).toBe(true);
    expect(scheduleDoc({ ...s, status: 'cancelled' }).live).toBe(false);
  });
});

describe('inspection documents', () => {
  it('round-trip an immediate inspection with optional fields absent, never undefined', () => {
    const i = anInspection({ requestId: 'req-1' });
    const doc = inspectionDoc(i);
    expect(undefinedPaths(doc)).toEqual([]);
    expect(doc).not.toHaveProperty('scheduleId');
    expect(doc).not.toHaveProperty('fireAt');
    expect(doc).not.toHaveProperty('finishedAt');
    expect(doc.windowFrom).toEqual(new Date(T0));
    const back = toInspection(doc);
    expect(back).toEqual(i);
    expect(Object.keys(back).sort()).toEqual(Object.keys(i).sort());
  });

  it('round-trip a scheduled occurrence with every field set', () => {
    const i = anInspection({
      scheduleId: 'sch-1',
      fireAt: T1,
      trigger: { kind: 'schedule', scheduleId: 'sch-1', scheduleName: 'nightly' },
      selector: { businessId: 'b1', labels: { 'team.name': 'dba' } },
      state: 'failed',
      worker: 'w1',
      error: 'boom',
      startedAt: T0,
      finishedAt: T1,
      attempt: 3,
      cancelRequested: true,
      progress: [
        { instanceId: 'i1', instanceName: 'one', state: 'failed', checksDone: 1, checksTotal: 2, error: 'x' },
        {
          instanceId: 'i2',
          instanceName: 'two',
          state: 'done',
          checksDone: 2,
          checksTotal: 2,
          reportId: 'r',
          score: 0,
        },
      ],
    });
    const doc = inspectionDoc(i);
    expect(doc.fireAt).toEqual(new Date(T1));
    expect(typeof doc.selectorJson).toBe('string');
    expect(toInspection(doc)).toEqual(i);
  });

  it('drops what the driver would store as null from progress entries, and reads stored nulls as absent', () => {
    const p = { instanceId: 'i1', instanceName: 'one', state: 'queued' as const, checksDone: 0, checksTotal: 0 };
    expect(progressOf({ ...p, reportId: undefined, score: undefined, error: undefined })).toStrictEqual(p);
    const stored = { ...p, reportId: null, score: null } as unknown as typeof p;
    expect(progressOf(stored)).toStrictEqual(p);
    expect(progressOf({ ...p, score: 0 })).toStrictEqual({ ...p, score: 0 });
  });

  it('sets only the defined fields of a patch, dates as BSON dates', () => {
    expect(patchFields({})).toEqual({});
    expect(patchFields({ state: 'running', worker: undefined })).toStrictEqual({ state: 'running' });
    expect(patchFields({ startedAt: T0, finishedAt: T1, error: 'e', worker: 'w' })).toStrictEqual({
      startedAt: new Date(T0),
      finishedAt: new Date(T1),
      error: 'e',
      worker: 'w',
    });
    const progress = [{ instanceId: 'i1', instanceName: 'one', state: 'done' as const, checksDone: 1, checksTotal: 1 }];
    expect(patchFields({ progress })).toStrictEqual({ progress });
    expect(() => patchFields({ startedAt: 'yesterday' })).toThrow(TypeError);
  });

  it('claims with $inc on attempt and the rest on insert only', () => {
    const i = anInspection({ scheduleId: 's', fireAt: T1, attempt: 7, cancelRequested: true });
    const update = claimUpdate(i);
    expect(update.$inc).toEqual({ attempt: 1 });
    const onInsert = update.$setOnInsert as Record<string, unknown>;
    // Fields in both $inc and $setOnInsert would conflict; scheduleId and fireAt come from the filter's equalities.
    expect(Object.keys(onInsert)).not.toEqual(expect.arrayContaining(['attempt']));
    expect(onInsert).not.toHaveProperty('scheduleId');
    expect(onInsert).not.toHaveProperty('fireAt');
    expect(onInsert).toMatchObject({ _id: i.id, state: 'queued', cancelRequested: false });
    expect(undefinedPaths(onInsert)).toEqual([]);
  });

  it('cancels in one pipeline stage, so that state and finishedAt both read the state as it was', () => {
    expect(CANCEL_PIPELINE).toHaveLength(1);
    const set = (CANCEL_PIPELINE[0] as { $set: Record<string, unknown> }).$set;
    expect(set.cancelRequested).toBe(true);
    expect(set.state).toEqual({ $cond: [{ $eq: ['$state', 'queued'] }, 'cancelled', '$state'] });
    expect(set.finishedAt).toEqual({ $cond: [{ $eq: ['$state', 'queued'] }, '$$NOW', '$finishedAt'] });
  });
});

describe('report documents', () => {
  it('carry inspectionId and scheduleId only when set (a null would enter the unique partial index)', () => {
    const plain = reportDoc(aReport('inst', T0));
    expect(plain).not.toHaveProperty('inspectionId');
    expect(plain).not.toHaveProperty('scheduleId');
    expect(undefinedPaths(plain)).toEqual([]);
    const r = aReport('inst', T0, { inspectionId: 'insp', scheduleId: 'sch', fireAt: T0 });
    expect(reportDoc(r)).toMatchObject({ inspectionId: 'insp', scheduleId: 'sch', instanceId: 'inst' });
    expect(JSON.parse(reportDoc(r).summaryJson)).toMatchObject({ inspectionId: 'insp', scheduleId: 'sch', fireAt: T0 });
  });
});

// Fakes standing in for the server: they play the answers a server gives in the races the repositories handle.
const fakeDb = (collections: Record<string, object>) => collections as unknown as MongoDatabase;

describe('claimOccurrence without a server', () => {
  const occurrence = anInspection({ scheduleId: 's1', fireAt: T1 });
  const duplicate = () => dup({ keyPattern: { scheduleId: 1, fireAt: 1 } });

  it('upserts on (scheduleId, fireAt) among unfinished states', async () => {
    const findOneAndUpdate = vi.fn().mockResolvedValue({ ...inspectionDoc(occurrence), attempt: 1 });
    const repo = new MongoInspectionRepository(fakeDb({ inspections: { findOneAndUpdate } }));
    expect(await repo.claimOccurrence(occurrence)).toMatchObject({ id: occurrence.id, attempt: 1 });
    const [filter, update, options] = findOneAndUpdate.mock.calls[0] as [unknown, unknown, unknown];
    expect(filter).toEqual({ scheduleId: 's1', fireAt: new Date(T1), state: { $nin: [...FINISHED_STATES] } });
    expect(update).toEqual(claimUpdate(occurrence));
    expect(options).toEqual({ upsert: true, returnDocument: 'after' });
  });

  it('retries once when a concurrent claim inserted the occurrence first', async () => {
    const findOneAndUpdate = vi
      .fn()
      .mockRejectedValueOnce(duplicate())
      .mockResolvedValueOnce({ ...inspectionDoc(occurrence), attempt: 2 });
    const findOne = vi.fn().mockResolvedValue({ _id: occurrence.id, state: 'queued' });
    const repo = new MongoInspectionRepository(fakeDb({ inspections: { findOneAndUpdate, findOne } }));
    expect(await repo.claimOccurrence({ ...occurrence, id: 'other' })).toMatchObject({
      id: occurrence.id,
      attempt: 2,
    });
    expect(findOneAndUpdate).toHaveBeenCalledTimes(2);
  });

  it.each<InspectionState>([...FINISHED_STATES])('returns null for an occurrence that is %s', async (state) => {
    const findOneAndUpdate = vi.fn().mockRejectedValue(duplicate());
    const findOne = vi.fn().mockResolvedValue({ _id: occurrence.id, state });
    const repo = new MongoInspectionRepository(fakeDb({ inspections: { findOneAndUpdate, findOne } }));
    expect(await repo.claimOccurrence(occurrence)).toBeNull();
    expect(findOneAndUpdate).toHaveBeenCalledTimes(1);
  });

  it('gives up after one retry, and rethrows a duplicate on another key', async () => {
    const err = duplicate();
    const findOne = vi.fn().mockResolvedValue({ _id: occurrence.id, state: 'running' });
    const twice = new MongoInspectionRepository(
      fakeDb({ inspections: { findOneAndUpdate: vi.fn().mockRejectedValue(err), findOne } }),
    );
    await expect(twice.claimOccurrence(occurrence)).rejects.toBe(err);
    const other = dup({ keyPattern: { _id: 1 } });
    const update = vi.fn().mockRejectedValue(other);
    const byId = new MongoInspectionRepository(
      fakeDb({ inspections: { findOneAndUpdate: update, findOne: vi.fn().mockResolvedValue(null) } }),
    );
    await expect(byId.claimOccurrence(occurrence)).rejects.toBe(other);
    expect(update).toHaveBeenCalledTimes(1);
  });

  it('refuses an inspection that is not an occurrence', async () => {
    const repo = new MongoInspectionRepository(fakeDb({ inspections: {} }));
    await expect(repo.claimOccurrence(anInspection())).rejects.toThrow(TypeError);
  });
});

describe('insertImmediate without a server', () => {
  it('returns the existing inspection of the request on a duplicate key', async () => {
    const first = anInspection({ requestId: 'req' });
    const insertOne = vi.fn().mockRejectedValue(dup({ keyPattern: { requestId: 1 } }));
    const findOne = vi.fn().mockResolvedValue(inspectionDoc(first));
    const repo = new MongoInspectionRepository(fakeDb({ inspections: { insertOne, findOne } }));
    expect(await repo.insertImmediate(anInspection({ requestId: 'req' }))).toEqual({
      inspection: first,
      created: false,
    });
    expect(findOne).toHaveBeenCalledWith({ requestId: 'req' });
  });

  it('inserts a new inspection unflagged', async () => {
    const insertOne = vi.fn().mockResolvedValue({ acknowledged: true });
    const repo = new MongoInspectionRepository(fakeDb({ inspections: { insertOne } }));
    const i = anInspection({ requestId: 'req', cancelRequested: true });
    expect(await repo.insertImmediate(i)).toEqual({ inspection: { ...i, cancelRequested: false }, created: true });
  });

  it('rethrows other errors', async () => {
    const err = new Error('network');
    const repo = new MongoInspectionRepository(
      fakeDb({ inspections: { insertOne: vi.fn().mockRejectedValue(err), findOne: vi.fn() } }),
    );
    await expect(repo.insertImmediate(anInspection({ requestId: 'req' }))).rejects.toBe(err);
  });
});

describe('fenced inspection writes without a server', () => {
  it('filters update and setProgress on the attempt; an empty patch only checks it', async () => {
    const updateOne = vi.fn().mockResolvedValue({ matchedCount: 0 });
    const countDocuments = vi.fn().mockResolvedValue(1);
    const repo = new MongoInspectionRepository(fakeDb({ inspections: { updateOne, countDocuments } }));
    expect(await repo.update('x', 1, { state: 'running' })).toBe(false);
    const unfinished = { state: { $nin: ['succeeded', 'partial', 'failed', 'cancelled', 'missed'] } };
    expect(updateOne).toHaveBeenLastCalledWith({ _id: 'x', attempt: 1, ...unfinished }, { $set: { state: 'running' } });
    expect(await repo.update('x', 2, {})).toBe(true);
    expect(countDocuments).toHaveBeenCalledWith({ _id: 'x', attempt: 2, ...unfinished }, { limit: 1 });
    updateOne.mockResolvedValue({ matchedCount: 1 });
    const entry = { instanceId: 'a.b', instanceName: 'n', state: 'done' as const, checksDone: 1, checksTotal: 1 };
    expect(await repo.setProgress('x', 2, entry)).toBe(true);
    expect(updateOne).toHaveBeenLastCalledWith(
      { _id: 'x', attempt: 2 },
      { $set: { 'progress.$[entry]': entry } },
      { arrayFilters: [{ 'entry.instanceId': 'a.b' }] },
    );
  });
});

describe('report insert without a server', () => {
  const r = aReport('inst', T0, { inspectionId: 'insp' });

  it('answers false for a second report of the instance in the inspection', async () => {
    const insertOne = vi.fn().mockRejectedValue(dup({ keyPattern: { inspectionId: 1, instanceId: 1 } }));
    const repo = new MongoReportRepository(fakeDb({ reports: { insertOne } }));
    expect(await repo.insert(r)).toBe(false);
  });

  it('tests the (inspection, instance) key on an undetailed or `_id` duplicate', async () => {
    const countDocuments = vi.fn().mockResolvedValueOnce(1).mockResolvedValueOnce(0);
    const err = dup({ keyPattern: { _id: 1 } });
    const repo = new MongoReportRepository(
      fakeDb({ reports: { insertOne: vi.fn().mockRejectedValue(err), countDocuments } }),
    );
    expect(await repo.insert(r)).toBe(false);
    await expect(repo.insert(r)).rejects.toBe(err);
    expect(countDocuments).toHaveBeenCalledWith({ inspectionId: 'insp', instanceId: 'inst' }, { limit: 1 });
  });

  it('rethrows duplicates of reports outside an inspection', async () => {
    const err = dup({ keyPattern: { _id: 1 } });
    const repo = new MongoReportRepository(fakeDb({ reports: { insertOne: vi.fn().mockRejectedValue(err) } }));
    await expect(repo.insert(aReport('inst', T0))).rejects.toBe(err);
  });
});

/** A `Db` that records the indexes migrations create, by collection. */
function recordingDb() {
  const indexes = new Map<string, IndexDescription[]>();
  const add = (name: string, specs: IndexDescription[]) => indexes.set(name, [...(indexes.get(name) ?? []), ...specs]);
  const recorded = new Map<number, unknown>();
  const db = {
    collection: (name: string) => ({
      createIndex: async (key: IndexDescription['key'], options: Omit<IndexDescription, 'key'> = {}) => {
        add(name, [{ key, ...options }]);
        return String(options.name);
      },
      createIndexes: async (specs: IndexDescription[]) => {
        add(name, specs);
        return specs.map((s) => String(s.name));
      },
      // The migrations' ledger answers what was applied; data rewrites (migration 8) find no documents to rewrite.
      find: () => ({
        toArray: async () => [...recorded.keys()].map((_id) => ({ _id })),
        async *[Symbol.asyncIterator]() {},
      }),
      updateOne: async (filter: { _id: number }) => {
        recorded.set(filter._id, true);
        return { acknowledged: true };
      },
    }),
  };
  return { db: db as unknown as Db, indexes };
}

// Operators a partialFilterExpression may use: equality, $exists: true, comparisons, $type, top-level $and/$or.
function partialFilterIsValid(filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([field, cond]) => {
    if (field === '$and' || field === '$or') {
      return Array.isArray(cond) && cond.every((c) => partialFilterIsValid(c as Record<string, unknown>));
    }
    if (field.startsWith('$')) return false;
    if (cond === null || typeof cond !== 'object') return true;
    return Object.entries(cond).every(
      ([op, v]) => ['$eq', '$gt', '$gte', '$lt', '$lte', '$type'].includes(op) || (op === '$exists' && v === true),
    );
  });
}

describe('migration 3', () => {
  it('is applied after 1 and 2, and before 4 (counter snapshots)', async () => {
    const { db, indexes } = recordingDb();
    const versions = MONGO_MIGRATIONS.map((m) => m.version);
    expect(versions.slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(await runMongoMigrations(db)).toEqual(versions);
    expect(await runMongoMigrations(db)).toEqual([]);
    expect(indexes.has(COLLECTIONS.schedules)).toBe(true);
    expect(indexes.has(COLLECTIONS.counterSnapshots)).toBe(true);
  });

  it("makes Agenda's lock index as its backend would, and one job per occurrence and per request", async () => {
    const { db, indexes } = recordingDb();
    await runMongoMigrations(db);
    expect(AGENDA_COLLECTION).toBe('agendaJobs');
    const agenda = indexes.get(AGENDA_COLLECTION) ?? [];
    const byName = new Map(agenda.map((i) => [i.name, i]));
    const lock = byName.get('findAndLockNextJobIndex');
    // Key order matters: it is part of the index.
    expect(Object.entries(lock?.key ?? {})).toEqual([
      ['name', 1],
      ['nextRunAt', 1],
      ['priority', -1],
      ['lockedAt', 1],
      ['disabled', 1],
    ]);
    expect(lock?.unique).toBeUndefined();
    expect(byName.get('occurrence_job_unique')).toEqual({
      key: { 'data.scheduleId': 1, 'data.fireAt': 1 },
      name: 'occurrence_job_unique',
      unique: true,
      partialFilterExpression: { name: 'inspection:occurrence' },
    });
    expect(byName.get('immediate_job_unique')).toEqual({
      key: { 'data.requestId': 1 },
      name: 'immediate_job_unique',
      unique: true,
      partialFilterExpression: { name: 'inspection:immediate' },
    });
  });

  it('makes the unique indexes the repositories rely on, with partial filters MongoDB accepts', async () => {
    const { db, indexes } = recordingDb();
    await runMongoMigrations(db);
    const find = (collection: string, name: string) => indexes.get(collection)?.find((i) => i.name === name);
    expect(find(COLLECTIONS.schedules, 'live_name_unique')).toMatchObject({
      key: { name: 1 },
      unique: true,
      partialFilterExpression: { live: true },
    });
    expect(find(COLLECTIONS.inspections, 'request_unique')).toMatchObject({ key: { requestId: 1 }, unique: true });
    expect(find(COLLECTIONS.inspections, 'occurrence_unique')).toMatchObject({
      key: { scheduleId: 1, fireAt: 1 },
      unique: true,
    });
    expect(find(COLLECTIONS.reports, 'inspection_instance_unique')).toMatchObject({
      key: { inspectionId: 1, instanceId: 1 },
      unique: true,
    });
    for (const [collection, specs] of indexes) {
      for (const spec of specs) {
        const partial = spec.partialFilterExpression as Record<string, unknown> | undefined;
        if (partial) expect(partialFilterIsValid(partial), `${collection}.${String(spec.name)}`).toBe(true);
      }
    }
  });

  it('names its unique indexes so that a duplicate tells its field even when the server only names the index', async () => {
    const { db, indexes } = recordingDb();
    await MONGO_MIGRATIONS.find((m) => m.version === 3)?.up(db);
    expect(indexes.size).toBeGreaterThan(0);
    for (const [collection, specs] of indexes) {
      for (const spec of specs) {
        if (spec.unique && collection !== AGENDA_COLLECTION) {
          const message = `E11000 duplicate key error collection: db.${collection} index: ${String(spec.name)} dup key: { : "x" }`;
          expect(duplicateKeyField(dup({ message })), String(spec.name)).toBe(Object.keys(spec.key)[0]);
        }
      }
    }
  });
});
