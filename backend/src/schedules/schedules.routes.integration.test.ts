import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_STORES, MONGO_URL, startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { waitFor } from '../test/silent-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Schedules through the API with a real Agenda worker on a PostgreSQL store, firing every few seconds. */

if (!MONGO_URL) console.warn('schedules: MongoDB skipped (set MONGO_URL=mongodb://… to run these on it too)');

describe.each(API_STORES)('schedules on $name', ({ mongoUrl }) => {
  let api: ApiHarness;
  let pg: string;

  beforeAll(async () => {
    api = await startApiHarness({ DBPATROL_POLL_MS: '500' }, { worker: true, ...(mongoUrl ? { mongoUrl } : {}) });
    const biz = (await api.call('POST', '/api/v1/businesses', { body: { name: 'sched' } })).body.id;
    const host = (
      await api.call('POST', '/api/v1/hosts', { body: { name: 'sched-host', businessId: biz, address: '127.0.0.1' } })
    ).body.id;
    pg = (
      await api.call('POST', '/api/v1/instances', {
        body: { name: 'sched-pg', hostId: host, engine: 'postgres', port: 5432, user: 'postgres' },
      })
    ).body.id;
  });
  afterAll(() => api?.close());

  const create = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await api.call('POST', '/api/v1/schedules', {
      body: {
        name,
        instanceIds: [pg],
        tier: 'daily',
        frequency: { kind: 'cron', expression: '*/3 * * * * *' },
        timezone: 'Asia/Shanghai',
        windowDays: 1,
        ...extra,
      },
    });
    if (res.status !== 201) throw new Error(`${res.status} ${res.text}`);
    return res.body;
  };
  const occurrences = async (scheduleId: string) =>
    (await api.call('GET', `/api/v1/inspections?scheduleId=${scheduleId}&limit=500`)).body.items as {
      fireAt: string;
      state: string;
      window: { from: string; to: string };
      progress: { reportId?: string }[];
    }[];

  it('fires on its cron ticks with windows that end exactly at the fire time', async () => {
    const s = await create('every-3s');
    expect(s).toMatchObject({
      status: 'active',
      enabled: true,
      version: 1,
      nextFireAt: expect.stringMatching(/\+08:00$/),
    });
    const done = await waitFor(
      async () => {
        const list = (await occurrences(s.id)).filter((o) => o.state === 'succeeded');
        return list.length >= 2 ? list : undefined;
      },
      30_000,
      'two finished occurrences',
    );
    for (const o of done) {
      expect(new Date(o.fireAt).getUTCSeconds() % 3).toBe(0);
      expect(new Date(o.fireAt).getUTCMilliseconds()).toBe(0);
      expect(o.window.to).toBe(o.fireAt);
      expect(new Date(o.window.to).getTime() - new Date(o.window.from).getTime()).toBe(86_400_000);
      const report = (await api.call('GET', `/api/v1/reports/${o.progress[0]!.reportId}`)).body;
      expect(report).toMatchObject({
        scheduleId: s.id,
        fireAt: o.fireAt,
        window: o.window,
        trigger: { kind: 'schedule' },
      });
    }
    expect(new Set(done.map((o) => o.fireAt)).size).toBe(done.length);
    const audit = (await api.call('GET', '/api/v1/audit?action=inspection.run&limit=1000')).body.items;
    for (const o of done)
      expect(audit.some((a: { details?: { fireAt?: string } }) => a.details?.fireAt === o.fireAt)).toBe(true);
    const preview = (await api.call('GET', `/api/v1/schedules/${s.id}/preview?count=3`)).body.items;
    expect(preview).toHaveLength(3);
    for (const p of preview) expect(p.window.to).toBe(p.fireAt);

    // Cancel by name: nothing fires after one poll interval.
    const cancelled = await api.call('DELETE', `/api/v1/schedules/by-name/every-3s`);
    expect(cancelled.body.status).toBe('cancelled');
    await sleep(1000);
    const count = (await occurrences(s.id)).length;
    await sleep(4000);
    expect((await occurrences(s.id)).length).toBe(count);
    expect((await api.call('DELETE', '/api/v1/schedules/by-name/every-3s')).status).toBe(404);
    expect((await create('every-3s', { enabled: false })).status).toBe('paused');
  }, 60_000);

  it('pauses without firing and resumes at the next future tick only', async () => {
    const s = await create('pause-me');
    await api.call('POST', `/api/v1/schedules/${s.id}/pause`);
    await sleep(1000);
    const before = (await occurrences(s.id)).length;
    await sleep(4000);
    expect((await occurrences(s.id)).length).toBe(before);
    const resumedAt = Date.now();
    const resumed = await api.call('POST', `/api/v1/schedules/${s.id}/resume`);
    expect(resumed.body).toMatchObject({ status: 'active', version: 3 });
    const after = await waitFor(
      async () => {
        const list = (await occurrences(s.id)).slice(0, (await occurrences(s.id)).length - before);
        return list.length > 0 ? list : undefined;
      },
      15_000,
      'an occurrence after resume',
    );
    for (const o of after) expect(new Date(o.fireAt).getTime()).toBeGreaterThan(resumedAt - 1);
    expect((await api.call('POST', `/api/v1/schedules/${s.id}/resume`)).status).toBe(409);
    await api.call('DELETE', `/api/v1/schedules/${s.id}`);
  }, 40_000);

  it('edits the cadence without double-firing the old one', async () => {
    const s = await create('edit-me', { frequency: { kind: 'cron', expression: '0 0 0 1 1 *' } });
    const edited = await api.call('PATCH', `/api/v1/schedules/${s.id}`, {
      body: { frequency: { kind: 'cron', expression: '*/2 * * * * *' } },
    });
    expect(edited.body.version).toBe(2);
    const runs = await waitFor(
      async () => {
        const list = await occurrences(s.id);
        return list.length >= 2 ? list : undefined;
      },
      20_000,
      'runs on the new cadence',
    );
    for (const o of runs) expect(new Date(o.fireAt).getUTCSeconds() % 2).toBe(0);
    await api.call('DELETE', `/api/v1/schedules/${s.id}`);
  }, 30_000);

  it('runs now with the window ending now', async () => {
    const s = await create('run-now-sched', {
      frequency: { kind: 'weekly', dayOfWeek: 3 },
      time: '08:00:00',
      windowDays: 3,
    });
    const res = await api.call('POST', `/api/v1/schedules/${s.id}/run-now`, { body: {} });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ scheduleId: s.id, trigger: { kind: 'manual', actor: 'admin' } });
    expect(new Date(res.body.window.to).getTime() - new Date(res.body.window.from).getTime()).toBe(3 * 86_400_000);
    const preview = (await api.call('GET', `/api/v1/schedules/${s.id}/preview?count=2`)).body.items;
    expect(preview[0].fireAt).toMatch(/T08:00:00\+08:00$/);
    expect(new Date(preview[0].fireAt).getUTCDay()).toBe(3);
    expect(preview[0].window.from).toMatch(/T08:00:00\+08:00$/);
    await api.call('DELETE', `/api/v1/schedules/${s.id}`);
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, 'timezone', 'is not an IANA time zone (e.g. Asia/Shanghai)'],
    [{ frequency: { kind: 'monthly', dayOfMonth: 32 } }, 'frequency.dayOfMonth', 'must be 1–31 or "last"'],
    [
      { frequency: { kind: 'cron', expression: 'every day' } },
      'frequency.expression',
      expect.stringMatching(/^is not a valid cron expression/),
    ],
    [{ frequency: { kind: 'weekly', dayOfWeek: 7 } }, 'frequency.dayOfWeek', 'must be 0 (Sunday) to 6'],
    [{ instanceIds: ['ghost'] }, 'instanceIds.0', 'no instance with id ghost'],
    [{ windowDays: 0 }, 'windowDays', 'must be ≥ 1'],
    [{ time: '25:00:00' }, 'time', 'must be HH:MM:SS (24-hour)'],
  ])('rejects %j naming the field', async (change, path, message) => {
    const before = (await api.call('GET', '/api/v1/schedules?status=all')).body.items.length;
    const res = await api.call('POST', '/api/v1/schedules', {
      body: {
        name: 'bad',
        instanceIds: [pg],
        tier: 'daily',
        frequency: { kind: 'daily' },
        time: '08:00:00',
        timezone: 'UTC',
        windowDays: 1,
        ...change,
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toContainEqual({ path, message });
    expect((await api.call('GET', '/api/v1/schedules?status=all')).body.items.length).toBe(before);
  });

  it('refuses a second live schedule with the same name', async () => {
    await create('unique-name', { frequency: { kind: 'daily' } });
    const dup = await api.call('POST', '/api/v1/schedules', {
      body: {
        name: 'unique-name',
        instanceIds: [pg],
        tier: 'daily',
        frequency: { kind: 'daily' },
        timezone: 'UTC',
        windowDays: 1,
      },
    });
    expect(dup.status).toBe(409);
  });
});
