import { toTexts } from '../checks/check.types.js';
import type { Logger } from '../logging/logger.js';
import type { InstanceFilter, Store } from '../store/store.js';
import type { InstanceRecord } from '../inventory/inventory.schema.js';
import type { Inspection, InspectionState, InstanceProgress } from './inspection.model.js';
import type { InstanceInspector } from './instance-inspector.js';
import { REASONS } from './run-check.js';

export interface RunnerDeps {
  store: Store;
  inspector: InstanceInspector;
  logger: Logger;
  now?: () => Date;
  /** How often the run renews its job lock. */
  heartbeatMs?: number;
  /** How often it looks for a cancel request. */
  cancelPollMs?: number;
}

export interface RunContext {
  worker: string;
  /** Renews the job lock (Agenda `touch()`); throws when the job was cancelled underneath us. */
  heartbeat: () => Promise<void>;
}

/**
 * The instances an inspection covers: its ids, or what its selector matches now (enabled ones only). The records
 * read on the way are kept in `seen` so the inspection does not read them again.
 */
async function resolveInstances(
  store: Store,
  i: Inspection,
  seen: Map<string, InstanceRecord>,
): Promise<InstanceProgress[]> {
  if (i.progress.length > 0) return i.progress;
  const queued = (id: string, name: string): InstanceProgress => ({
    instanceId: id,
    instanceName: name,
    state: 'queued',
    checksDone: 0,
    checksTotal: 0,
  });
  if (i.instanceIds?.length) {
    const out: InstanceProgress[] = [];
    for (const id of i.instanceIds) {
      const record = await store.inventory.getInstance(id);
      if (record) seen.set(id, record);
      out.push(
        record ? queued(id, record.name) : { ...queued(id, id), state: 'failed', error: 'instance no longer exists' },
      );
    }
    return out;
  }
  const filter: InstanceFilter = { ...(i.selector ?? {}) };
  const matched = (await store.inventory.listInstances(filter)).filter((r) => r.enabled);
  for (const r of matched) seen.set(r.id, r);
  return matched.map((r) => queued(r.id, r.name));
}

export function finalState(progress: readonly InstanceProgress[], cancelled: boolean): InspectionState {
  if (cancelled) return 'cancelled';
  const ok = progress.filter((p) => p.state === 'done').length;
  if (progress.length > 0 && ok === progress.length) return 'succeeded';
  return ok === 0 ? 'failed' : 'partial';
}

/**
 * Runs one inspection to its end: each instance in turn of the fleet limiter, progress written as it goes, a
 * heartbeat that renews the job lock and notices cancel requests. Writes are fenced on the claim's attempt, so a
 * stale attempt (its worker presumed dead) cannot overwrite the one that took over. A re-run resumes: instances
 * whose report exists are not inspected again.
 */
