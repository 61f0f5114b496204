import { apiFetch, seg, type ItemList } from './client';
import type { Inspection, InstanceSelector, Tier, TimeWindow } from './inspections';

export type DayOfMonth = number | 'last';

export type Frequency =
  | { kind: 'daily' }
  | { kind: 'weekly'; dayOfWeek: number }
  | { kind: 'monthly'; dayOfMonth: DayOfMonth }
  | { kind: 'semiannual'; month: number; dayOfMonth: DayOfMonth }
  | { kind: 'annual'; month: number; dayOfMonth: DayOfMonth }
  /** Six fields (with seconds) or five, evaluated in the schedule's time zone. */
  | { kind: 'cron'; expression: string };

export type ScheduleStatus = 'active' | 'paused' | 'cancelled';
export type CatchUp = 'latest' | 'skip';

export interface Schedule {
  id: string;
  name: string;
  status: ScheduleStatus;
  enabled: boolean;
  version: number;
  instanceIds?: string[];
  selector?: InstanceSelector;
  tier: Tier;
  frequency: Frequency;
  time: string;
  timezone: string;
  windowDays: number;
  catchUp: CatchUp;
  maxLatenessSeconds?: number;
  nextFireAt?: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export interface ScheduleInput {
  name: string;
  instanceIds?: string[];
  selector?: InstanceSelector;
  tier: Tier;
  frequency: Frequency;
  /** HH:MM:SS, 24-hour. */
  time?: string;
  timezone: string;
  windowDays: number;
  catchUp?: CatchUp;
  maxLatenessSeconds?: number;
  enabled?: boolean;
}

export interface Occurrence {
  fireAt: string;
  window: TimeWindow;
}

export const schedulesApi = {
  list: async (filter: { status?: ScheduleStatus | 'all'; limit?: number; offset?: number } = {}) =>
    (await apiFetch<ItemList<Schedule>>({ path: 'schedules', params: { ...filter } })).items,
  get: (id: string) => apiFetch<Schedule>({ path: `schedules/${seg(id)}` }),
  create: (body: ScheduleInput) => apiFetch<Schedule>({ method: 'POST', path: 'schedules', data: body }),
  update: (id: string, body: Partial<ScheduleInput>) =>
    apiFetch<Schedule>({ method: 'PATCH', path: `schedules/${seg(id)}`, data: body }),
  cancel: (id: string) => apiFetch<void>({ method: 'DELETE', path: `schedules/${seg(id)}` }),
  cancelByName: (name: string) => apiFetch<void>({ method: 'DELETE', path: `schedules/by-name/${seg(name)}` }),
  pause: (id: string) => apiFetch<Schedule>({ method: 'POST', path: `schedules/${seg(id)}/pause` }),
  resume: (id: string) => apiFetch<Schedule>({ method: 'POST', path: `schedules/${seg(id)}/resume` }),
  runNow: (id: string) => apiFetch<Inspection>({ method: 'POST', path: `schedules/${seg(id)}/run-now` }),
  preview: async (id: string, count = 5) =>
    (await apiFetch<ItemList<Occurrence>>({ path: `schedules/${seg(id)}/preview`, params: { count } })).items,
  /** Fire times of an unsaved form, computed by the backend exactly as for a saved schedule. */
  previewUnsaved: async (body: ScheduleInput, count = 5) =>
    (await apiFetch<ItemList<Occurrence>>({ method: 'POST', path: 'schedules/preview', data: { ...body, count } }))
      .items,
};
