import { z } from 'zod';
import { idParams, type ApiRouter } from '../http/api-router.js';
import { inspectionOut } from '../inspections/inspection.schema.js';
import { InputError } from '../errors/domain-errors.js';
import {
  occurrenceOut,
  PREVIEW_COUNT,
  scheduleCreateSchema,
  scheduleOut,
  schedulePatchSchema,
  schedulePreviewQuery,
  schedulePreviewSchema,
} from './schedule.schema.js';
import type { SchedulesService } from './schedules.service.js';

export function registerScheduleRoutes(api: ApiRouter, schedules: SchedulesService): void {
  const tag = 'schedules';
  api.add({
    method: 'get',
    path: '/schedules',
    summary: 'List schedules (active and paused by default)',
    tag,
    role: 'viewer',
    query: z.strictObject({
      status: z.enum(['active', 'paused', 'cancelled', 'all']).optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    response: z.object({ items: z.array(scheduleOut) }),
    handler: async ({ query }) => ({
      items: await schedules.list({
        ...(query.status
          ? { status: query.status === 'all' ? ['active', 'paused', 'cancelled'] : [query.status] }
          : {}),
        limit: query.limit,
        offset: query.offset,
      }),
    }),
  });
  api.add({
    method: 'post',
    path: '/schedules',
    summary: 'Create a schedule; its first occurrence is queued at once (enabled: false creates it paused)',
    tag,
    role: 'editor',
    status: 201,
    body: scheduleCreateSchema,
    response: scheduleOut,
    handler: ({ actor, body }) => {
      const { enabled, ...spec } = body;
      return schedules.create(actor, spec, enabled);
    },
  });
  api.add({
    method: 'post',
    path: '/schedules/preview',
    summary:
      'The next N occurrences (default 5, at most 50) of an unsaved schedule: the create body, count in the query or body',
    tag,
    role: 'editor',
    query: schedulePreviewQuery,
    body: schedulePreviewSchema,
    response: z.object({ items: z.array(occurrenceOut) }),
    handler: async ({ query, body }) => {
      const { count: bodyCount, enabled: _enabled, ...spec } = body;
      if (query.count !== undefined && bodyCount !== undefined && query.count !== bodyCount) {
        throw InputError.field('count', 'give it in the query or the body, not both');
      }
      return { items: schedules.previewSpec(spec, query.count ?? bodyCount ?? PREVIEW_COUNT.default) };
    },
  });
  api.add({
    method: 'get',
    path: '/schedules/:id',
    summary: 'One schedule with its next fire time',
    tag,
    role: 'viewer',
    params: idParams,
    response: scheduleOut,
    handler: async ({ params }) => schedules.view(await schedules.get(params.id)),
  });
  api.add({
    method: 'patch',
    path: '/schedules/:id',
    summary: 'Edit a schedule; the queued occurrence moves to the new first tick and never double-fires',
    tag,
    role: 'editor',
    params: idParams,
    body: schedulePatchSchema,
    response: scheduleOut,
    handler: ({ actor, params, body }) => schedules.update(actor, params.id, body),
  });
  api.add({
    method: 'delete',
    path: '/schedules/:id',
    summary: 'Cancel a schedule (kept for its history; the name becomes free)',
    tag,
    role: 'editor',
    params: idParams,
    response: scheduleOut,
    handler: ({ actor, params }) => schedules.cancel(actor, params.id),
  });
  api.add({
    method: 'delete',
    path: '/schedules/by-name/:name',
    summary: 'Cancel the active or paused schedule with this name',
    tag,
    role: 'editor',
    params: z.object({ name: z.string().min(1).max(200) }),
    response: scheduleOut,
    handler: ({ actor, params }) => schedules.cancelByName(actor, params.name),
  });
  api.add({
    method: 'post',
    path: '/schedules/:id/pause',
    summary: 'Pause: the queued occurrence is removed before it can fire',
    tag,
    role: 'editor',
    params: idParams,
    response: scheduleOut,
    handler: ({ actor, params }) => schedules.pause(actor, params.id),
  });
  api.add({
    method: 'post',
    path: '/schedules/:id/resume',
    summary: 'Resume at the first tick after now (no stale occurrence fires)',
    tag,
    role: 'editor',
    params: idParams,
    response: scheduleOut,
    handler: ({ actor, params }) => schedules.resume(actor, params.id),
  });
  api.add({
    method: 'post',
    path: '/schedules/:id/run-now',
    summary: 'Inspect the schedule’s instances now, the window ending now',
    tag,
    role: 'editor',
    status: 202,
    params: idParams,
    body: z.strictObject({ requestId: z.string().min(1).max(200).optional() }),
    response: inspectionOut,
    handler: async ({ actor, params, body }) => (await schedules.runNow(actor, params.id, body.requestId)).inspection,
  });
  api.add({
    method: 'get',
    path: '/schedules/:id/preview',
    summary: 'The next N occurrences with their windows, ISO-8601 in the schedule’s time zone',
    tag,
    role: 'viewer',
    params: idParams,
    query: z.strictObject({ count: z.coerce.number().int().min(1).max(100).default(5) }),
    response: z.object({ items: z.array(occurrenceOut) }),
    handler: async ({ params, query }) => ({ items: await schedules.preview(params.id, query.count) }),
  });
}
