import type { AnyCheck } from '../check.types.js';
import { postgresCapacityTrend } from './storage/capacity-trend.check.js';
import { postgresSettingsDrift } from './parameters/settings-drift.check.js';

/** POSTGRES history checks (see the registry: monthly and annual checks are put in catalog order there). */
export const POSTGRES_HISTORY_CHECKS: readonly AnyCheck[] = [postgresSettingsDrift, postgresCapacityTrend];
