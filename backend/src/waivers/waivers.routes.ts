import { z } from 'zod';
import { idParams, type ApiRouter } from '../http/api-router.js';
import { waiverCreateBody, waiverListQuery, waiverOut, waiverPatchBody } from './waiver.schema.js';
import type { WaiversService } from './waivers.service.js';

export function registerWaiverRoutes(api: ApiRouter, waivers: WaiversService): void {
  const tag = 'waivers';
  api.add({
    method: 'get',
    path: '/waivers',
    summary: 'Waivers (accepted risks), optionally by check, scope, or only those in force',
    tag,
    role: 'viewer',
    query: waiverListQuery,
    response: z.object({ items: z.array(waiverOut) }),
    handler: async ({ query }) => ({
      items: await waivers.list({
        ...(query.checkId ? { checkId: query.checkId } : {}),
        ...(query.scope ? { scope: query.scope } : {}),
        ...(query.scopeId !== undefined ? { scopeId: query.scopeId } : {}),
        active: query.active === 'true',
      }),
    }),
  });
  api.add({
    method: 'get',
    path: '/waivers/:id',
    summary: 'One waiver',
    tag,
    role: 'viewer',
    params: idParams,
    response: waiverOut,
    handler: ({ params }) => waivers.get(params.id),
  });
  api.add({
    method: 'post',
    path: '/waivers',
    summary:
      'Waive the findings of a check (globally, for a business or an instance, optionally by object) until a date',
    tag,
    role: 'admin',
    status: 201,
    body: waiverCreateBody,
    response: waiverOut,
    handler: ({ actor, body }) => waivers.create(actor, body),
  });
  api.add({
    method: 'patch',
    path: '/waivers/:id',
    summary: 'Change a waiver (reason, owner, expiry, scope, object pattern)',
    tag,
    role: 'admin',
    params: idParams,
    body: waiverPatchBody,
    response: waiverOut,
    handler: ({ actor, params, body }) => waivers.update(actor, params.id, body),
  });
  api.add({
    method: 'delete',
    path: '/waivers/:id',
    summary: 'Remove a waiver: its findings count again from the next report',
    tag,
    role: 'admin',
    params: idParams,
    response: null,
    handler: ({ actor, params }) => waivers.remove(actor, params.id),
  });
}
