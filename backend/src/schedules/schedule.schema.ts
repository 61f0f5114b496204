import { z } from 'zod';
import { TIERS } from '../checks/check.types.js';
import { nameSchema, selectorSchema } from '../inventory/inventory.schema.js';
import { isValidTimezone, validateCron } from './fire-times.js';

const dayOfMonth = z.union([
  z.number().int().min(1, 'must be 1–31 or "last"').max(31, 'must be 1–31 or "last"'),
  z.literal('last'),
]);

export const frequencySchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('daily') }),
  z.strictObject({
    kind: z.literal('weekly'),
    dayOfWeek: z.number().int().min(0, 'must be 0 (Sunday) to 6').max(6, 'must be 0 (Sunday) to 6'),
  }),
  z.strictObject({ kind: z.literal('monthly'), dayOfMonth }),
  z.strictObject({
    kind: z.literal('semiannual'),
    month: z
      .number()
      .int()
      .min(1, 'must be 1–6 (the first of the two months)')
      .max(6, 'must be 1–6 (the first of the two months)'),
    dayOfMonth,
  }),
  z.strictObject({
    kind: z.literal('annual'),
    month: z.number().int().min(1, 'must be 1–12').max(12, 'must be 1–12'),
    dayOfMonth,
  }),
  z.strictObject({
    kind: z.literal('cron'),
    expression: z.string().superRefine((expr, ctx) => {
      try {
        validateCron(expr);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `is not a valid cron expression: ${(err as Error).message}` });
      }
    }),
  }),
]);

const specFields = {
  name: nameSchema,
  instanceIds: z.array(z.string().min(1)).min(1, 'must list at least one instance').max(1000).optional(),
  selector: selectorSchema.optional(),
  tier: z.enum(TIERS),
  frequency: frequencySchema,
  time: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, 'must be HH:MM:SS (24-hour)')
    .default('00:00:00'),
  timezone: z.string().refine(isValidTimezone, 'is not an IANA time zone (e.g. Asia/Shanghai)'),
  windowDays: z.number().int('must be a whole number of days').min(1, 'must be ≥ 1').max(3660, 'must be ≤ 3660'),
  catchUp: z.enum(['latest', 'skip']).default('latest'),
  maxLatenessSeconds: z
    .number()
    .int()
    .min(0)
    .max(366 * 86400)
    .optional(),
};

const needsTarget = (s: { instanceIds?: unknown; selector?: unknown }) =>
  s.instanceIds !== undefined || s.selector !== undefined;

const scheduleCreateObject = z.strictObject({ ...specFields, enabled: z.boolean().default(true) });

/** Create and preview bodies name their instances one way: ids or a selector. */
const withOneTarget = <T extends z.ZodType<{ instanceIds?: unknown; selector?: unknown }>>(schema: T) =>
  schema
    .refine(needsTarget, { message: 'give instanceIds or a selector', path: ['instanceIds'] })
    .refine((s) => !(s.instanceIds && s.selector), {
      message: 'give instanceIds or a selector, not both',
      path: ['selector'],
    });

export const scheduleCreateSchema = withOneTarget(scheduleCreateObject);

/** How many occurrences a preview of an unsaved schedule lists. */
export const PREVIEW_COUNT = { default: 5, max: 50 } as const;
const previewCount = z
  .number()
  .int('must be a whole number')
  .min(1, 'must be ≥ 1')
  .max(PREVIEW_COUNT.max, `must be ≤ ${PREVIEW_COUNT.max}`);

/** `POST /schedules/preview`: the create form as it stands (nothing is saved), optionally with `count`. */
export const schedulePreviewSchema = withOneTarget(scheduleCreateObject.extend({ count: previewCount.optional() }));
export const schedulePreviewQuery = z.strictObject({ count: z.coerce.number().pipe(previewCount).optional() });

export const schedulePatchSchema = z
  .strictObject({
    ...specFields,
    time: specFields.time.unwrap(),
    catchUp: specFields.catchUp.unwrap(),
    enabled: z.boolean(),
  })
  .partial()
  .refine((s) => !(s.instanceIds && s.selector), {
    message: 'give instanceIds or a selector, not both',
    path: ['selector'],
  });

/** A schedule as the API shows it, with its next fire time. */
export const scheduleOut = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['active', 'paused', 'cancelled']),
  enabled: z.boolean(),
  version: z.number(),
  instanceIds: z.array(z.string()).optional(),
  selector: selectorSchema.optional(),
  tier: z.enum(TIERS),
  frequency: frequencySchema,
  time: z.string(),
  timezone: z.string(),
  windowDays: z.number(),
  catchUp: z.enum(['latest', 'skip']),
  maxLatenessSeconds: z.number().optional(),
  nextFireAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  createdBy: z.string(),
});
/** One future occurrence: its fire time and sampling window, ISO-8601 in the schedule's time zone. */
export const occurrenceOut = z.object({ fireAt: z.string(), window: z.object({ from: z.string(), to: z.string() }) });
