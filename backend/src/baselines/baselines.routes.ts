import { z } from 'zod';
import type { ApiRouter } from '../http/api-router.js';
import {
  baselineEngineQuery,
  baselineListQuery,
  baselineOut,
  baselineParams,
  baselinePutBody,
} from './baseline.schema.js';
import type { BaselinesService } from './baselines.service.js';

export function registerBaselineRoutes(api: ApiRouter, baselines: BaselinesService): void {
  const tag = 'baselines';
  api.add({
    method: 'get',
    path: '/baselines',
    summary: 'Parameter baselines, optionally of one scope',
    tag,
    role: 'viewer',
    query: baselineListQuery,
    response: z.object({ items: z.array(baselineOut) }),
    handler: async ({ query }) => ({
      items: await baselines.list({
        ...(query.scope ? { scope: query.scope } : {}),
        ...(query.scopeId ? { scopeId: query.scopeId } : {}),
      }),
    }),
  });
  api.add({
    method: 'get',
    path: '/baselines/:scope/:scopeId',
    summary: 'The parameter baseline of an instance, or of a business for one engine (?engine=mysql|postgres)',
    tag,
    role: 'viewer',
    params: baselineParams,
    query: baselineEngineQuery,
    response: baselineOut,
    handler: ({ params, query }) => baselines.get(params.scope, params.scopeId, query.engine),
  });
  api.add({
    method: 'put',
    path: '/baselines/:scope/:scopeId',
    summary:
      'Set the parameter baseline of an instance or a business: expected values by hand, from a report (fromReportId, optionally only some names), or both',
    tag,
    role: 'admin',
    params: baselineParams,
    body: baselinePutBody,
    response: baselineOut,
    handler: ({ actor, params, body }) => baselines.put(actor, params.scope, params.scopeId, body),
  });
  api.add({
    method: 'delete',
    path: '/baselines/:scope/:scopeId',
    summary: 'Remove a parameter baseline: its instances are compared with the business baseline or only with history',
    tag,
    role: 'admin',
    params: baselineParams,
    query: baselineEngineQuery,
    response: null,
    handler: ({ actor, params, query }) => baselines.remove(actor, params.scope, params.scopeId, query.engine),
  });
}
