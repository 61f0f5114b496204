import type { Job } from 'agenda';
import type { Store } from '../store/store.js';
import type { ImmediateData, Scheduler } from '../schedules/scheduler.js';
import type { Inspection } from './inspection.model.js';
import type { RunContext } from './inspection-runner.js';

/** An inspection started now: claim it (a re-run after a crash takes the next attempt), then run it. */
export function immediateHandler(deps: {
  store: Store;
  scheduler: Scheduler;
  run: (i: Inspection, ctx: RunContext) => Promise<unknown>;
}) {
  return async (job: Job<ImmediateData>): Promise<void> => {
    const claimed = await deps.store.inspections.claimImmediate(job.attrs.data.inspectionId);
    if (!claimed) return;
    await deps.run(claimed, { worker: deps.scheduler.name, heartbeat: () => job.touch() });
  };
}
