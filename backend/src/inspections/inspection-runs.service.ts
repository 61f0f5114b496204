import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { InspectionWindow, Tier } from '../checks/check.types.js';
import { InputError, NotFoundError } from '../errors/domain-errors.js';
import type { Actor } from '../http/actor.js';
import type { InstanceSelector } from '../inventory/inventory.schema.js';
import type { Scheduler } from '../schedules/scheduler.js';
import type { InspectionFilter, Store } from '../store/store.js';
import { FINISHED_STATES, type Inspection } from './inspection.model.js';

export interface RunNowRequest {
  instanceIds?: string[];
  selector?: InstanceSelector;
  tier: Tier;
  window: InspectionWindow;
  requestId?: string;
  /** Set when a schedule's run-now started it. */
  scheduleId?: string;
}

/** Inspections started now (API, schedule run-now) go through Agenda like scheduled ones. */
export class InspectionRunsService {
  constructor(
    private readonly store: Store,
    private readonly scheduler: Scheduler,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Validates the instances, records the inspection (idempotent on requestId) and enqueues it. */
  async runNow(actor: Actor, r: RunNowRequest): Promise<{ inspection: Inspection; created: boolean }> {
    if (!r.instanceIds?.length && !r.selector) throw InputError.field('instanceIds', 'give instanceIds or a selector');
    if (r.instanceIds?.length) {
      const missing: { path: string; message: string }[] = [];
      for (const [i, id] of r.instanceIds.entries()) {
        if (!(await this.store.inventory.getInstance(id)))
          missing.push({ path: `instanceIds.${i}`, message: `no instance with id ${id}` });
      }
      if (missing.length) throw new InputError(missing);
    } else if ((await this.store.inventory.listInstances({ ...r.selector })).length === 0) {
      throw InputError.field('selector', 'matches no instance');
    }
    const id = randomUUID();
    const requestId = r.requestId ?? id;
    const inspection: Inspection = {
      id,
      requestId,
      ...(r.scheduleId ? { scheduleId: r.scheduleId } : {}),
      trigger: { kind: 'manual', actor: actor.grafanaUser ? `${actor.name} (${actor.grafanaUser})` : actor.name },
      tier: r.tier,
      window: { from: r.window.from.toISOString(), to: r.window.to.toISOString() },
      ...(r.instanceIds?.length ? { instanceIds: r.instanceIds } : {}),
      ...(r.selector && !r.instanceIds?.length ? { selector: r.selector } : {}),
      state: 'queued',
      progress: [],
      cancelRequested: false,
      // The first claim makes it attempt 1; a re-run after a crash takes 2, which fences the first.
      attempt: 0,
      createdAt: this.now().toISOString(),
    };
    const result = await this.store.inspections.insertImmediate(inspection);
    if (result.created) {
      await this.scheduler.enqueueImmediate({ inspectionId: id, requestId });
      await this.audit.record(
        actor,
        'inspection.run',
        { type: 'inspection', id },
        { tier: r.tier, requestId, ...(r.scheduleId ? { scheduleId: r.scheduleId } : {}) },
      );
    }
    return result;
  }

  async get(id: string): Promise<Inspection> {
    const found = await this.store.inspections.get(id);
    if (!found) throw new NotFoundError(`no inspection with id ${id}`);
    return found;
  }

  list(filter: InspectionFilter): Promise<Inspection[]> {
    return this.store.inspections.list(filter);
  }

  /** A queued inspection ends at once; a running one finishes its current check and starts no other. */
  async cancel(actor: Actor, id: string): Promise<Inspection> {
    const current = await this.get(id);
    if (FINISHED_STATES.includes(current.state)) return current;
    const updated = await this.store.inspections.requestCancel(id);
    if (!updated) throw new NotFoundError(`no inspection with id ${id}`);
    await this.audit.record(actor, 'inspection.cancel', { type: 'inspection', id });
    return updated;
  }
}
