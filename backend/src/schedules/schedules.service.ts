import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import { ConflictError, InputError, NotFoundError } from '../errors/domain-errors.js';
import type { Actor } from '../http/actor.js';
import type { InspectionRunsService } from '../inspections/inspection-runs.service.js';
import type { Inspection } from '../inspections/inspection.model.js';
import type { Store } from '../store/store.js';
import { nextFireAfter, nextFires, occurrenceWindow, toZonedIso } from './fire-times.js';
import type { Schedule, ScheduleSpec, ScheduleStatus } from './schedule.model.js';
import { ruleOf } from './schedule-rules.js';
import type { Scheduler } from './scheduler.js';

/** How long finished Agenda job rows are kept. */
const JOB_HISTORY_MS = 7 * 86_400_000;

export interface ScheduleView extends Schedule {
  enabled: boolean;
  /** The next fire time, for active schedules. */
  nextFireAt?: string;
}

export interface Occurrence {
  fireAt: string;
  window: { from: string; to: string };
}

/**
 * Schedules are the source of truth; Agenda holds only each active schedule's next occurrence. Every change bumps
 * the version first (fencing running and pre-locked occurrences), then replaces the queued occurrence.
 */
export class SchedulesService {
  constructor(
    private readonly store: Store,
    private readonly scheduler: Scheduler,
    private readonly inspections: InspectionRunsService,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  view(s: Schedule): ScheduleView {
    return {
      ...s,
      enabled: s.status === 'active',
      ...(s.status === 'active' ? { nextFireAt: toZonedIso(nextFireAfter(ruleOf(s), this.now()), s.timezone) } : {}),
    };
  }

  async list(o: { status?: ScheduleStatus[]; limit?: number; offset?: number } = {}): Promise<ScheduleView[]> {
    const list = await this.store.schedules.list({
      status: o.status ?? ['active', 'paused'],
      ...(o.limit ? { limit: o.limit } : {}),
      ...(o.offset ? { offset: o.offset } : {}),
    });
    return list.map((s) => this.view(s));
  }

  async get(id: string): Promise<Schedule> {
    const s = await this.store.schedules.get(id);
    if (!s) throw new NotFoundError(`no schedule with id ${id}`);
    return s;
  }

  async getByName(name: string): Promise<Schedule> {
    const s = await this.store.schedules.getByName(name);
    if (!s) throw new NotFoundError(`no schedule named "${name}"`);
    return s;
  }

  private async checkInstances(spec: Partial<ScheduleSpec>): Promise<void> {
    if (!spec.instanceIds) return;
    const issues: { path: string; message: string }[] = [];
    for (const [i, id] of spec.instanceIds.entries()) {
      if (!(await this.store.inventory.getInstance(id)))
        issues.push({ path: `instanceIds.${i}`, message: `no instance with id ${id}` });
    }
    if (issues.length) throw new InputError(issues);
  }

  async create(actor: Actor, spec: ScheduleSpec, enabled = true): Promise<ScheduleView> {
    await this.checkInstances(spec);
    const at = this.now().toISOString();
    const saved = await this.store.schedules.insert({
      ...spec,
      id: randomUUID(),
      status: enabled ? 'active' : 'paused',
      version: 1,
      createdAt: at,
      updatedAt: at,
      createdBy: actor.grafanaUser ? `${actor.name} (${actor.grafanaUser})` : actor.name,
    });
    if (saved.status === 'active') await this.enqueueFirst(saved);
    await this.audit.record(
      actor,
      'schedule.create',
      { type: 'schedule', id: saved.id, name: saved.name },
      { status: saved.status },
    );
    return this.view(saved);
  }

  /** Replaces the spec (fields not sent keep their value); the queued occurrence moves to the new first tick. */
  async update(actor: Actor, id: string, patch: Partial<ScheduleSpec> & { enabled?: boolean }): Promise<ScheduleView> {
    const { enabled, ...specPatch } = patch;
    await this.checkInstances(specPatch);
    const current = await this.get(id);
    if (current.status === 'cancelled') throw new ConflictError(`schedule "${current.name}" is cancelled`);
    const merged: Schedule = { ...current, ...specPatch };
    if (specPatch.instanceIds) delete merged.selector;
    if (specPatch.selector) delete merged.instanceIds;
    const status: ScheduleStatus = enabled === undefined ? current.status : enabled ? 'active' : 'paused';
    const saved = await this.transition(current, { ...merged, status });
    await this.audit.record(
      actor,
      'schedule.update',
      { type: 'schedule', id, name: saved.name },
      { fields: Object.keys(patch).sort() },
    );
    return this.view(saved);
  }

  async pause(actor: Actor, id: string): Promise<ScheduleView> {
    const current = await this.get(id);
    if (current.status !== 'active')
      throw new ConflictError(`schedule "${current.name}" is ${current.status}, not active`);
    const saved = await this.transition(current, { ...current, status: 'paused' });
    await this.audit.record(actor, 'schedule.pause', { type: 'schedule', id, name: saved.name });
    return this.view(saved);
  }

  /** Resumes at the first tick after now: an occurrence that passed while paused never fires. */
  async resume(actor: Actor, id: string): Promise<ScheduleView> {
    const current = await this.get(id);
    if (current.status !== 'paused')
      throw new ConflictError(`schedule "${current.name}" is ${current.status}, not paused`);
    const saved = await this.transition(current, { ...current, status: 'active' });
    await this.audit.record(actor, 'schedule.resume', { type: 'schedule', id, name: saved.name });
    return this.view(saved);
  }

  async cancel(actor: Actor, id: string): Promise<ScheduleView> {
    const current = await this.get(id);
    if (current.status === 'cancelled') return this.view(current);
    const saved = await this.transition(current, { ...current, status: 'cancelled' });
    await this.audit.record(actor, 'schedule.cancel', { type: 'schedule', id, name: saved.name });
    return this.view(saved);
  }

  async cancelByName(actor: Actor, name: string): Promise<ScheduleView> {
    return this.cancel(actor, (await this.getByName(name)).id);
  }

  /** An immediate inspection of the schedule's instances, its window ending now. */
  async runNow(actor: Actor, id: string, requestId?: string): Promise<{ inspection: Inspection; created: boolean }> {
    const s = await this.get(id);
    if (s.status === 'cancelled') throw new ConflictError(`schedule "${s.name}" is cancelled`);
    const now = this.now();
    return this.inspections.runNow(actor, {
      ...(s.instanceIds?.length ? { instanceIds: s.instanceIds } : {}),
      ...(s.selector ? { selector: s.selector } : {}),
      tier: s.tier,
      window: occurrenceWindow(now, s.timezone, s.windowDays),
      scheduleId: s.id,
      ...(requestId ? { requestId } : {}),
    });
  }

  async preview(id: string, count: number): Promise<Occurrence[]> {
    const s = await this.get(id);
    return previewOccurrences(s, this.now(), count);
  }

  /** The occurrences an unsaved schedule would have, computed as for a saved one. */
  previewSpec(spec: Pick<ScheduleSpec, 'frequency' | 'time' | 'timezone' | 'windowDays'>, count: number): Occurrence[] {
    return previewOccurrences(spec, this.now(), count);
  }

  /** Version first (fences occurrences already queued or running), then the queue follows the new state. */
  private async transition(current: Schedule, next: Schedule): Promise<Schedule> {
    const saved = await this.store.schedules.update(
      { ...next, version: current.version + 1, updatedAt: this.now().toISOString() },
      current.version,
    );
    if (!saved) throw new ConflictError(`schedule "${current.name}" changed meanwhile; reload and retry`);
    await this.scheduler.cancelOccurrences(saved.id);
    if (saved.status === 'active') await this.enqueueFirst(saved);
    return saved;
  }

  private async enqueueFirst(s: Schedule): Promise<void> {
    await this.scheduler.enqueueOccurrence(s, nextFireAfter(ruleOf(s), this.now()));
  }

  /**
   * Queues the next occurrence of every active schedule that has none pending for its version (idempotent: one row per
   * occurrence), and drops job rows that finished more than a week ago (the inspections table keeps the history).
   */
  async reconcile(): Promise<number> {
    let n = 0;
    await this.store.jobs.pruneFinishedJobs(new Date(this.now().getTime() - JOB_HISTORY_MS).toISOString());
    const pending = await this.store.jobs.pendingOccurrenceVersions();
    for (let offset = 0; ; offset += 500) {
      const batch = await this.store.schedules.list({ status: ['active'], limit: 500, offset });
      for (const s of batch) {
        if (pending.get(s.id)?.includes(s.version)) continue;
        await this.enqueueFirst(s);
        n++;
      }
      if (batch.length < 500) return n;
    }
  }
}

export function previewOccurrences(
  s: Pick<Schedule, 'frequency' | 'time' | 'timezone' | 'windowDays'>,
  after: Date,
  count: number,
): Occurrence[] {
  return nextFires(ruleOf(s), after, count).map((fireAt) => {
    const w = occurrenceWindow(fireAt, s.timezone, s.windowDays);
    return {
      fireAt: toZonedIso(fireAt, s.timezone),
      window: { from: toZonedIso(w.from, s.timezone), to: toZonedIso(w.to, s.timezone) },
    };
  });
}
