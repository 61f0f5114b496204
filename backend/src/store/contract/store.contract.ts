import type { Store } from '../store.js';
import { inventoryContract } from './inventory.contract.js';
import { jobsContract } from './jobs.contract.js';
import { reportsContract } from './reports.contract.js';
import { schedulesInspectionsContract } from './schedules-inspections.contract.js';
import type { ContractBackend, ContractRun } from './skips.js';
import { snapshotsContract } from './snapshots.contract.js';
import { thresholdsContract } from './thresholds.contract.js';
import { tokensAuditContract } from './tokens-audit.contract.js';
import { baselinesContract } from './baselines.contract.js';

/**
 * The behaviour every Store adapter must show, one `describe` per concern. `store()` is a fresh, empty store in each
 * test (see `describeEachStore`); what a backend may skip is declared in `CONTRACT_SKIPS`.
 */
export function storeContract(store: () => Store, backend: ContractBackend): void {
  const run: ContractRun = { store, backend };
  jobsContract(run);
  inventoryContract(run);
  tokensAuditContract(run);
  thresholdsContract(run);
  reportsContract(run);
  schedulesInspectionsContract(run);
  snapshotsContract(run);
  baselinesContract(run);
}
