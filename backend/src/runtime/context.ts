import { AuditLog } from '../audit/audit-log.js';
import { TokensService } from '../auth/tokens.service.js';
import type { Config } from '../config/config.js';
import { CATALOG_VERSION, CHECKS } from '../checks/registry.js';
import { InspectionService } from '../inspections/inspection.service.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { ThresholdsService } from '../thresholds/thresholds.service.js';
import type { Logger } from '../logging/logger.js';
import { loadSealer } from '../secrets/key-file.js';
import type { Sealer } from '../secrets/sealer.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

/** Everything a command needs, built once from the configuration. */
export interface AppContext {
  config: Config;
  logger: Logger;
  store: Store;
  sealer: Sealer;
  audit: AuditLog;
  inventory: InventoryService;
  tokens: TokensService;
  thresholds: ThresholdsService;
  inspections: InspectionService;
  close(): Promise<void>;
}

export async function createContext(config: Config, logger: Logger): Promise<AppContext> {
  const sealer = await loadSealer(config.dataDir, config.secretKey);
  const store = await openStore({ dataDir: config.dataDir, ...(config.storeUrl ? { storeUrl: config.storeUrl } : {}) });
  const audit = new AuditLog(store.audit);
  const thresholds = new ThresholdsService(store.thresholds, CHECKS, audit);
  return {
    config,
    logger,
    store,
    sealer,
    audit,
    inventory: new InventoryService(store.inventory, sealer, audit, config.targets),
    tokens: new TokensService(store.tokens, audit),
    thresholds,
    inspections: new InspectionService({
      inventory: store.inventory,
      reports: store.reports,
      thresholds,
      sealer,
      checks: CHECKS,
      catalogVersion: CATALOG_VERSION,
      targets: config.targets,
    }),
    close: () => store.close(),
  };
}
