import type { AnyCheck } from '../check.types.js';
import { postgresAutovacuumSettings } from './parameters/autovacuum-settings.check.js';
import { postgresCheckpointSettings } from './parameters/checkpoint-settings.check.js';
import { postgresDurabilitySettings } from './parameters/durability-settings.check.js';
import { postgresMaxConnections } from './parameters/max-connections.check.js';
import { postgresMemorySettings } from './parameters/memory-settings.check.js';
import { postgresObservabilityPrerequisites } from './parameters/observability-prerequisites.check.js';
import { postgresPendingRestart } from './parameters/pending-restart.check.js';
import { postgresWalRetention } from './parameters/wal-retention.check.js';

/** POSTGRES monthly checks (see the registry: monthly and annual checks are put in catalog order there). */
export const POSTGRES_MONTHLY_CHECKS: readonly AnyCheck[] = [
  postgresPendingRestart,
  postgresDurabilitySettings,
  postgresMemorySettings,
  postgresMaxConnections,
  postgresAutovacuumSettings,
  postgresCheckpointSettings,
  postgresWalRetention,
  postgresObservabilityPrerequisites,
];
