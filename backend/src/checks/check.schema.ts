import { z } from 'zod';
import { TIERS } from './check.types.js';

const texts = z.object({ en: z.string(), zh: z.string() });
/** A check of the catalog as the API shows it. */
export const checkOut = z.object({
  id: z.string(),
  catalogRef: z.string(),
  engine: z.enum(['mysql', 'postgres']),
  flavors: z.array(z.string()),
  category: z.string(),
  tier: z.enum(TIERS),
  window: z.enum(['state', 'events', 'delta', 'trend']),
  scope: z.enum(['instance', 'database']),
  title: texts,
  description: texts,
  remediation: texts,
  thresholds: z.object({ defaults: z.record(z.string(), z.unknown()), schema: z.unknown() }),
});

/** One check with its SQL per version, per named query (`dynamic`: the text comes from the instance's settings). */
export const checkDetailOut = checkOut.extend({
  queries: z.record(
    z.string(),
    z.object({
      sql: z.array(z.object({ since: z.number(), flavors: z.array(z.string()).optional(), sql: z.string() })),
      dynamic: z.boolean(),
    }),
  ),
});
