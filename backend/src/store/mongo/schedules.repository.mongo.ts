import type { Filter, WithId } from 'mongodb';
import type { Schedule, ScheduleSpec, ScheduleStatus } from '../../schedules/schedule.model.js';
import type { ScheduleRepository } from '../store.js';
import { iso, toDate, type MongoDatabase, type ScheduleDoc } from './mongo-database.js';
import { translateWriteError } from './mongo-errors.js';

/** What the spec JSON holds: what the user sets, but the name, which is a field of its own. */
type StoredSpec = Omit<ScheduleSpec, 'name'>;

function specOf(s: Schedule): StoredSpec {
  const {
    id: _id,
    name: _name,
    status: _status,
    version: _version,
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    createdBy: _createdBy,
    ...spec
  } = s;
  return spec;
}

/** The document a schedule is stored as; `live` follows the status. */
export function scheduleDoc(s: Schedule): ScheduleDoc {
  return {
    _id: s.id,
    name: s.name,
    status: s.status,
    live: s.status !== 'cancelled',
    version: s.version,
    specJson: JSON.stringify(specOf(s)),
    createdAt: toDate(s.createdAt),
    updatedAt: toDate(s.updatedAt),
    createdBy: s.createdBy,
  };
}

export function toSchedule(d: WithId<ScheduleDoc>): Schedule {
  return {
    ...(JSON.parse(d.specJson) as StoredSpec),
    id: d._id,
    name: d.name,
    status: d.status,
    version: Number(d.version),
    createdAt: iso(d.createdAt),
    updatedAt: iso(d.updatedAt),
    createdBy: d.createdBy,
  };
}

const byStatus = (status: ScheduleStatus[] | undefined): Filter<ScheduleDoc> =>
  status !== undefined ? { status: { $in: status } } : {};

/**
 * Schedules in MongoDB. A unique partial index on `name` over `{ live: true }` keeps one active or paused schedule
 * per name, so inserts, renames and resumes are checked by the server in the write itself.
 */
export class MongoScheduleRepository implements ScheduleRepository {
  constructor(private readonly db: MongoDatabase) {}

  async insert(s: Schedule): Promise<Schedule> {
    const doc = scheduleDoc(s);
    try {
      await this.db.schedules.insertOne(doc);
    } catch (err) {
      translateWriteError(err, { kind: 'schedule', name: s.name });
    }
    return toSchedule(doc);
  }

  async get(id: string): Promise<Schedule | null> {
    const doc = await this.db.schedules.findOne({ _id: id });
    return doc ? toSchedule(doc) : null;
  }

  async getByName(name: string): Promise<Schedule | null> {
    const doc = await this.db.schedules.findOne({ name, live: true });
    return doc ? toSchedule(doc) : null;
  }

  async list(filter: { status?: ScheduleStatus[]; limit?: number; offset?: number } = {}): Promise<Schedule[]> {
    // MongoDB reads limit 0 as "no limit"; SQL LIMIT 0 returns nothing.
    if (filter.limit !== undefined && filter.limit <= 0) return [];
    let cursor = this.db.schedules.find(byStatus(filter.status)).sort({ name: 1, createdAt: 1, _id: 1 });
    if (filter.offset) cursor = cursor.skip(filter.offset);
    if (filter.limit !== undefined) cursor = cursor.limit(filter.limit);
    return (await cursor.toArray()).map(toSchedule);
  }

  count(filter: { status?: ScheduleStatus[] } = {}): Promise<number> {
    return this.db.schedules.countDocuments(byStatus(filter.status));
  }

  async update(s: Schedule, expectedVersion: number): Promise<Schedule | null> {
    // One conditional write: the filter on `version` is the compare, `$set` the set.
    const { _id, createdAt: _createdAt, createdBy: _createdBy, ...fields } = scheduleDoc(s);
    try {
      const doc = await this.db.schedules.findOneAndUpdate(
        { _id, version: expectedVersion },
        { $set: fields },
        { returnDocument: 'after' },
      );
      return doc ? toSchedule(doc) : null;
    } catch (err) {
      translateWriteError(err, { kind: 'schedule', name: s.name });
    }
  }
}
