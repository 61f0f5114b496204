import type { Db } from 'mongodb';
import type { Tier } from '../../checks/check.types.js';
import type { StoredReport } from '../../reports/report.model.js';
import type {
  DurationGroup,
  LatestReport,
  MetricsQuery,
  MetricsSchedule,
  MetricsSnapshot,
} from '../../metrics/metrics.types.js';
import type { ScheduleSpec } from '../../schedules/schedule.model.js';
import type { MetricsRepository } from '../store.js';
import { AGENDA_COLLECTION } from './migrations.mongo.js';
import { COLLECTIONS, iso } from './mongo-database.js';

const SUCCESS = ['succeeded', 'partial'];
const FINISHED = ['succeeded', 'partial', 'failed', 'cancelled', 'missed'];

interface NamedDoc {
  _id: string;
  name: string;
}

/** The aggregation pipelines behind `/metrics` on MongoDB (indexes from migration 6). */
export class MongoMetricsRepository implements MetricsRepository {
  constructor(private readonly db: Db) {}

  async snapshot(q: MetricsQuery): Promise<MetricsSnapshot> {
    const [instances, latestReports, schedules, runs, durations, queuedJobs, workersSeen] = await Promise.all([
      this.instances(),
      this.latestReports(),
      this.schedules(),
      this.db
        .collection(COLLECTIONS.inspections)
        .aggregate<{ _id: { trigger: string | null; state: string }; count: number }>([
          { $group: { _id: { trigger: '$trigger.kind', state: '$state' }, count: { $sum: 1 } } },
        ])
        .toArray(),
      this.durations(q.durationBounds),
      this.db
        .collection(AGENDA_COLLECTION)
        .aggregate<{ _id: string; count: number }>([
          { $match: { nextRunAt: { $lte: new Date(q.now) }, lockedAt: null, disabled: { $ne: true } } },
          { $group: { _id: '$name', count: { $sum: 1 } } },
        ])
        .toArray(),
      this.workersSeen(new Date(q.workersSince)),
    ]);
    return {
      instances,
      latestReports,
      schedules,
      runs: runs.map((r) => ({ trigger: r._id.trigger ?? 'manual', state: r._id.state, count: r.count })),
      durations,
      queuedJobs: queuedJobs.map((j) => ({ job: j._id, count: j.count })),
      workersSeen,
    };
  }

  private async instances(): Promise<MetricsSnapshot['instances']> {
    const [instances, hosts, businesses] = await Promise.all([
      this.db
        .collection<NamedDoc & { hostId: string; engine: string }>(COLLECTIONS.instances)
        .find({}, { projection: { name: 1, hostId: 1, engine: 1 } })
        .toArray(),
      this.db
        .collection<NamedDoc & { businessId: string }>(COLLECTIONS.hosts)
        .find({}, { projection: { name: 1, businessId: 1 } })
        .toArray(),
      this.db
        .collection<NamedDoc>(COLLECTIONS.businesses)
        .find({}, { projection: { name: 1 } })
        .toArray(),
    ]);
    const hostById = new Map(hosts.map((h) => [h._id, h]));
    const businessName = new Map(businesses.map((b) => [b._id, b.name]));
    return instances.map((i) => {
      const host = hostById.get(i.hostId);
      return {
        id: i._id,
        instance: i.name,
        host: host?.name ?? '',
        business: (host && businessName.get(host.businessId)) ?? '',
        engine: i.engine,
      };
    });
  }

