import { z } from 'zod';
import { ROLES } from '../http/roles.js';

/** An API token as the API shows it: never its secret or hash. */
export const tokenOut = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  createdAt: z.string(),
  createdBy: z.string(),
  lastUsedAt: z.string().optional(),
});

/** A token just created: the secret, shown this once. */
export const createdTokenOut = tokenOut.extend({ token: z.string() });
