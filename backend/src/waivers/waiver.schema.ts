import { z } from 'zod';
import { WAIVER_SCOPES } from './waiver.model.js';

const scope = z.enum(WAIVER_SCOPES);
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const instant = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset' });

/** The body of POST /waivers. */
export const waiverCreateBody = z.strictObject({
  checkId: z.string().min(1),
  scope,
  scopeId: z.string().max(200).optional(),
  objectPattern: z.string().min(1).max(500).optional(),
  reason: text(2000),
  owner: text(200),
  expiresAt: instant,
});
export type WaiverCreate = z.infer<typeof waiverCreateBody>;

/** The body of PATCH /waivers/{id}: any field; `objectPattern: null` removes the pattern (any object). */
export const waiverPatchBody = z.strictObject({
  checkId: z.string().min(1).optional(),
  scope: scope.optional(),
  scopeId: z.string().max(200).optional(),
  objectPattern: z.string().min(1).max(500).nullable().optional(),
  reason: text(2000).optional(),
  owner: text(200).optional(),
  expiresAt: instant.optional(),
});
export type WaiverPatch = z.infer<typeof waiverPatchBody>;

export const waiverListQuery = z.strictObject({
  checkId: z.string().optional(),
  scope: scope.optional(),
  scopeId: z.string().optional(),
  /** `true`: only waivers in force now. */
  active: z.enum(['true', 'false']).optional(),
});

/** A waiver as the API shows it; `active` is false once it has expired. */
export const waiverOut = z.object({
  id: z.string(),
  checkId: z.string(),
  scope,
  scopeId: z.string(),
  objectPattern: z.string().optional(),
  reason: z.string(),
  owner: z.string(),
  expiresAt: z.string(),
  active: z.boolean(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
});
