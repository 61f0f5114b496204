import { z } from 'zod';
import type { AnyCheck, QuerySpec } from './check.types.js';
import { TIERS } from './check.types.js';
import { idParams, type ApiRouter } from '../http/api-router.js';
import type { ThresholdsService } from '../thresholds/thresholds.service.js';
import { thresholdOverrideOut } from '../thresholds/threshold.schema.js';
import { checkDetailOut, checkOut } from './check.schema.js';

const scopeQuery = z.strictObject({
  scope: z.enum(['global', 'business', 'instance']).default('global'),
  scopeId: z.string().default(''),
});

export function describeCheck(c: AnyCheck): z.infer<typeof checkOut> {
  return {
    id: c.id,
    catalogRef: c.catalogRef,
    engine: c.engine,
    flavors: [...c.flavors],
    category: c.category,
    tier: c.tier,
    window: c.window,
    scope: c.scope,
    title: c.title,
    description: c.description,
    remediation: c.remediation,
    thresholds: {
      defaults: c.thresholds.defaults as Record<string, unknown>,
      schema: z.toJSONSchema(c.thresholds.schema, { io: 'input', unrepresentable: 'any' }),
    },
  };
}

export function describeCheckDetail(c: AnyCheck): z.infer<typeof checkDetailOut> {
  const queries = Object.entries(c.queries as Record<string, QuerySpec<unknown>>).map(([name, q]) => [
    name,
    {
      sql: q.sql.map((v) => ({ since: v.since, ...(v.flavors ? { flavors: [...v.flavors] } : {}), sql: v.sql })),
      dynamic: q.dynamicSql !== undefined,
    },
  ]);
  return { ...describeCheck(c), queries: Object.fromEntries(queries) };
}

export function registerCheckRoutes(api: ApiRouter, checks: readonly AnyCheck[], thresholds: ThresholdsService): void {
  const tag = 'checks';
  api.add({
    method: 'get',
    path: '/checks',
    summary: 'The check catalog, optionally filtered by engine, tier (cumulative) and category',
    tag,
    role: 'viewer',
    query: z.strictObject({
      engine: z.enum(['mysql', 'mariadb', 'postgres']).optional(),
      tier: z.enum(TIERS).optional(),
      category: z.string().optional(),
    }),
    response: z.object({ items: z.array(checkOut) }),
    handler: async ({ query }) => ({
      items: checks
        .filter((c) => !query.engine || c.engine === (query.engine === 'postgres' ? 'postgres' : 'mysql'))
        .filter((c) => !query.engine || query.engine === 'postgres' || c.flavors.includes(query.engine))
        .filter((c) => !query.tier || TIERS.indexOf(c.tier) <= TIERS.indexOf(query.tier))
        .filter((c) => !query.category || c.category === query.category)
        .map(describeCheck),
    }),
  });
  api.add({
    method: 'get',
    path: '/checks/:id',
    summary: 'One check of the catalog with its SQL per server version',
    tag,
    role: 'viewer',
    params: idParams,
    response: checkDetailOut,
    handler: async ({ params }) => describeCheckDetail(thresholds.check(params.id)),
  });
  api.add({
    method: 'get',
    path: '/checks/:id/thresholds',
    summary: 'Defaults and overrides of a check; with businessId/instanceId also the effective values there',
    tag,
    role: 'viewer',
    params: idParams,
    query: z.strictObject({ businessId: z.string().optional(), instanceId: z.string().optional() }),
    response: z.object({
      defaults: z.record(z.string(), z.unknown()),
      overrides: z.array(thresholdOverrideOut),
      effective: z.record(z.string(), z.unknown()),
    }),
    handler: async ({ params, query }) => {
      const check = thresholds.check(params.id);
      const resolve = await thresholds.resolverFor(query);
      return {
        defaults: check.thresholds.defaults as Record<string, unknown>,
        overrides: await thresholds.overrides(check.id),
        effective: resolve(check),
      };
    },
  });
  api.add({
    method: 'put',
    path: '/checks/:id/thresholds',
    summary: 'Set threshold overrides of a check globally, for a business or for an instance (replaces that scope)',
    tag,
    role: 'admin',
    params: idParams,
    body: z.strictObject({
      scope: z.enum(['global', 'business', 'instance']),
      scopeId: z.string().default(''),
      values: z.record(z.string(), z.unknown()),
    }),
    response: thresholdOverrideOut,
    handler: ({ actor, params, body }) => thresholds.set(actor, params.id, body.scope, body.scopeId, body.values),
  });
  api.add({
    method: 'delete',
    path: '/checks/:id/thresholds',
    summary: 'Remove the threshold override of a check at one scope',
    tag,
    role: 'admin',
    params: idParams,
    query: scopeQuery,
    response: null,
    handler: ({ actor, params, query }) => thresholds.remove(actor, params.id, query.scope, query.scopeId),
  });
}
