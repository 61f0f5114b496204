import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import type { Frequency } from './fire-times.js';
import { previewOccurrences } from './schedules.service.js';

/** `POST /schedules/preview`: the create form, unsaved, gives the same occurrences a saved schedule would. */
describe('schedule preview of an unsaved schedule', () => {
  let api: ApiHarness;
  let viewer: string;
  let editor: string;

  const form = {
    name: 'nightly-form',
    selector: { labels: { env: 'prod' } },
    tier: 'weekly',
    frequency: { kind: 'weekly', dayOfWeek: 3 } as Frequency,
    time: '08:00:00',
    timezone: 'Asia/Shanghai',
    windowDays: 3,
  };

  beforeAll(async () => {
    api = await startApiHarness();
    const token = async (role: string) =>
      (await api.call('POST', '/api/v1/tokens', { body: { name: `preview-${role}`, role } })).body.token as string;
    viewer = await token('viewer');
    editor = await token('editor');
  });
  afterAll(() => api?.close());

  /** The answer must equal the pure computation at some instant between the request's start and its end. */
  async function expectPreviewOf(spec: typeof form, count: number, call: () => ReturnType<ApiHarness['call']>) {
    const before = new Date();
    const res = await call();
    const after = new Date();
    expect(res.status).toBe(200);
    const candidates = [previewOccurrences(spec, before, count), previewOccurrences(spec, after, count)];
    expect(candidates).toContainEqual(res.body.items);
    return res.body.items as { fireAt: string; window: { from: string; to: string } }[];
  }

  it('lists five occurrences by default, windows ending at the fire time in the schedule’s zone', async () => {
    const items = await expectPreviewOf(form, 5, () =>
      api.call('POST', '/api/v1/schedules/preview', { token: editor, body: form }),
    );
    expect(items).toHaveLength(5);
    for (const o of items) {
      expect(o.fireAt).toMatch(/T08:00:00\+08:00$/);
      expect(new Date(o.fireAt).getUTCDay()).toBe(3);
      expect(o.window.to).toBe(o.fireAt);
      expect(new Date(o.window.to).getTime() - new Date(o.window.from).getTime()).toBe(3 * 86_400_000);
    }
    expect(new Date(items[0]!.fireAt).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it.each([
    ['query', '?count=12', {}],
    ['body', '', { count: 12 }],
    ['both, when they agree', '?count=12', { count: 12 }],
  ])('takes count from the %s', async (_where, query, extra) => {
    const items = await expectPreviewOf(form, 12, () =>
      api.call('POST', `/api/v1/schedules/preview${query}`, { token: editor, body: { ...form, ...extra } }),
    );
    expect(items).toHaveLength(12);
  });

  it('computes exactly what GET /schedules/{id}/preview gives once the same form is saved', async () => {
    const saved = await api.call('POST', '/api/v1/schedules', {
      token: editor,
      body: { ...form, name: 'saved-form', enabled: false, frequency: { kind: 'monthly', dayOfMonth: 'last' } },
    });
    expect(saved.status).toBe(201);
    const monthly = { ...form, frequency: { kind: 'monthly', dayOfMonth: 'last' } as Frequency };
    for (let attempt = 0; ; attempt++) {
      const unsaved = await api.call('POST', '/api/v1/schedules/preview?count=7', { token: editor, body: monthly });
      const stored = await api.call('GET', `/api/v1/schedules/${saved.body.id}/preview?count=7`, { token: viewer });
      // Two requests straddle a fire time only if one passes between them; then ask again.
      if (JSON.stringify(unsaved.body) === JSON.stringify(stored.body) || attempt === 2) {
        expect(unsaved.body).toEqual(stored.body);
        expect(unsaved.body.items).toHaveLength(7);
        break;
      }
    }
  });

  it.each([
    ['count 0', '?count=0', {}, 'count: must be ≥ 1'],
    ['count over 50', '', { count: 51 }, 'count: must be ≤ 50'],
    ['count not a number', '?count=many', {}, 'count:'],
    ['count twice, disagreeing', '?count=3', { count: 4 }, 'count: give it in the query or the body, not both'],
    ['no instances', '', { selector: undefined }, 'instanceIds: give instanceIds or a selector'],
    ['a bad time', '', { time: '8:00' }, 'time: must be HH:MM:SS (24-hour)'],
    ['a bad zone', '', { timezone: 'Mars/Olympus' }, 'timezone: is not an IANA time zone'],
    ['a bad weekday', '', { frequency: { kind: 'weekly', dayOfWeek: 9 } }, 'frequency.dayOfWeek:'],
    ['a bad cron', '', { frequency: { kind: 'cron', expression: 'every day' } }, 'frequency.expression:'],
    ['an unknown field', '', { colour: 'red' }, 'colour: is not a known field'],
  ])('answers 400 naming the field for %s', async (_case, query, change, message) => {
    const res = await api.call('POST', `/api/v1/schedules/preview${query}`, {
      token: editor,
      body: { ...form, ...change },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.message).toContain(message);
  });

  it('needs the editor role and saves nothing', async () => {
    const denied = await api.call('POST', '/api/v1/schedules/preview', { token: viewer, body: form });
    expect(denied.status).toBe(403);
    const listed = (await api.call('GET', '/api/v1/schedules?status=all')).body.items as { name: string }[];
    expect(listed.map((s) => s.name)).not.toContain(form.name);
  });
});
