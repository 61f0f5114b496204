import type { Db } from 'mongodb';
import type { JobMaintenance } from '../store.js';
import { AGENDA_COLLECTION } from './migrations.mongo.js';

interface JobDoc {
  name: string;
  type?: string;
  nextRunAt?: Date | null;
  lastFinishedAt?: Date | null;
  data?: { scheduleId?: string; version?: number };
}

export class MongoJobMaintenance implements JobMaintenance {
  constructor(private readonly db: Db) {}

  async pendingOccurrenceVersions(): Promise<Map<string, number[]>> {
    const docs = await this.db
      .collection<JobDoc>(AGENDA_COLLECTION)
      .find({ name: 'inspection:occurrence', nextRunAt: { $ne: null } }, { projection: { data: 1 } })
      .toArray();
    const out = new Map<string, number[]>();
    for (const d of docs) {
      const id = d.data?.scheduleId;
      if (id) out.set(id, [...(out.get(id) ?? []), Number(d.data?.version)]);
    }
    return out;
  }

  async pruneFinishedJobs(before: string): Promise<number> {
    const result = await this.db
      .collection<JobDoc>(AGENDA_COLLECTION)
      .deleteMany({ type: 'normal', nextRunAt: null, lastFinishedAt: { $lt: new Date(before) } });
    return result.deletedCount;
  }
}
