import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { instanceOut } from '../inventory/inventory.schema.js';
import type { InstanceRecord } from '../inventory/inventory.schema.js';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { registerInventoryRoutes } from '../inventory/inventory.routes.js';
import { InventoryService } from '../inventory/inventory.service.js';
import { ApiRouter, present } from './api-router.js';
import { errorHandler } from './error-handler.js';

const route = (response: z.ZodType | null) => ({ method: 'get' as const, path: '/things/:id', response });

describe('present', () => {
  const thing = z.object({ id: z.string(), nested: z.object({ a: z.number() }) });

  it.each([
    ['keeps the documented fields', { id: 'x', nested: { a: 1 } }, { id: 'x', nested: { a: 1 } }],
    ['drops unknown keys at the top', { id: 'x', nested: { a: 1 }, secret: 's' }, { id: 'x', nested: { a: 1 } }],
    ['drops unknown keys inside', { id: 'x', nested: { a: 1, password: 'p' } }, { id: 'x', nested: { a: 1 } }],
  ])('%s', (_name, result, expected) => {
    expect(present(route(thing), result)).toEqual(expected);
  });

  it('sends no body for a route declared without one', () => {
    expect(present(route(null), { anything: 1 })).toBeUndefined();
  });

  it('refuses a result that does not fit, naming the paths but not the values', () => {
    const run = () => present(route(thing), { id: 7, nested: { a: 'secret-value' } });
    expect(run).toThrow(/GET \/things\/:id does not fit its schema \(id: invalid_type; nested\.a: invalid_type\)/);
    expect(run).not.toThrow(/secret-value/);
  });

  it('shows an instance without any password field', () => {
    const record = {
      id: 'i1',
      name: 'pg',
      hostId: 'h1',
      engine: 'postgres',
      port: 5432,
      user: 'u',
      passwordSet: true,
      password: 'plain-secret',
      passwordSealed: 'sealed-secret',
      labels: {},
      enabled: true,
      createdAt: 't',
      updatedAt: 't',
    };
    const shown = present(route(instanceOut), record);
    expect(JSON.stringify(shown)).not.toMatch(/secret/);
    expect(shown).toMatchObject({ id: 'i1', passwordSet: true });
  });
});

/**
 * The instance routes over real HTTP, on a real store, with a repository that returns records carrying a password by
 * mistake (wrapped around the store's own repository).
 */
describe('instance responses when the repository leaks a password', () => {
  let api: ApiHarness;
  let server: Server;
  let base: string;
  let instanceId: string;

  beforeAll(async () => {
    api = await startApiHarness();
    const biz = (await api.call('POST', '/api/v1/businesses', { body: { name: 'leaky' } })).body.id;
    const host = (
      await api.call('POST', '/api/v1/hosts', { body: { name: 'leaky-host', businessId: biz, address: '127.0.0.1' } })
    ).body.id;
    instanceId = (
      await api.call('POST', '/api/v1/instances', {
        body: { name: 'leaky-pg', hostId: host, engine: 'postgres', port: 5432, user: 'postgres', password: 'pw-set' },
      })
    ).body.id;

    const real = api.ctx.store.inventory;
    const leak = (r: InstanceRecord) => ({
      ...r,
      password: 'zz-leaked-plain-zz',
      credentials: { pw: 'zz-leaked-cred-zz' },
    });
    // Every repository call that returns instance records returns them with a password attached.
    const isRecord = (v: unknown): v is InstanceRecord =>
      typeof v === 'object' && v !== null && 'hostId' in v && 'engine' in v;
    const leakAll = (v: unknown): unknown => (Array.isArray(v) ? v.map(leakAll) : isRecord(v) ? leak(v) : v);
    const leaky = new Proxy(real, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => leakAll(await (value as (...a: unknown[]) => unknown).apply(target, args));
      },
    });
    const router = new ApiRouter();
    registerInventoryRoutes(router, new InventoryService(leaky, api.ctx.sealer, api.ctx.audit, api.ctx.config.targets));
    const app = express();
    app.use(express.json());
    app.use((_req, res, next) => {
      res.locals.actor = { name: 'presenter-test', role: 'admin' };
      next();
    });
    app.use('/api/v1', router.build());
    app.use(errorHandler(api.ctx.logger));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    server?.closeAllConnections();
    await api?.close();
  });

  it.each([
    ['GET one', 'GET', () => `/api/v1/instances/${instanceId}`, undefined],
    ['GET the list', 'GET', () => '/api/v1/instances', undefined],
    ['PATCH', 'PATCH', () => `/api/v1/instances/${instanceId}`, { labels: { touched: 'yes' } }],
  ])('%s shows passwordSet and nothing else of the password', async (_name, method, path, body) => {
    const res = await fetch(base + path(), {
      method,
      ...(body ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
    });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toMatch(/zz-leaked|pw-set/);
    const parsed = JSON.parse(text) as { items?: Record<string, unknown>[] } & Record<string, unknown>;
    const shown = parsed.items ? parsed.items[0]! : parsed;
    expect(shown).toMatchObject({ id: instanceId, passwordSet: true });
    expect(Object.keys(shown).every((k) => k in instanceOut.shape)).toBe(true);
  });
});
