import { AuditLog } from '../audit/audit-log.js';
import { TokensService } from '../auth/tokens.service.js';
import type { Config } from '../config/config.js';
import { InventoryService } from '../inventory/inventory.service.js';
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
  close(): Promise<void>;
}

export async function createContext(config: Config, logger: Logger): Promise<AppContext> {
  const sealer = await loadSealer(config.dataDir, config.secretKey);
  const store = await openStore({ dataDir: config.dataDir, ...(config.storeUrl ? { storeUrl: config.storeUrl } : {}) });
  const audit = new AuditLog(store.audit);
  return {
    config,
    logger,
    store,
    sealer,
    audit,
    inventory: new InventoryService(store.inventory, sealer, audit, config.targets),
    tokens: new TokensService(store.tokens, audit),
    close: () => store.close(),
  };
}
