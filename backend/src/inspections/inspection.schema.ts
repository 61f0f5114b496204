import { z } from 'zod';
import { TIERS } from '../checks/check.types.js';
import { selectorSchema } from '../inventory/inventory.schema.js';

/** An inspection (run) as the API shows it: exactly these fields go out. */
export const inspectionOut = z.object({
  id: z.string(),
  requestId: z.string().optional(),
  scheduleId: z.string().optional(),
  fireAt: z.string().optional(),
  trigger: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('manual'), actor: z.string() }),
    z.object({ kind: z.literal('schedule'), scheduleId: z.string(), scheduleName: z.string() }),
  ]),
  tier: z.enum(TIERS),
  window: z.object({ from: z.string(), to: z.string() }),
  instanceIds: z.array(z.string()).optional(),
  selector: selectorSchema.optional(),
  state: z.enum(['queued', 'running', 'succeeded', 'partial', 'failed', 'cancelled', 'missed']),
  progress: z.array(
    z.object({
      instanceId: z.string(),
      instanceName: z.string(),
      state: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
      checksDone: z.number(),
      checksTotal: z.number(),
      reportId: z.string().optional(),
      score: z.number().optional(),
      error: z.string().optional(),
    }),
  ),
  cancelRequested: z.boolean(),
  attempt: z.number(),
  worker: z.string().optional(),
  error: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
});
