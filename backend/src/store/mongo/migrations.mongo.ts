import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from 'mongodb';
import { COLLECTIONS, type ThresholdDoc } from './mongo-database.js';
import { THRESHOLD_RENAMES, renameThresholdKeys } from '../../checks/threshold-renames.js';
import { isDuplicateKey, isIndexBuildInProgress } from './mongo-errors.js';
import { WAIVERS_COLLECTION } from './waivers.repository.mongo.js';
import { BASELINES_COLLECTION } from './baselines.repository.mongo.js';

/**
 * One schema step. Two processes starting together may both run a step, so `up` must be idempotent (`createIndex`
 * with an unchanged specification is); the version is recorded only after `up` succeeded.
 */
export interface MongoMigration {
  version: number;
  name: string;
  up(db: Db): Promise<void>;
}

/**
 * The collection of Agenda's MongoDB backend (`@agendajs/mongo-backend`, `collection: AGENDA_COLLECTION`). Its indexes
 * are made here once rather than by every starting worker, so the backend runs with `ensureIndex: false`.
 */
export const AGENDA_COLLECTION = 'agendaJobs';

interface MigrationDoc {
  _id: number;
  name: string;
  appliedAt: Date;
}

/** Versioned schema changes, applied in order, each once. Never edit a released entry: append a new one. */
export const MONGO_MIGRATIONS: readonly MongoMigration[] = [
  {
    version: 1,
    name: 'inventory, tokens, audit',
    async up(db) {
      // Index names are fixed: duplicate-key errors are told apart by them when keyPattern is missing.
      await db.collection(COLLECTIONS.businesses).createIndex({ name: 1 }, { name: 'name_unique', unique: true });
      await db.collection(COLLECTIONS.hosts).createIndexes([
        { key: { name: 1 }, name: 'name_unique', unique: true },
        { key: { businessId: 1 }, name: 'businessId' },
      ]);
      await db.collection(COLLECTIONS.instances).createIndexes([
        { key: { name: 1 }, name: 'name_unique', unique: true },
        { key: { hostId: 1 }, name: 'hostId' },
      ]);
      await db.collection(COLLECTIONS.apiTokens).createIndexes([
        { key: { name: 1 }, name: 'name_unique', unique: true },
        { key: { hash: 1 }, name: 'hash_unique', unique: true },
      ]);
      await db.collection(COLLECTIONS.auditLog).createIndex({ at: -1, _id: -1 }, { name: 'newest_first' });
    },
  },
  {
    version: 2,
    name: 'thresholds and reports',
    async up(db) {
      await db
        .collection(COLLECTIONS.thresholdOverrides)
        .createIndex({ checkId: 1, scope: 1, scopeId: 1 }, { name: 'key_unique', unique: true });
      await db.collection(COLLECTIONS.reports).createIndexes([
        { key: { instanceId: 1, tier: 1, startedAt: -1 }, name: 'by_instance' },
        { key: { startedAt: -1, _id: -1 }, name: 'newest_first' },
        { key: { businessId: 1, startedAt: -1 }, name: 'by_business' },
      ]);
    },
  },
  {
    version: 3,
    name: 'schedules, inspections, Agenda jobs',
    async up(db) {
      await db.collection(COLLECTIONS.schedules).createIndexes([
        // `live` is `status !== 'cancelled'`: a partial filter cannot use `$ne`.
        { key: { name: 1 }, name: 'live_name_unique', unique: true, partialFilterExpression: { live: true } },
        { key: { status: 1, name: 1, createdAt: 1 }, name: 'by_status' },
        { key: { name: 1, createdAt: 1 }, name: 'by_name' },
      ]);
      await db.collection(COLLECTIONS.inspections).createIndexes([
        {
          key: { requestId: 1 },
          name: 'request_unique',
          unique: true,
          partialFilterExpression: { requestId: { $exists: true } },
        },
        {
          // Both must exist: a missing field indexes as null, and runs of a schedule without a fire time would clash.
          key: { scheduleId: 1, fireAt: 1 },
          name: 'occurrence_unique',
          unique: true,
          partialFilterExpression: { scheduleId: { $exists: true }, fireAt: { $exists: true } },
        },
        { key: { createdAt: -1, _id: -1 }, name: 'newest_first' },
        { key: { scheduleId: 1, createdAt: -1, _id: -1 }, name: 'by_schedule' },
        { key: { state: 1, createdAt: -1, _id: -1 }, name: 'by_state' },
      ]);
      await db.collection(COLLECTIONS.reports).createIndexes([
        {
          key: { inspectionId: 1, instanceId: 1 },
          name: 'inspection_instance_unique',
          unique: true,
          partialFilterExpression: { inspectionId: { $exists: true } },
        },
        {
          key: { scheduleId: 1, startedAt: -1 },
          name: 'by_schedule',
          partialFilterExpression: { scheduleId: { $exists: true } },
        },
      ]);
      await db.collection(AGENDA_COLLECTION).createIndexes([
        // Exactly the index Agenda's backend makes itself with `ensureIndex` on (its default sort), under its name.
        {
          key: { name: 1, nextRunAt: 1, priority: -1, lockedAt: 1, disabled: 1 },
          name: 'findAndLockNextJobIndex',
        },
        // One job per occurrence and per immediate request, whatever races the enqueuers run (see scheduler.ts).
        {
          key: { 'data.scheduleId': 1, 'data.fireAt': 1 },
          name: 'occurrence_job_unique',
          unique: true,
          partialFilterExpression: { name: 'inspection:occurrence' },
        },
        {
          key: { 'data.requestId': 1 },
          name: 'immediate_job_unique',
          unique: true,
          partialFilterExpression: { name: 'inspection:immediate' },
        },
      ]);
    },
  },
  {
    version: 4,
    name: 'counter snapshots',
    async up(db) {
      await db.collection(COLLECTIONS.counterSnapshots).createIndexes([
        { key: { instanceId: 1, takenAt: -1 }, name: 'by_instance' },
        { key: { takenAt: 1 }, name: 'by_time' },
      ]);
      await db
        .collection(AGENDA_COLLECTION)
        .createIndex(
          { 'data.slot': 1 },
          { name: 'snapshot_slot_unique', unique: true, partialFilterExpression: { name: 'snapshots:collect' } },
        );
    },
  },
  {
    version: 6,
    name: 'metrics: runs by schedule, trigger and state; recent job runs',
    async up(db) {
      await db.collection(COLLECTIONS.inspections).createIndexes([
        { key: { scheduleId: 1, state: 1, finishedAt: -1 }, name: 'metrics_by_schedule_state' },
        { key: { 'trigger.kind': 1, state: 1 }, name: 'metrics_by_trigger_state' },
      ]);
      await db.collection(AGENDA_COLLECTION).createIndex({ lastRunAt: -1 }, { name: 'metrics_last_run' });
    },
  },
  {
    version: 7,
    name: 'report analytics for the Grafana datasource',
    async up(db) {
      await db.collection(COLLECTIONS.reports).createIndexes([
        { key: { startedAt: 1, instanceId: 1, tier: 1, score: 1 }, name: 'analytics_by_time' },
        { key: { instanceId: 1, startedAt: -1, _id: -1 }, name: 'analytics_latest' },
      ]);
      await db
        .collection(COLLECTIONS.inspections)
        .createIndex({ fireAt: 1 }, { name: 'by_fire_at', partialFilterExpression: { fireAt: { $exists: true } } });
    },
  },
  {
    version: 8,
    name: 'threshold overrides: keys renamed to the one vocabulary',
    async up(db) {
      // Values are stored as JSON text, so the rewrite happens here; running it twice changes nothing.
      const overrides = db.collection<ThresholdDoc>(COLLECTIONS.thresholdOverrides);
      for await (const doc of overrides.find({ checkId: { $in: Object.keys(THRESHOLD_RENAMES) } })) {
        const values = JSON.parse(doc.valuesJson) as Record<string, unknown>;
        const renamed = JSON.stringify(renameThresholdKeys(doc.checkId, values));
        if (renamed !== doc.valuesJson) await overrides.updateOne({ _id: doc._id }, { $set: { valuesJson: renamed } });
      }
    },
  },
  {
    version: 9,
    name: 'waivers',
    async up(db) {
      await db.collection(WAIVERS_COLLECTION).createIndexes([
        { key: { scope: 1, scopeId: 1, expiresAt: 1 }, name: 'by_scope' },
        { key: { checkId: 1, expiresAt: 1 }, name: 'by_check' },
      ]);
    },
  },
  {
    // 11 as on PostgreSQL: snapshots gain an optional statementsJson text field; documents without it stay valid, so
    // there is nothing to rewrite. Recorded so both stores carry the same version list.
    version: 11,
    name: 'statement samples in counter snapshots',
    async up() {},
  },
  {
    // 12 as on PostgreSQL (10 and 11 are left to the changes numbered so there).
    version: 12,
    name: 'parameter baselines',
    async up(db) {
      await db.collection(BASELINES_COLLECTION).createIndex({ scope: 1, scopeId: 1, engine: 1 }, { name: 'by_scope' });
    },
  },
];

async function runStep(m: MongoMigration, db: Db): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await m.up(db);
      return;
    } catch (err) {
      // A concurrent starter is building the same index; once it is done our createIndex is a no-op.
      if (!isIndexBuildInProgress(err) || attempt >= 40) throw err;
      await sleep(250);
    }
  }
}

/** Applies the migrations not yet recorded in `schemaMigrations`; returns the versions this call applied. */
export async function runMongoMigrations(
  db: Db,
  migrations: readonly MongoMigration[] = MONGO_MIGRATIONS,
): Promise<number[]> {
  const recorded = db.collection<MigrationDoc>(COLLECTIONS.schemaMigrations);
  const done = new Set((await recorded.find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (done.has(m.version)) continue;
    await runStep(m, db);
    try {
      await recorded.updateOne(
        { _id: m.version },
        { $setOnInsert: { name: m.name, appliedAt: new Date() } },
        { upsert: true },
      );
    } catch (err) {
      // A concurrent starter recorded the same version first.
      if (!isDuplicateKey(err)) throw err;
    }
    applied.push(m.version);
  }
  return applied;
}
