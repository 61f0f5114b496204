import type { AnyCheck } from '../check.types.js';
import { mysqlPlatformStatus } from './host/platform-status.check.js';

/** MYSQL host checks (see the registry: monthly and annual checks are put in catalog order there). */
export const MYSQL_HOST_CHECKS: readonly AnyCheck[] = [mysqlPlatformStatus];
