import { z } from 'zod';
import { BASELINE_ENGINES, BASELINE_SCOPES } from './baseline.model.js';

export const MAX_BASELINE_PARAMETERS = 5000;

const engine = z.enum(BASELINE_ENGINES);
const parameterName = z
  .string()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[A-Za-z_][A-Za-z0-9_.]*$/, 'must be a parameter name (letters, digits, _ and .)');

/** `/baselines/{scope}/{scopeId}`. */
export const baselineParams = z.strictObject({ scope: z.enum(BASELINE_SCOPES), scopeId: z.string().min(1).max(200) });

/** `?engine=`: which engine's baseline of a business (an instance's is its own engine's). */
export const baselineEngineQuery = z.strictObject({ engine: engine.optional() });

export const baselineListQuery = z.strictObject({
  scope: z.enum(BASELINE_SCOPES).optional(),
  scopeId: z.string().optional(),
});

/**
 * The body of PUT /baselines/{scope}/{scopeId}: the expected values, taken from a report (`fromReportId`, optionally
 * only some names), given by hand (`parameters`), or both (the hand-given values win). Replaces the stored baseline.
 */
export const baselinePutBody = z
  .strictObject({
    engine: engine.optional(),
    parameters: z
      .record(parameterName, z.string().max(4096))
      .refine((p) => Object.keys(p).length <= MAX_BASELINE_PARAMETERS, `at most ${MAX_BASELINE_PARAMETERS} parameters`)
      .optional(),
    fromReportId: z.string().min(1).max(200).optional(),
    /** With fromReportId: take only these parameters from the report. */
    only: z.array(parameterName).min(1).max(MAX_BASELINE_PARAMETERS).optional(),
    note: z.string().max(2000).optional(),
  })
  .superRefine((b, ctx) => {
    if (!b.parameters && !b.fromReportId)
      ctx.addIssue({ code: 'custom', path: ['parameters'], message: 'give parameters, fromReportId, or both' });
    if (b.only && !b.fromReportId)
      ctx.addIssue({ code: 'custom', path: ['only'], message: 'only applies with fromReportId' });
  });
export type BaselinePut = z.infer<typeof baselinePutBody>;

/** A baseline as the API shows it. */
export const baselineOut = z.object({
  scope: z.enum(BASELINE_SCOPES),
  scopeId: z.string(),
  engine,
  parameters: z.record(z.string(), z.string()),
  fromReportId: z.string().optional(),
  note: z.string().optional(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
