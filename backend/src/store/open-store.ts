import { openEmbeddedStore } from './embedded/embedded-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  storeUrl?: string;
  dataDir: string;
}

/** Opens the store the configuration names (unset URL = embedded) and brings its schema up to date. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  let store: Store;
  if (!options.storeUrl) {
    store = await openEmbeddedStore({ dataDir: options.dataDir });
  } else if (/^mongodb(\+srv)?:\/\//.test(options.storeUrl)) {
    const { openMongoStore } = await import('./mongo/mongo-store.js');
    store = await openMongoStore(options.storeUrl);
  } else {
    store = new PostgresStore({ connectionString: options.storeUrl });
  }
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
