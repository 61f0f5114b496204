import { randomUUID } from 'node:crypto';
import type { Job } from 'agenda';
import type { Inspection } from '../inspections/inspection.model.js';
import type { RunContext } from '../inspections/inspection-runner.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store.js';
import type { AuditLog } from '../audit/audit-log.js';
import { nextFireAfter, occurrenceWindow } from './fire-times.js';
import type { Schedule } from './schedule.model.js';
import { maxLatenessMs, ruleOf } from './schedule-rules.js';
import type { OccurrenceData, Scheduler } from './scheduler.js';

export interface OccurrenceDeps {
  store: Store;
  scheduler: Scheduler;
  logger: Logger;
  run: (inspection: Inspection, ctx: RunContext) => Promise<unknown>;
  audit?: AuditLog;
  now?: () => Date;
}

export function scheduledInspection(s: Schedule, fireAt: Date, createdAt: Date): Inspection {
  const window = occurrenceWindow(fireAt, s.timezone, s.windowDays);
  return {
    id: randomUUID(),
    scheduleId: s.id,
    fireAt: fireAt.toISOString(),
    trigger: { kind: 'schedule', scheduleId: s.id, scheduleName: s.name },
    tier: s.tier,
    window: { from: window.from.toISOString(), to: window.to.toISOString() },
    ...(s.instanceIds?.length ? { instanceIds: s.instanceIds } : {}),
    ...(s.selector ? { selector: s.selector } : {}),
    state: 'queued',
    progress: [],
    cancelRequested: false,
    attempt: 1,
    createdAt: createdAt.toISOString(),
  };
}

/**
 * One occurrence of a schedule: fence on the schedule's status and version, chain the next occurrence first, apply
 * the catch-up policy, claim (schedule, fireAt) so a re-run after a crash resumes instead of duplicating, then run.
 */
export function occurrenceHandler(deps: OccurrenceDeps) {
  const now = deps.now ?? (() => new Date());
  return async (job: Job<OccurrenceData>): Promise<void> => {
    const { scheduleId, version } = job.attrs.data;
    const fireAt = new Date(job.attrs.data.fireAt);
    const schedule = await deps.store.schedules.get(scheduleId);
    if (!schedule || schedule.status !== 'active' || schedule.version !== version) {
      deps.logger.info({ scheduleId, fireAt, version }, 'occurrence fenced: schedule cancelled, paused or edited');
      return;
    }
    const started = now();
    // Missed ticks coalesce: the chain resumes at the first tick after now, with no burst.
    await deps.scheduler.enqueueOccurrence(
      schedule,
      nextFireAfter(ruleOf(schedule), new Date(Math.max(fireAt.getTime(), started.getTime()))),
    );
    const inspection = scheduledInspection(schedule, fireAt, started);
    const lateMs = started.getTime() - fireAt.getTime();
    if (lateMs > maxLatenessMs(schedule, fireAt)) {
      const claimed = await deps.store.inspections.claimOccurrence(inspection);
      if (claimed) {
        await deps.audit?.record(
          { name: `scheduler (${deps.scheduler.name})`, role: 'admin' },
          'inspection.missed',
          { type: 'inspection', id: claimed.id, name: schedule.name },
          { scheduleId, fireAt: fireAt.toISOString(), lateSeconds: Math.round(lateMs / 1000) },
        );
        await deps.store.inspections.update(claimed.id, claimed.attempt, {
          state: 'missed',
          finishedAt: started.toISOString(),
          error: `started ${Math.round(lateMs / 1000)} s after its fire time (catch-up ${schedule.catchUp})`,
        });
      }
      deps.logger.warn({ scheduleId, fireAt, lateMs }, 'occurrence missed');
      return;
    }
    const claimed = await deps.store.inspections.claimOccurrence(inspection);
    if (!claimed) return;
    await deps.audit?.record(
      { name: `scheduler (${deps.scheduler.name})`, role: 'admin' },
      claimed.attempt === 1 ? 'inspection.run' : 'inspection.resume',
      { type: 'inspection', id: claimed.id, name: schedule.name },
      { scheduleId, fireAt: fireAt.toISOString(), attempt: claimed.attempt },
    );
    await deps.run(claimed, { worker: deps.scheduler.name, heartbeat: () => job.touch() });
  };
}
