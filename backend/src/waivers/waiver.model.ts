import type { Finding } from '../reports/report.types.js';

/** Where a waiver applies: every instance, the instances of one business, or one instance. */
export type WaiverScope = 'global' | 'business' | 'instance';

export const WAIVER_SCOPES = ['global', 'business', 'instance'] as const satisfies readonly WaiverScope[];

/** An accepted risk: findings of one check (optionally only matching objects) stay in reports but cost nothing. */
export interface Waiver {
  id: string;
  checkId: string;
  scope: WaiverScope;
  /** Business or instance id; empty for global. */
  scopeId: string;
  /** The finding's object, exactly or as a glob (`*` any run of characters, `?` one character). Absent: any object. */
  objectPattern?: string;
  reason: string;
  owner: string;
  /** The waiver stops applying at this instant; the first report after it shows the finding again. */
  expiresAt: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** How a report records that a finding was waived. */
export type WaivedMark = NonNullable<Finding['waived']>;

/** The waivers that may apply to one instance, with the ids scopes are matched against. */
export interface WaiverContext {
  instanceId?: string;
  businessId?: string;
  waivers: readonly Waiver[];
}
