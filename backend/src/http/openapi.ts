import { z } from 'zod';
import type { AnyRouteSpec, ApiRouter } from './api-router.js';

type Json = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Json;

const errorResponse = {
  description: 'Error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: {
          error: {
            type: 'object',
            properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
            required: ['code', 'message'],
          },
        },
      },
    },
  },
};

function parameters(spec: AnyRouteSpec): Json[] {
  const out: Json[] = [];
  for (const [where, schema] of [
    ['path', spec.params],
    ['query', spec.query],
  ] as const) {
    if (!schema) continue;
    const json = toSchema(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
    for (const [name, prop] of Object.entries(json.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: prop });
    }
  }
  return out;
}

/** OpenAPI 3 for every registered route, derived from the same zod schemas that validate requests. */
export function buildOpenApi(api: ApiRouter, info: { version: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  for (const spec of api.routes) {
    const path = spec.path.replace(/:([A-Za-z_]+)/g, '{$1}');
    const status = String(spec.status ?? (spec.response ? 200 : 204));
    const response = spec.response as z.ZodType | null;
    const op: Json = {
      summary: spec.summary,
      tags: [spec.tag],
      'x-required-role': spec.role,
      parameters: parameters(spec),
      responses: {
        [status]: response
          ? {
              description: 'OK',
              content: Object.fromEntries(
                [spec.responseMediaType, ...(spec.responseMediaTypes ?? []), 'application/json']
                  .filter((m): m is string => m !== undefined)
                  .map((m) => [m, { schema: toSchema(response, 'output') }]),
              ),
            }
          : { description: 'No content' },
        '400': errorResponse,
        '401': errorResponse,
        '403': errorResponse,
        ...(spec.params ? { '404': errorResponse } : {}),
      },
    };
    if (spec.body) {
      const content: Json = { 'application/json': { schema: toSchema(spec.body, 'input') } };
      for (const media of spec.bodyMediaTypes ?? []) content[media] = { schema: { type: 'string' } };
      op.requestBody = { required: true, content };
    }
    (paths[path] ??= {})[spec.method] = op;
  }
  return {
    openapi: '3.0.3',
    info: { title: 'DB Patrol API', version: info.version },
    servers: [{ url: '/api/v1' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  };
}
