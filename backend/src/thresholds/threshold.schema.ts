import { z } from 'zod';

/** A threshold override at one scope as the API shows it. */
export const thresholdOverrideOut = z.object({
  checkId: z.string(),
  scope: z.enum(['global', 'business', 'instance']),
  scopeId: z.string(),
  values: z.record(z.string(), z.unknown()),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
