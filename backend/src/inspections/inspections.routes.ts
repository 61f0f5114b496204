import { z } from 'zod';
import { TIERS } from '../checks/check.types.js';
import { idParams, type ApiRouter } from '../http/api-router.js';
import { selectorSchema } from '../inventory/inventory.schema.js';
import { requestedWindow } from './window.js';
import type { InspectionRunsService } from './inspection-runs.service.js';
import { inspectionOut } from './inspection.schema.js';

const isoDate = z.iso.datetime({ offset: true });

const runBody = z
  .strictObject({
    instanceIds: z.array(z.string().min(1)).min(1, 'must list at least one instance').max(1000).optional(),
    selector: selectorSchema.optional(),
    tier: z.enum(TIERS),
    window: z.strictObject({ from: isoDate, to: isoDate }).optional(),
    windowDays: z.number().int().min(1, 'must be ≥ 1').max(3660, 'must be ≤ 3660').optional(),
    requestId: z.string().min(1).max(200).optional(),
  })
  .refine((b) => b.instanceIds !== undefined || b.selector !== undefined, {
    message: 'give instanceIds or a selector',
    path: ['instanceIds'],
  })
  .refine((b) => !(b.window && b.windowDays), { message: 'give window or windowDays, not both', path: ['windowDays'] });

export function registerInspectionRoutes(api: ApiRouter, inspections: InspectionRunsService): void {
  const tag = 'inspections';
  api.add({
    method: 'post',
    path: '/inspections',
    summary: 'Inspect now: answers 202 with the inspection; the same requestId never runs twice',
    tag,
    role: 'editor',
    status: 202,
    body: runBody,
    response: inspectionOut,
    handler: async ({ actor, body, res }) => {
      const window = requestedWindow({
        ...(body.window ? { window: body.window } : {}),
        ...(body.windowDays ? { days: body.windowDays } : {}),
        tier: body.tier,
        now: new Date(),
      });
      const { inspection, created } = await inspections.runNow(actor, {
        ...(body.instanceIds ? { instanceIds: body.instanceIds } : {}),
        ...(body.selector ? { selector: body.selector } : {}),
        tier: body.tier,
        window,
        ...(body.requestId ? { requestId: body.requestId } : {}),
      });
      res.locals.status = created ? 202 : 200;
      res.location(`/api/v1/inspections/${inspection.id}`);
      return inspection;
    },
  });
  api.add({
    method: 'get',
    path: '/inspections',
    summary: 'List inspections, newest first',
    tag,
    role: 'viewer',
    query: z.strictObject({
      state: inspectionOut.shape.state.optional(),
      scheduleId: z.string().optional(),
      before: isoDate.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
    response: z.object({ items: z.array(inspectionOut) }),
    handler: async ({ query }) => ({ items: await inspections.list(query) }),
  });
  api.add({
    method: 'get',
    path: '/inspections/:id',
    summary: 'An inspection with its state, progress per instance and report ids',
    tag,
    role: 'viewer',
    params: idParams,
    response: inspectionOut,
    handler: ({ params }) => inspections.get(params.id),
  });
  api.add({
    method: 'delete',
    path: '/inspections/:id',
    summary: 'Cancel: the current check finishes, the rest are not started, reports say cancelled',
    tag,
    role: 'editor',
    params: idParams,
    response: inspectionOut,
    handler: ({ actor, params }) => inspections.cancel(actor, params.id),
  });
}
