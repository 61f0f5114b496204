import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from './registry.js';
import { openEmbeddedStore } from '../store/embedded/embedded-store.js';
import { MONGO_MIGRATIONS, runMongoMigrations } from '../store/mongo/migrations.mongo.js';
import { openMongoStore } from '../store/mongo/mongo-store.js';
import { MIGRATIONS, runMigrations } from '../store/postgres/migrations.js';
import { PostgresStore } from '../store/postgres/postgres-store.js';
import type { Store } from '../store/store.js';
import { createScratchDatabase, randomSuffix } from '../test/pg-fixtures.js';
import { THRESHOLD_RENAMES, renameThresholdKeys } from './threshold-renames.js';

const RENAME_MIGRATION = 8;

describe('threshold key renames', () => {
  it.each([
    [
      'old keys become new ones',
      'postgres.sequence-exhaustion',
      { warnPct: 70, critPct: 80 },
      { warnPercent: 70, critPercent: 80 },
    ],
    [
      'a key already stored under the new name wins',
      'mysql.deadlocks',
      { warnAbove: 1, warnCount: 5 },
      { warnCount: 5 },
    ],
    [
      'keys that were not renamed stay',
      'postgres.backup-age',
      { backupAgeWarnHours: 30, extra: true },
      { warnHours: 30, extra: true },
    ],
    ['checks without renames are untouched', 'postgres.uptime', { warnPct: 1 }, { warnPct: 1 }],
    ['unknown checks are untouched', 'nope.nothing', { a: 1 }, { a: 1 }],
  ])('%s', (_what, checkId, values, expected) => {
    expect(renameThresholdKeys(checkId, values)).toEqual(expected);
  });

  it('names only existing checks, and each new key is one the check defaults declare', () => {
    for (const [checkId, renames] of Object.entries(THRESHOLD_RENAMES)) {
      const check = CHECKS.find((c) => c.id === checkId);
      expect(check, checkId).toBeDefined();
      const defaults = check!.thresholds.defaults as Record<string, unknown>;
      for (const [from, to] of Object.entries(renames)) {
        expect(Object.keys(defaults), `${checkId}: ${from} → ${to}`).toContain(to);
        expect(Object.keys(defaults), `${checkId}: ${from} is still a key`).not.toContain(from);
      }
    }
  });

  it('has no chains (a new key that is another old key of the same check), so the order of rewrites does not matter', () => {
    for (const renames of Object.values(THRESHOLD_RENAMES)) {
      for (const to of Object.values(renames)) expect(Object.keys(renames)).not.toContain(to);
    }
  });
});

const OLD = [
  { checkId: 'postgres.connection-saturation', values: { warnPct: 70, critPct: 85 } },
  { checkId: 'mysql.auto-increment-exhaustion', values: { warningPercent: 60, critPercent: 99 } },
  { checkId: 'postgres.uptime', values: { untouched: 1 } },
];
const NEW = [
  { checkId: 'mysql.auto-increment-exhaustion', values: { critPercent: 99, warnPercent: 60 } },
  { checkId: 'postgres.connection-saturation', values: { warnPercent: 70, critPercent: 85 } },
  { checkId: 'postgres.uptime', values: { untouched: 1 } },
];

async function plantOld(store: Store): Promise<void> {
  for (const o of OLD) {
    await store.thresholds.put({
      ...o,
      scope: 'global',
      scopeId: '',
      updatedAt: new Date().toISOString(),
      updatedBy: 'test',
    });
  }
}

const stored = async (store: Store) =>
  (await store.thresholds.list()).map((o) => ({ checkId: o.checkId, values: o.values }));

describe('the store migration rewrites stored overrides', () => {
  const pgBefore = MIGRATIONS.filter((m) => m.version < RENAME_MIGRATION);

  it('on PostgreSQL', async () => {
    const db = await createScratchDatabase('dbpatrol_renames');
    const store = new PostgresStore({ connectionString: db.url, poolSize: 2 });
    try {
      await runMigrations(store.db, pgBefore);
      await plantOld(store);
      expect(await runMigrations(store.db)).toContain(RENAME_MIGRATION);
      expect(await stored(store)).toEqual(NEW);
    } finally {
      await store.close();
      await db.drop();
    }
  });

  it('on the embedded store', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-renames-'));
    const store = await openEmbeddedStore({ dataDir: dir });
    try {
      await runMigrations(store.db, pgBefore);
      await plantOld(store);
      expect(await runMigrations(store.db)).toContain(RENAME_MIGRATION);
      expect(await stored(store)).toEqual(NEW);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!process.env.MONGO_URL)('on MongoDB', async () => {
    const store = await openMongoStore(process.env.MONGO_URL!, { dbName: `dbpatrol_renames_${randomSuffix()}` });
    try {
      await runMongoMigrations(
        store.database.db,
        MONGO_MIGRATIONS.filter((m) => m.version < RENAME_MIGRATION),
      );
      await plantOld(store);
      expect(await runMongoMigrations(store.database.db)).toContain(RENAME_MIGRATION);
      expect(await stored(store)).toEqual(NEW);
      await runMongoMigrations(
        store.database.db,
        MONGO_MIGRATIONS.filter((m) => m.version === RENAME_MIGRATION),
      );
      expect(await stored(store)).toEqual(NEW);
    } finally {
      await store.database.db.dropDatabase();
      await store.close();
    }
  });
});
