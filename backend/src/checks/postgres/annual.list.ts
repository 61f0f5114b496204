import type { AnyCheck } from '../check.types.js';

/** POSTGRES annual checks (see the registry: monthly and annual checks are put in catalog order there). */
export const POSTGRES_ANNUAL_CHECKS: readonly AnyCheck[] = [];
