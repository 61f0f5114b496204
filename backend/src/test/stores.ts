import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe } from 'vitest';
import { openEmbeddedStore } from '../store/embedded/embedded-store.js';
import type { MongoStore } from '../store/mongo/mongo-store.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { Store } from '../store/store.js';
import { createScratchDatabase, dropDatabase, pgUrlFor, randomSuffix, withPgAdmin } from './pg-fixtures.js';

/** `MONGO_URL` when the suites should also run on MongoDB (no server here; CI elsewhere may set it). */
export const MONGO_URL = process.env.MONGO_URL ?? '';

export type StoreKindId = 'postgres' | 'embedded' | 'mongo' | 'mongo-no-transactions';

/** A scratch location a DB Patrol process (or a test) can use as its store; `drop()` removes every trace of it. */
export interface ScratchStore {
  /** DBPATROL_STORE_URL for it; empty for the embedded store, which lives in `dataDir`. */
  readonly storeUrl: string;
  /** A fresh temporary directory (DBPATROL_DATA_DIR). */
  readonly dataDir: string;
  drop(): Promise<void>;
}

/** One store backend the suites run on. */
export interface StoreKind {
  readonly id: StoreKindId;
  readonly title: string;
  /** A fresh, empty scratch location (own database or data directory) for a process to open. */
  scratch(): Promise<ScratchStore>;
  /**
   * Registers hooks that give each test of the enclosing `describe` a migrated store with no data in it. PostgreSQL
   * and MongoDB: a new database per test. Embedded: PGlite takes seconds to start, so one store per suite whose
   * tables are emptied before every test.
   */
  perTest(): () => Store;
}

const tempDir = (prefix: string) => mkdtemp(path.join(tmpdir(), `${prefix}-`));

/** Every table but the migration ledger, emptied (the schema stays as the migrations left it). */
async function truncateAll(store: PostgresStore): Promise<void> {
  const rows = await store.db.query<{ name: string }>(
    `SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`,
  );
  if (rows.length) await store.db.query(`TRUNCATE ${rows.map((r) => r.name).join(', ')} RESTART IDENTITY CASCADE`);
}

/** Registers before/after hooks around `open` and returns the accessor the tests read the current store with. */
function hooked(open: () => Promise<{ store: Store; dispose(): Promise<void> }>, scope: 'each' | 'all'): () => Store {
  let current: { store: Store; dispose(): Promise<void> } | undefined;
  const before = scope === 'each' ? beforeEach : beforeAll;
  const after = scope === 'each' ? afterEach : afterAll;
  before(async () => {
    current = await open();
  });
  after(async () => {
    const c = current;
    current = undefined;
    await c?.dispose();
  });
  return () => {
    if (!current) throw new Error('no store: read it inside a test, not while the suite is being declared');
    return current.store;
  };
}

const postgresKind: StoreKind = {
  id: 'postgres',
  title: 'PostgreSQL',
  async scratch() {
    const db = await createScratchDatabase('dbpatrol_test');
    const dataDir = await tempDir('dbpatrol-test');
    return {
      storeUrl: db.url,
      dataDir,
      async drop() {
        await db.drop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  },
  perTest() {
    // Migrating takes longer than copying: each test's database is a copy of one migrated per suite.
    let template = '';
    beforeAll(async () => {
      const db = await createScratchDatabase('dbpatrol_tmpl');
      const store = new PostgresStore({ connectionString: db.url, poolSize: 2 });
      try {
        await store.migrate();
      } finally {
        await store.close();
      }
      template = db.name;
    });
    afterAll(async () => {
      if (template) await dropDatabase(template);
    });
    return hooked(async () => {
      const name = `dbpatrol_store_${randomSuffix()}`;
      await withPgAdmin((c) => c.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`));
      const store = new PostgresStore({ connectionString: pgUrlFor(name), poolSize: 4 });
      return {
        store,
        async dispose() {
          await store.close();
          await dropDatabase(name);
        },
      };
    }, 'each');
  },
};

const embeddedKind: StoreKind = {
  id: 'embedded',
  title: 'embedded (PGlite)',
  async scratch() {
    const dataDir = await tempDir('dbpatrol-embedded');
    return { storeUrl: '', dataDir, drop: () => rm(dataDir, { recursive: true, force: true }) };
  },
  perTest() {
    const suite = hooked(async () => {
      const dataDir = await tempDir('dbpatrol-embedded');
      const store = await openEmbeddedStore({ dataDir });
      await store.migrate();
      return {
        store,
        async dispose() {
          await store.close();
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    }, 'all');
    beforeEach(async () => {
      await truncateAll(suite() as PostgresStore);
    });
    return suite;
  },
};

function mongoKind(transactions: boolean): StoreKind {
  const scratchUrl = () => {
    const u = new URL(MONGO_URL);
    u.pathname = `/dbpatrol_test_${randomBytes(4).toString('hex')}`;
    return u.toString();
  };
  return {
    id: transactions ? 'mongo' : 'mongo-no-transactions',
    title: transactions ? 'MongoDB' : 'MongoDB without transactions',
    async scratch() {
      const storeUrl = scratchUrl();
      const dataDir = await tempDir('dbpatrol-test');
      return {
        storeUrl,
        dataDir,
        async drop() {
          const { MongoClient } = await import('mongodb');
          const client = await MongoClient.connect(storeUrl);
          try {
            await client.db().dropDatabase();
          } finally {
            await client.close();
          }
          await rm(dataDir, { recursive: true, force: true });
        },
      };
    },
    perTest() {
      return hooked(async () => {
        const { openMongoStore } = await import('../store/mongo/mongo-store.js');
        const store: MongoStore = await openMongoStore(scratchUrl());
        // The fallbacks a standalone mongod gets, exercised on whatever server MONGO_URL names.
        if (!transactions) store.database.disableTransactions();
        await store.migrate();
        return {
          store,
          async dispose() {
            await store.database.db.dropDatabase();
            await store.close();
          },
        };
      }, 'each');
    },
  };
}

/**
 * The store backends available here, decided in one place: PostgreSQL (the local server) and the embedded store
 * always, MongoDB when `MONGO_URL` is set. `only` narrows the list (a suite that needs several processes on one store
 * cannot use the single-process embedded one); `variants` adds MongoDB without transactions.
 */
export function availableStores(options: { only?: readonly StoreKindId[]; variants?: boolean } = {}): StoreKind[] {
  const kinds = [postgresKind, embeddedKind];
  if (MONGO_URL) kinds.push(mongoKind(true));
  if (MONGO_URL && options.variants) kinds.push(mongoKind(false));
  return options.only ? kinds.filter((k) => options.only!.includes(k.id)) : kinds;
}

let warned = false;
function warnMongoSkipped(): void {
  if (MONGO_URL || warned) return;
  warned = true;
  console.warn('MongoDB suites skipped (set MONGO_URL=mongodb://… to run them too)');
}

/**
 * One `describe` per available store, each test of which gets a fresh, migrated store from `store()`. The body may
 * look at `kind` to declare what that backend skips.
 */
export function describeEachStore(
  title: string,
  body: (store: () => Store, kind: StoreKind) => void,
  options: Parameters<typeof availableStores>[0] = {},
): void {
  warnMongoSkipped();
  for (const kind of availableStores(options)) {
    describe(`${title}: ${kind.title}`, () => {
      body(kind.perTest(), kind);
    });
  }
}
