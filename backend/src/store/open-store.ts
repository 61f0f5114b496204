import type { Logger } from '../logging/logger.js';
import { openEmbeddedStore } from './embedded/embedded-store.js';
import { guardStore, type GuardedStore } from './guarded-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  storeUrl?: string;
  dataDir: string;
  /** Where outages of the store and reconnections are logged. */
  logger?: Pick<Logger, 'warn' | 'info' | 'debug'>;
}

/**
 * Opens the store the configuration names (unset URL = embedded) and brings its schema up to date. The store
 * returned turns "cannot reach the store" into `StoreUnavailableError` and waits it out inside `withStoreRetries`.
 */
export async function openStore(options: OpenStoreOptions): Promise<GuardedStore> {
  let store: Store;
  if (!options.storeUrl) {
    store = await openEmbeddedStore({ dataDir: options.dataDir });
  } else if (/^mongodb(\+srv)?:\/\//.test(options.storeUrl)) {
    const { openMongoStore } = await import('./mongo/mongo-store.js');
    store = await openMongoStore(options.storeUrl, options.logger ? { logger: options.logger } : {});
  } else {
    store = new PostgresStore({ connectionString: options.storeUrl });
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return guardStore(store, options.logger ? { logger: options.logger } : {});
}
