import { z } from 'zod';

/** One audit entry as the API shows it. */
export const auditEntryOut = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.string(),
  grafanaUser: z.string().optional(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().optional(),
  targetName: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
