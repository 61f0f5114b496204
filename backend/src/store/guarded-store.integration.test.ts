import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuplicateKeyError, StoreUnavailableError } from '../errors/domain-errors.js';
import type { Logger } from '../logging/logger.js';
import { startPgCluster, type PgCluster } from '../test/pg-cluster.js';
import { waitFor } from '../test/silent-server.js';
import { guardStore, type GuardedStore } from './guarded-store.js';
import { PostgresStore } from './postgres/postgres-store.js';
import { withStoreRetries } from './store-availability.js';

/** A logger that keeps what it was told, for asserting that an outage is said once and the recovery once. */
function recordingLogger() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, msg, obj });
  const logger = { warn: at('warn'), info: at('info'), debug: at('debug') } as unknown as Pick<
    Logger,
    'warn' | 'info' | 'debug'
  >;
  return { lines, logger };
}

const isUp = (cluster: PgCluster) => async () => {
  const c = new pg.Client({ connectionString: cluster.url('dbpatrol') });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
};

/** The guarded store on a cluster of its own that the tests stop (`-m fast`) and start. */
describe('guarded store across a PostgreSQL restart', () => {
  let cluster: PgCluster;
  let store: GuardedStore;
  const { lines, logger } = recordingLogger();

  beforeAll(async () => {
    cluster = await startPgCluster({ name: 'dbpatrol-guarded' });
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    await admin.query('CREATE DATABASE dbpatrol');
    await admin.end();
    const inner = new PostgresStore({ connectionString: cluster.url('dbpatrol'), poolSize: 4 });
    await inner.migrate();
    store = guardStore(inner, { logger, probePauses: { firstMs: 50, maxMs: 200 } });
  }, 120_000);

  afterAll(async () => {
    await store?.close().catch(() => undefined);
    await cluster?.remove();
  });

  it('fails a call at once with StoreUnavailableError outside a job, and waits and retries inside one', async () => {
    expect(await store.tokens.count()).toBe(0);
    await cluster.stop();
    const t0 = Date.now();
    const err = await store.tokens.count().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect((err as StoreUnavailableError).code).toBe('store_unavailable');
    // Nothing about the server leaks into the message a client sees.
    expect((err as Error).message).not.toContain(cluster.dir);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(store.availability.available).toBe(false);
    await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);

    let settled = false;
    const held = withStoreRetries(() => store.tokens.count()).finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(settled).toBe(false);
    await cluster.start();
    expect(await held).toBe(0);
    expect(store.availability.available).toBe(true);
    expect(store.availability.figures()).toMatchObject({ available: true, outages: 1 });
    expect(lines.filter((l) => l.msg.startsWith('store unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'store available again')).toHaveLength(1);
    // Outside a job the store answers again as soon as it is back.
    expect(await store.tokens.count()).toBe(0);
  }, 60_000);

  it("translates Agenda's unique-key violations into DuplicateKeyError", async () => {
    const backend = store.agendaBackend();
    await backend.connect();
    const job = {
      name: 'inspection:occurrence',
      data: { scheduleId: 'dup', fireAt: '2030-01-01T00:00:00.000Z', version: 1 },
      nextRunAt: new Date('2030-01-01T00:00:00Z'),
      priority: 0,
      type: 'normal' as const,
    };
    await backend.repository.saveJob(job as never, {});
    const err = await backend.repository.saveJob(job as never, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DuplicateKeyError);
    expect((err as Error).cause).toMatchObject({ code: '23505' });
  });

  it('keeps the LISTEN channel alive across a restart: the loss is logged, not thrown, and it reconnects', async () => {
    const channel = store.agendaBackend().notificationChannel!;
    await channel.connect();
    expect(channel.state).toBe('connected');
    await cluster.stop();
    await waitFor(async () => channel.state !== 'connected', 10_000, 'the channel to notice the shutdown');
    await new Promise((r) => setTimeout(r, 1500));
    await cluster.start();
    await waitFor(isUp(cluster), 10_000, 'the cluster');
    await waitFor(async () => channel.state === 'connected', 10_000, 'the channel to reconnect');
    expect(lines.filter((l) => l.msg === 'store notification channel lost; reconnecting')).toHaveLength(1);
    expect(lines.filter((l) => l.msg === 'store notification channel reconnected')).toHaveLength(1);
    // It carries notices again.
    const seen: string[] = [];
    const off = channel.subscribe((n) => void seen.push(n.jobName));
    await channel.publish({
      jobId: 'x' as never,
      jobName: 'probe',
      nextRunAt: new Date(),
      priority: 0,
      timestamp: new Date(),
    });
    await waitFor(async () => seen.includes('probe'), 5000, 'the notice');
    off();
    await channel.disconnect();
  }, 60_000);
});