  private async latestReports(): Promise<LatestReport[]> {
    // The by_instance index {instanceId, tier, startedAt: -1} serves the sort; $first keeps each pair's newest.
    const rows = await this.db
      .collection(COLLECTIONS.reports)
      .aggregate<{ _id: { instanceId: string; tier: Tier }; documentJson: string }>(
        [
          { $sort: { instanceId: 1, tier: 1, startedAt: -1, _id: -1 } },
          { $group: { _id: { instanceId: '$instanceId', tier: '$tier' }, documentJson: { $first: '$documentJson' } } },
        ],
        { allowDiskUse: true },
      )
      .toArray();
    return rows.map((r) => {
      const doc = JSON.parse(r.documentJson) as StoredReport;
      return {
        instanceId: r._id.instanceId,
        tier: r._id.tier,
        score: doc.score,
        finishedAt: doc.finishedAt,
        findings: { critical: doc.counts.critical, warning: doc.counts.warning, info: doc.counts.info },
        checksErrored: doc.counts.error,
        problems: doc.checks
          .filter((c) => c.status === 'fail' || c.status === 'error')
          .map((c) => ({
            checkId: c.checkId,
            catalogRef: c.catalogRef,
            status: c.status as 'fail' | 'error',
            ...(c.severity ? { severity: c.severity } : {}),
          })),
      };
    });
  }

  private async schedules(): Promise<MetricsSchedule[]> {
    const [schedules, runs] = await Promise.all([
      this.db
        .collection<NamedDoc & { specJson: string; updatedAt: Date }>(COLLECTIONS.schedules)
        .find({ status: 'active' }, { projection: { name: 1, specJson: 1, updatedAt: 1 } })
        .toArray(),
      this.db
        .collection(COLLECTIONS.inspections)
        .aggregate<{ _id: { scheduleId: string; state: string }; count: number; lastSuccess: Date | null }>([
          { $match: { scheduleId: { $exists: true }, state: { $in: FINISHED } } },
          {
            $group: {
              _id: { scheduleId: '$scheduleId', state: '$state' },
              count: { $sum: 1 },
              lastSuccess: { $max: { $cond: [{ $in: ['$state', SUCCESS] }, '$finishedAt', null] } },
            },
          },
        ])
        .toArray(),
    ]);
    const history = new Map<string, { runs: Record<string, number>; lastSuccess?: Date }>();
    for (const r of runs) {
      const entry = history.get(r._id.scheduleId) ?? { runs: {} };
      entry.runs[r._id.state] = r.count;
      if (r.lastSuccess && (!entry.lastSuccess || r.lastSuccess > entry.lastSuccess)) entry.lastSuccess = r.lastSuccess;
      history.set(r._id.scheduleId, entry);
    }
    return schedules.map((s) => {
      const spec = JSON.parse(s.specJson) as ScheduleSpec;
      const h = history.get(s._id);
      return {
        id: s._id,
        name: s.name,
        tier: spec.tier,
        frequency: spec.frequency,
        time: spec.time,
        timezone: spec.timezone,
        updatedAt: iso(s.updatedAt),
        ...(h?.lastSuccess ? { lastSuccessAt: iso(h.lastSuccess) } : {}),
        runs: h?.runs ?? {},
      };
    });
  }

  private async durations(bounds: readonly number[]): Promise<DurationGroup[]> {
    const rows = await this.db
      .collection(COLLECTIONS.inspections)
      .aggregate<{ _id: number; count: number; sumSeconds: number }>([
        { $match: { state: { $in: FINISHED }, startedAt: { $type: 'date' }, finishedAt: { $type: 'date' } } },
        { $project: { d: { $max: [0, { $divide: [{ $subtract: ['$finishedAt', '$startedAt'] }, 1000] }] } } },
        {
          $group: {
            _id: { $size: { $filter: { input: [...bounds], cond: { $gte: ['$$this', '$d'] } } } },
            count: { $sum: 1 },
            sumSeconds: { $sum: '$d' },
          },
        },
      ])
      .toArray();
    return rows.map((r) => ({ geBounds: r._id, count: r.count, sumSeconds: r.sumSeconds }));
  }

  private async workersSeen(since: Date): Promise<number> {
    const [fromJobs, running] = await Promise.all([
      this.db
        .collection(AGENDA_COLLECTION)
        .distinct('lastModifiedBy', { $or: [{ lastRunAt: { $gte: since } }, { lockedAt: { $gte: since } }] }),
      this.db.collection(COLLECTIONS.inspections).distinct('worker', { state: 'running' }),
    ]);
    return new Set([...fromJobs, ...running].filter((w) => typeof w === 'string' && w !== '')).size;
  }
}
