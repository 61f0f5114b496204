import type { EngineFamily } from '../checks/check.types.js';

/** Where a parameter baseline applies: the instances of one business (of one engine family), or one instance. */
export type BaselineScope = 'business' | 'instance';

export const BASELINE_SCOPES = ['business', 'instance'] as const satisfies readonly BaselineScope[];
export const BASELINE_ENGINES = ['mysql', 'postgres'] as const satisfies readonly EngineFamily[];

/**
 * The expected parameter values of an instance or of a business's instances of one engine family (MySQL/MariaDB or
 * PostgreSQL). The parameter drift checks (MY-M10, PG-M07) compare every instance with the baseline in force for it:
 * its own, else its business's.
 */
export interface ParameterBaseline {
  scope: BaselineScope;
  /** Business or instance id. */
  scopeId: string;
  engine: EngineFamily;
  /** Parameter name → expected value, as the server spells them (`innodb_flush_log_at_trx_commit` → `1`). */
  parameters: Record<string, string>;
  /** The report the values were copied from, when set from one. */
  fromReportId?: string;
  note?: string;
  updatedAt: string;
  updatedBy: string;
}

/** The drift check of each engine family, whose stored fingerprints are a report's parameter values. */
export const DRIFT_CHECK_IDS: Record<EngineFamily, string> = {
  mysql: 'mysql.parameter-drift',
  postgres: 'postgres.settings-drift',
};