export async function runInspection(
  inspection: Inspection,
  deps: RunnerDeps,
  ctx: RunContext,
): Promise<InspectionState> {
  const { store, inspector, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const { id, attempt } = inspection;
  if (inspection.cancelRequested) {
    await store.inspections.update(id, attempt, { state: 'cancelled', finishedAt: now().toISOString() });
    return 'cancelled';
  }
  const records = new Map<string, InstanceRecord>();
  const progress = await resolveInstances(store, inspection, records);
  if (
    !(await store.inspections.update(id, attempt, {
      state: 'running',
      startedAt: inspection.startedAt ?? now().toISOString(),
      worker: ctx.worker,
      progress,
    }))
  ) {
    return inspection.state;
  }

  const abort = new AbortController();
  let cancelled = false;
  const pollMs = deps.cancelPollMs ?? 1000;
  const beatEvery = Math.max(1, Math.round((deps.heartbeatMs ?? 5000) / pollMs));
  let ticks = 0;
  const beat = setInterval(() => {
    void (async () => {
      try {
        if (++ticks % beatEvery === 0) await ctx.heartbeat();
        const current = await store.inspections.get(id);
        if (current?.cancelRequested || (current && current.attempt !== attempt)) {
          cancelled = current.cancelRequested;
          abort.abort();
        }
      } catch (err) {
        logger.warn({ err, inspectionId: id }, 'inspection job was cancelled or lost its lock; stopping');
        cancelled = true;
        abort.abort();
      }
    })();
  }, pollMs);

  const window = { from: new Date(inspection.window.from), to: new Date(inspection.window.to) };
  // Progress writes for one instance go out in order: a throttled "running" write still in flight must never land
  // after the final "done" and overwrite it.
  const pending = new Map<string, Promise<unknown>>();
  const save = (p: InstanceProgress): Promise<unknown> => {
    const next = (pending.get(p.instanceId) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => store.inspections.setProgress(id, attempt, p));
    pending.set(p.instanceId, next);
    return next;
  };
  let open = progress.filter((p) => p.state !== 'done' && p.state !== 'failed').length;
  // The last instance to finish is written by the final update, with the state, in one write.
  const finish = (p: InstanceProgress) => (--open > 0 ? save(p) : Promise.resolve());
  try {
    await Promise.all(
      progress.map(async (p, index) => {
        if (p.state === 'done' || p.state === 'failed') return;
        // Only a re-run (attempt 2 or later, after a crash) can find reports an earlier attempt wrote.
        const existing = attempt > 1 ? await inspector.existingReport(id, p.instanceId) : null;
        if (existing) {
          progress[index] = {
            ...p,
            state: existing.reachable ? 'done' : 'failed',
            reportId: existing.id,
            score: existing.score,
            checksDone: existing.checks.length,
            checksTotal: existing.checks.length,
          };
          await finish(progress[index]!);
          return;
        }
        if (abort.signal.aborted) {
          progress[index] = { ...p, state: 'cancelled' };
          await finish(progress[index]!);
          return;
        }
        let lastWrite = 0;
        try {
          const record = records.get(p.instanceId);
          const report = await inspector.inspectInstance(p.instanceId, {
            ...(record ? { record } : {}),
            tier: inspection.tier,
            window,
            trigger:
              inspection.trigger.kind === 'schedule'
                ? { kind: 'schedule' }
                : { kind: 'manual', actor: inspection.trigger.actor },
            inspectionId: id,
            ...(inspection.scheduleId ? { scheduleId: inspection.scheduleId } : {}),
            ...(inspection.fireAt ? { fireAt: inspection.fireAt } : {}),
            signal: abort.signal,
            onCheckDone: (_c, done, total) => {
              if (Date.now() - lastWrite < 1000 && done < total) return;
              lastWrite = Date.now();
              progress[index] = { ...progress[index]!, state: 'running', checksDone: done, checksTotal: total };
              save(progress[index]!).catch((err: unknown) =>
                logger.warn({ err, inspectionId: id }, 'could not record inspection progress'),
              );
            },
          });
          const wasCancelled = report.checks.some((c) => toTexts(c.reason ?? '').en === REASONS.cancelled.en);
          progress[index] = {
            ...progress[index]!,
            state: wasCancelled ? 'cancelled' : report.reachable ? 'done' : 'failed',
            reportId: report.id,
            score: report.score,
            checksDone: report.checks.length,
            checksTotal: report.checks.length,
            ...(report.reachable ? {} : { error: 'instance unreachable' }),
          };
        } catch (err) {
          progress[index] = {
            ...progress[index]!,
            state: 'failed',
            error: err instanceof Error ? err.message : String(err),
          };
        }
        await finish(progress[index]!);
      }),
    );
  } finally {
    clearInterval(beat);
  }
  await Promise.allSettled(pending.values());
  const state = finalState(progress, cancelled || abort.signal.aborted);
  // The final write carries the whole progress list, so what readers see at the end is exactly what decided the state.
  const written = await store.inspections.update(id, attempt, { state, finishedAt: now().toISOString(), progress });
  if (!written) logger.warn({ inspectionId: id, attempt }, 'a newer attempt owns this inspection; result not recorded');
  else
    logger.info(
      {
        inspectionId: id,
        ...(inspection.scheduleId ? { scheduleId: inspection.scheduleId, fireAt: inspection.fireAt } : {}),
        tier: inspection.tier,
        state,
        instances: progress.length,
        failed: progress.filter((p) => p.state === 'failed').length,
        attempt,
        worker: ctx.worker,
      },
      'inspection finished',
    );
  return state;
}
