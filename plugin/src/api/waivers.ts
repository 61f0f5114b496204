import { apiFetch, seg, type ItemList } from './client';

export type WaiverScope = 'global' | 'business' | 'instance';

/** An accepted risk: findings of a check (optionally only objects matching a glob) stay in reports but cost nothing. */
export interface Waiver {
  id: string;
  checkId: string;
  scope: WaiverScope;
  /** Business or instance id; empty for global. */
  scopeId: string;
  /** Exact object or glob (`*`, `?`); absent: any object of the check. */
  objectPattern?: string;
  reason: string;
  owner: string;
  expiresAt: string;
  /** False once expired: the findings count again from the next report. */
  active: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

export interface WaiverInput {
  checkId: string;
  scope: WaiverScope;
  scopeId?: string;
  objectPattern?: string;
  reason: string;
  owner: string;
  /** ISO 8601 with an offset; must be in the future. */
  expiresAt: string;
}

/** Any field; `objectPattern: null` widens the waiver to every object of the check. */
export type WaiverPatch = Partial<Omit<WaiverInput, 'objectPattern'>> & { objectPattern?: string | null };

export interface WaiverFilter {
  checkId?: string;
  scope?: WaiverScope;
  scopeId?: string;
  /** Only waivers in force now. */
  active?: boolean;
}

export const waiversApi = {
  list: async (filter: WaiverFilter = {}) =>
    (
      await apiFetch<ItemList<Waiver>>({
        path: 'waivers',
        params: { ...filter, active: filter.active ? 'true' : undefined },
      })
    ).items,
  get: (id: string) => apiFetch<Waiver>({ path: `waivers/${seg(id)}` }),
  /** Admins; audited. */
  create: (input: WaiverInput) => apiFetch<Waiver>({ method: 'POST', path: 'waivers', data: input }),
  update: (id: string, patch: WaiverPatch) =>
    apiFetch<Waiver>({ method: 'PATCH', path: `waivers/${seg(id)}`, data: patch }),
  remove: (id: string) => apiFetch<void>({ method: 'DELETE', path: `waivers/${seg(id)}` }),
};
