import type { Job } from 'agenda';
import type { InstanceInspector } from '../inspections/instance-inspector.js';
import type { Logger } from '../logging/logger.js';
import type { Scheduler, SnapshotData } from '../schedules/scheduler.js';
import type { Store } from '../store/store.js';

export interface CollectorDeps {
  store: Store;
  scheduler: Scheduler;
  inspector: InstanceInspector;
  logger: Logger;
  intervalMs: number;
  retentionDays: number;
  now?: () => Date;
}

/** The start of the next collection slot after `now` (slots are aligned to the epoch, so all workers agree). */
export const nextSlot = (now: Date, intervalMs: number): Date =>
  new Date((Math.floor(now.getTime() / intervalMs) + 1) * intervalMs);

/** Instances an active schedule covers now: its ids, or what its selector matches. */
export async function scheduledInstanceIds(store: Store): Promise<string[]> {
  const ids = new Set<string>();
  for (let offset = 0; ; offset += 500) {
    const batch = await store.schedules.list({ status: ['active'], limit: 500, offset });
    for (const s of batch) {
      if (s.instanceIds?.length) s.instanceIds.forEach((id) => ids.add(id));
      else if (s.selector)
        (await store.inventory.listInstances({ ...s.selector })).filter((i) => i.enabled).forEach((i) => ids.add(i.id));
    }
    if (batch.length < 500) return [...ids];
  }
}

/**
 * Every slot: chain the next slot first, then snapshot the counters of every instance an active schedule covers (four
 * at a time), then drop snapshots past the retention.
 */
export function collectorHandler(deps: CollectorDeps) {
  const now = deps.now ?? (() => new Date());
  return async (job: Job<SnapshotData>): Promise<void> => {
    const slot = new Date(job.attrs.data.slot);
    await deps.scheduler.enqueueSnapshot(
      nextSlot(new Date(Math.max(slot.getTime(), now().getTime())), deps.intervalMs),
    );
    const ids = await scheduledInstanceIds(deps.store);
    let taken = 0;
    for (let i = 0; i < ids.length; i += 4) {
      const results = await Promise.all(ids.slice(i, i + 4).map((id) => deps.inspector.snapshot(id, now())));
      taken += results.filter(Boolean).length;
      await job.touch();
    }
    const pruned = await deps.store.snapshots.prune(
      new Date(now().getTime() - deps.retentionDays * 86_400_000).toISOString(),
    );
    deps.logger.info(
      { slot: job.attrs.data.slot, instances: ids.length, taken, pruned },
      'counter snapshots collected',
    );
  };
}
