import { createScratchDatabase } from '../../test/pg-fixtures.js';
import { describeStoreContract } from '../store.contract.js';
import { describe, expect, it } from 'vitest';
import { describePgUrl, PostgresStore } from './postgres-store.js';

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

describe('describePgUrl', () => {
  it.each([
    ['postgres://dbpatrol:s3cret@db.example:6432/patrol', 'postgres db.example:6432/patrol'],
    ['postgresql://postgres@127.0.0.1/dbpatrol', 'postgres 127.0.0.1:5432/dbpatrol'],
    ['postgresql://postgres@%2Fvar%2Frun%2Fpostgresql/dbpatrol', 'postgres socket /var/run/postgresql/dbpatrol'],
    ['postgresql:///dbpatrol?host=/var/run/postgresql&user=postgres', 'postgres socket /var/run/postgresql/dbpatrol'],
    ['not a url', 'postgres'],
  ])('%s → %s', (url, expected) => {
    expect(describePgUrl(url)).toBe(expected);
    expect(describePgUrl(url)).not.toContain('s3cret');
  });
});
