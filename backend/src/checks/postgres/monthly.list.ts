import type { AnyCheck } from '../check.types.js';

/** POSTGRES monthly checks (see the registry: monthly and annual checks are put in catalog order there). */
export const POSTGRES_MONTHLY_CHECKS: readonly AnyCheck[] = [];
