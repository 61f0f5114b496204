import { z } from 'zod';
import { SEVERITIES, TIERS } from '../checks/check.types.js';

/** A time as Grafana may send it: ISO 8601 with an offset, or milliseconds since the epoch (number or digits). */
export const grafanaTime = z
  .union([z.iso.datetime({ offset: true }), z.number().int().min(0), z.string().regex(/^\d{1,15}$/)])
  .transform((v) => new Date(typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v).toISOString());

const id = z.string().min(1).max(200);
/** One id or many: a Grafana multi-value variable arrives as an array, a single value as a string. */
const ids = z
  .union([id, z.array(id).max(10_000)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .optional();

export const QUERY_TYPES = ['scores', 'findingCounts', 'findings', 'outcomes', 'inspections', 'counters'] as const;
export type QueryType = (typeof QUERY_TYPES)[number];

/** One query of a request, checked on its own so that a bad one answers with an error under its refId only. */
export const grafanaQuery = z
  .object({
    refId: z.string().min(1).max(100),
    queryType: z.enum(QUERY_TYPES),
    businessId: id.optional(),
    hostId: id.optional(),
    instanceIds: ids,
    checkIds: ids,
    severity: z
      .union([z.enum(SEVERITIES), z.array(z.enum(SEVERITIES)).max(3)])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .optional(),
    tier: z.enum(TIERS).optional(),
    /** `counters`: the counter name as snapshots store it; `*` stands for one name segment (`db.*.deadlocks`). */
    counter: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9_.*<>$-]+$/, 'must be a counter name such as status.innodb_deadlocks or db.*.deadlocks')
      .optional(),
    /** `findings`: the language of the message (default en). */
    lang: z.enum(['en', 'zh']).optional(),
    /** `inspections`: at most this many runs, newest first. */
    limit: z.number().int().min(1).max(5000).optional(),
    maxDataPoints: z.number().int().min(1).max(100_000).optional(),
    intervalMs: z.number().min(0).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.queryType === 'counters' && q.counter === undefined) {
      ctx.addIssue({ code: 'custom', path: ['counter'], message: 'is required for queryType counters' });
    }
  });
export type GrafanaQuery = z.output<typeof grafanaQuery>;

/** The body of `POST /grafana/query`, as Grafana's `DataQueryRequest` carries it (extra keys are ignored). */
export const queryRequest = z
  .object({
    range: z.object({ from: grafanaTime, to: grafanaTime }),
    maxDataPoints: z.number().int().min(1).max(100_000).optional(),
    intervalMs: z.number().min(0).optional(),
    // Only refId is checked here: everything else of a query is checked per query (see grafanaQuery).
    queries: z
      .array(z.looseObject({ refId: z.string().min(1).max(100) }))
      .min(1)
      .max(50),
  })
  .superRefine((r, ctx) => {
    if (Date.parse(r.range.to) <= Date.parse(r.range.from)) {
      ctx.addIssue({ code: 'custom', path: ['range', 'to'], message: 'must be after range.from' });
    }
    const seen = new Set<string>();
    r.queries.forEach((q, i) => {
      if (seen.has(q.refId)) ctx.addIssue({ code: 'custom', path: ['queries', i, 'refId'], message: 'is not unique' });
      seen.add(q.refId);
    });
  });
export type QueryRequest = z.output<typeof queryRequest>;

const fieldSchema = z.object({
  name: z.string(),
  type: z.enum(['time', 'number', 'string', 'boolean']),
  labels: z.record(z.string(), z.string()).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
});
/**
 * A frame's column, documented as an array of any values. The presenter checks it is an array without walking and
 * copying its values: a year of scores for a fleet is hundreds of thousands of numbers the service itself produced.
 */
const frameColumn = z
  .custom<unknown[]>((v) => Array.isArray(v), 'must be an array')
  .meta({ type: 'array', items: {} } as Record<string, unknown>);

export const dataFrameJson = z.object({
  schema: z.object({
    refId: z.string().optional(),
    name: z.string().optional(),
    meta: z
      .object({
        type: z.string().optional(),
        typeVersion: z.tuple([z.number(), z.number()]).optional(),
        preferredVisualisationType: z.string().optional(),
      })
      .optional(),
    fields: z.array(fieldSchema),
  }),
  data: z.object({ values: z.array(frameColumn) }),
});

export const queryResult = z.union([
  z.object({ frames: z.array(dataFrameJson) }),
  z.object({ error: z.string(), status: z.number().int() }),
]);
export const queryResponse = z.object({ results: z.record(z.string(), queryResult) });
export type QueryResponse = z.input<typeof queryResponse>;

export const VARIABLE_KINDS = ['business', 'host', 'instance', 'check', 'tier', 'severity'] as const;
export const variablesQuery = z.strictObject({
  kind: z.enum(VARIABLE_KINDS),
  businessId: id.optional(),
  hostId: id.optional(),
});
export const variablesResponse = z.array(z.object({ text: z.string(), value: z.string() }));

export const annotationsQuery = z
  .strictObject({
    from: grafanaTime,
    to: grafanaTime,
    businessId: id.optional(),
    hostId: id.optional(),
    instanceIds: ids,
    tier: z.enum(TIERS).optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .superRefine((r, ctx) => {
    if (Date.parse(r.to) <= Date.parse(r.from))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
  });
export type AnnotationsQuery = z.output<typeof annotationsQuery>;
export const annotationsResponse = z.array(
  z.object({
    time: z.number(),
    timeEnd: z.number().optional(),
    title: z.string(),
    text: z.string(),
    tags: z.array(z.string()),
  }),
);

export const healthResponse = z.object({ status: z.enum(['ok', 'error']), message: z.string() });
