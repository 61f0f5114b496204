import { it } from 'vitest';
import type { Store } from '../store.js';

/** The backends the contract runs on (MongoDB twice: with transactions, and with the standalone fallbacks). */
export type ContractBackend = 'postgres' | 'embedded' | 'mongo' | 'mongo-no-transactions';

/** Every case of the store contract, by concern; a backend's skip entry names one of these. */
export const CONTRACT_CASES = [
  'migrate.idempotent',
  'inventory.businesses',
  'inventory.hostReferences',
  'inventory.hostFilters',
  'inventory.instanceRoundTrip',
  'inventory.instanceFilters',
  'inventory.applyPlan',
  'tokens.byHash',
  'audit.list',
  'thresholds.overrides',
  'reports.list',
  'reports.onePerInspection',
  'schedules.liveName',
  'inspections.immediate',
  'inspections.occurrences',
  'inspections.cancel',
  'snapshots.edges',
  'baselines.inForce',
  'jobs.agendaTable',
] as const;
export type ContractCase = (typeof CONTRACT_CASES)[number];

/**
 * What a backend may skip, with the reason (Agenda's repository suite style). Every backend runs every case today;
 * a new backend, or a capability one of them cannot offer, is declared here rather than with an `if` in a test.
 */
export const CONTRACT_SKIPS: Readonly<Record<ContractBackend, Partial<Record<ContractCase, string>>>> = {
  postgres: {},
  embedded: {},
  mongo: {},
  'mongo-no-transactions': {},
};

/** The contract's view of one backend: its store for the current test and what it skips. */
export interface ContractRun {
  store: () => Store;
  backend: ContractBackend;
}

/** A contract case, skipped (and reported as such) when the backend declares it may skip it. */
export function contractCase(run: ContractRun, id: ContractCase, title: string, body: () => Promise<void>): void {
  const reason = CONTRACT_SKIPS[run.backend][id];
  it.skipIf(reason !== undefined)(reason ? `${title} (skipped: ${reason})` : title, body);
}
