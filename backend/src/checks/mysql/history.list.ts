import type { AnyCheck } from '../check.types.js';
import { mysqlCapacityTrend } from './storage/capacity-trend.check.js';
import { mysqlParameterDrift } from './parameters/parameter-drift.check.js';

/** MYSQL history checks (see the registry: monthly and annual checks are put in catalog order there). */
export const MYSQL_HISTORY_CHECKS: readonly AnyCheck[] = [mysqlParameterDrift, mysqlCapacityTrend];
