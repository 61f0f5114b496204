import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import type { Store } from '../store.js';
import { describeStoreContract } from '../store.contract.js';
import { openMongoStore, type MongoStore } from './mongo-store.js';

// Needs a MongoDB server, ideally a replica set: MONGO_URL=mongodb://127.0.0.1:27017/?replicaSet=rs0 npm test
const MONGO_URL = process.env.MONGO_URL ?? '';

const harness = (transactions: boolean) => ({
  async open(): Promise<Store> {
    const store = await openMongoStore(MONGO_URL, { dbName: `dbpatrol_test_${randomBytes(4).toString('hex')}` });
    if (!transactions) store.database.disableTransactions();
    await store.migrate();
    return store;
  },
  async dispose(store: Store): Promise<void> {
    const mongo = store as MongoStore;
    await mongo.database.db.dropDatabase();
    await mongo.close();
  },
});

if (!MONGO_URL) console.warn('Store contract: MongoDB skipped (set MONGO_URL=mongodb://… to run it)');

describe.skipIf(!MONGO_URL)('MongoDB store (MONGO_URL)', () => {
  describeStoreContract('MongoDB', harness(true));
  // The fallbacks a standalone mongod gets, exercised on whatever server MONGO_URL names.
  describeStoreContract('MongoDB without transactions', harness(false));
});
