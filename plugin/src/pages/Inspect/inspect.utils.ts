import type { Inspection, InspectionState, RunInspectionInput, Tier } from '../../api/inspections';
import type { Host, Instance } from '../../api/inventory';

/** The sampling window of an immediate run by tier, as the backend defaults it (inspections/window.ts). */
export const DEFAULT_WINDOW_DAYS: Record<Tier, number> = { daily: 1, weekly: 7, monthly: 30, annual: 365 };

/** Quick choices for "last N days": the tiers' defaults plus half a year. */
export const WINDOW_PRESETS = [1, 7, 30, 182, 365] as const;

export interface HostGroup {
  host: Host;
  instances: Instance[];
}

/**
 * The hosts of one business with their instances, narrowed by a search over host and instance names, addresses
 * and engines; a host matching the search keeps all its instances.
 */
export function hostGroups(businessId: string, hosts: Host[], instances: Instance[], search: string): HostGroup[] {
  const needle = search.trim().toLowerCase();
  const matches = (...texts: string[]) => needle === '' || texts.some((s) => s.toLowerCase().includes(needle));
  return hosts
    .filter((h) => h.businessId === businessId)
    .map((host) => {
      const own = instances.filter((i) => i.hostId === host.id);
      return {
        host,
        instances: matches(host.name, host.address) ? own : own.filter((i) => matches(i.name, i.engine)),
      };
    })
    .filter((g) => g.instances.length > 0);
}

/** The instances a run may take: disabled ones are never inspected. */
export const selectable = (list: Instance[]) => list.filter((i) => i.enabled).map((i) => i.id);

export type CheckState = 'all' | 'some' | 'none';

export function checkState(ids: string[], selected: ReadonlySet<string>): CheckState {
  const count = ids.filter((id) => selected.has(id)).length;
  return count === 0 ? 'none' : count === ids.length ? 'all' : 'some';
}

/** Selects all of `ids` unless all are selected already, in which case it clears them. */
export function toggleAll(selected: ReadonlySet<string>, ids: string[]): Set<string> {
  const next = new Set(selected);
  const clear = ids.length > 0 && ids.every((id) => next.has(id));
  ids.forEach((id) => (clear ? next.delete(id) : next.add(id)));
  return next;
}

export function toggleOne(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (!next.delete(id)) {
    next.add(id);
  }
  return next;
}

export type WindowChoice = { kind: 'days'; days: number } | { kind: 'range'; from: Date; to: Date };

/** The POST /inspections body; `requestId` makes a retried click run once. */
export function runBody(o: {
  instanceIds: string[];
  tier: Tier;
  window: WindowChoice;
  requestId: string;
}): RunInspectionInput {
  const window =
    o.window.kind === 'days'
      ? { windowDays: o.window.days }
      : { window: { from: o.window.from.toISOString(), to: o.window.to.toISOString() } };
  return { instanceIds: o.instanceIds, tier: o.tier, ...window, requestId: o.requestId };
}

const TERMINAL: readonly InspectionState[] = ['succeeded', 'partial', 'failed', 'cancelled', 'missed'];
export const isFinished = (run: Inspection) => TERMINAL.includes(run.state);

/** Share of the checks done over all instances, 0–100 (0 before any instance knows its checks). */
export function percentDone(run: Inspection): number {
  const total = run.progress.reduce((n, p) => n + p.checksTotal, 0);
  const done = run.progress.reduce((n, p) => n + Math.min(p.checksDone, p.checksTotal), 0);
  return total === 0 ? (isFinished(run) ? 100 : 0) : Math.round((100 * done) / total);
}

/** A fresh idempotency key for one click on "Run". */
export function newRequestId(): string {
  const random = globalThis.crypto?.randomUUID?.();
  return random ?? `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
