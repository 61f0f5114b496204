import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { CLI_ACTOR } from '../http/actor.js';
import { createLogger } from '../logging/logger.js';
import { createContext, type AppContext } from '../runtime/context.js';
import { waitFor } from '../test/silent-server.js';

/** The single-process embedded store runs the same Agenda jobs, notified in memory instead of LISTEN/NOTIFY. */
describe('schedules on the embedded store', () => {
  let dir: string;
  let ctx: AppContext;
  let instanceId: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-embedded-sched-'));
    ctx = await createContext(
      loadConfig({}, { DBPATROL_DATA_DIR: dir, DBPATROL_POLL_MS: '500' }),
      createLogger({ level: 'silent' }),
    );
    await ctx.startWorker();
    const biz = await ctx.inventory.createBusiness(CLI_ACTOR, { name: 'emb' });
    const host = await ctx.inventory.createHost(CLI_ACTOR, {
      name: 'emb-host',
      businessId: biz.id,
      address: '127.0.0.1',
    });
    instanceId = (
      await ctx.inventory.createInstance(CLI_ACTOR, {
        name: 'emb-pg',
        hostId: host.id,
        engine: 'postgres',
        port: 5432,
        user: 'postgres',
      })
    ).id;
  });
  afterAll(async () => {
    await ctx?.close({ drainMs: 5000 });
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the Agenda internals the scheduler relies on (re-check this when upgrading Agenda)', () => {
    expect(ctx.scheduler.usesAgendaInternals()).toBe(true);
  });

  it('runs an immediate inspection at once and a cron schedule on its ticks', async () => {
    const now = new Date();
    const { inspection } = await ctx.inspections.runNow(CLI_ACTOR, {
      instanceIds: [instanceId],
      tier: 'daily',
      window: { from: new Date(now.getTime() - 86_400_000), to: now },
    });
    const done = await waitFor(
      async () => {
        const i = await ctx.inspections.get(inspection.id);
        return i.state === 'succeeded' ? i : undefined;
      },
      20_000,
      'the immediate inspection',
    );
    expect(done.progress[0]?.reportId).toEqual(expect.any(String));

    const s = await ctx.schedules.create(CLI_ACTOR, {
      name: 'emb-2s',
      instanceIds: [instanceId],
      tier: 'daily',
      frequency: { kind: 'cron', expression: '*/2 * * * * *' },
      time: '00:00:00',
      timezone: 'Europe/Berlin',
      windowDays: 1,
      catchUp: 'latest',
    });
    const runs = await waitFor(
      async () => {
        const list = (await ctx.inspections.list({ scheduleId: s.id, limit: 50 })).filter(
          (i) => i.state === 'succeeded',
        );
        return list.length >= 2 ? list : undefined;
      },
      20_000,
      'two scheduled runs',
    );
    for (const r of runs) {
      expect(new Date(r.fireAt!).getUTCSeconds() % 2).toBe(0);
      expect(r.window.to).toBe(r.fireAt);
    }
    await ctx.schedules.cancel(CLI_ACTOR, s.id);
  }, 45_000);
});
