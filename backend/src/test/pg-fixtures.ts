import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_ADMIN_URL = process.env.DBPATROL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const randomSuffix = (): string => randomBytes(4).toString('hex');

export function pgUrlFor(database: string): string {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

export async function withPgAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Drops a test database, first waiting for connections that are still closing (a pool ending, a LISTEN client
 * going back) so that none of this process's clients is killed under it; forced only after five seconds.
 */
export async function dropDatabase(name: string): Promise<void> {
  await withPgAdmin(async (c) => {
    const deadline = Date.now() + 5000;
    for (;;) {
      try {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}

/** A fresh, empty database on the local PostgreSQL server; `drop()` removes it. */
export async function createScratchDatabase(
  prefix = 'dbpatrol_test',
): Promise<{ name: string; url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomSuffix()}`;
  await withPgAdmin((c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return {
    name,
    url: pgUrlFor(name),
    drop: () => dropDatabase(name),
  };
}
