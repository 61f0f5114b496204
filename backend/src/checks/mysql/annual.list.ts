import type { AnyCheck } from '../check.types.js';

/** MYSQL annual checks (see the registry: monthly and annual checks are put in catalog order there). */
export const MYSQL_ANNUAL_CHECKS: readonly AnyCheck[] = [];
