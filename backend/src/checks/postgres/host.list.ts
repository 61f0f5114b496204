import type { AnyCheck } from '../check.types.js';
import { postgresPlatformStatus } from './host/platform-status.check.js';

/** POSTGRES host checks (see the registry: monthly and annual checks are put in catalog order there). */
export const POSTGRES_HOST_CHECKS: readonly AnyCheck[] = [postgresPlatformStatus];
