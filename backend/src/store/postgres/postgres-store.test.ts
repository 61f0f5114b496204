import { createScratchDatabase } from '../../test/pg-fixtures.js';
import { describeStoreContract } from '../store.contract.js';
import { PostgresStore } from './postgres-store.js';

const databases = new Map<PostgresStore, () => Promise<void>>();

describeStoreContract('PostgreSQL (local server)', {
  async open() {
    const db = await createScratchDatabase('dbpatrol_store');
    const store = new PostgresStore({ connectionString: db.url, poolSize: 4 });
    await store.migrate();
    databases.set(store, db.drop);
    return store;
  },
  async dispose(store) {
    await store.close();
    await databases.get(store as PostgresStore)?.();
  },
});
