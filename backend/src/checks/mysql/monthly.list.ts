import type { AnyCheck } from '../check.types.js';

/** MYSQL monthly checks (see the registry: monthly and annual checks are put in catalog order there). */
export const MYSQL_MONTHLY_CHECKS: readonly AnyCheck[] = [];
