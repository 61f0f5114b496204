import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';

describe('inventory over REST', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApiHarness();
  });
  afterAll(() => api?.close());

  const post = async (route: string, body: unknown) => {
    const res = await api.call('POST', `/api/v1${route}`, { body });
    if (res.status !== 201) throw new Error(`${route}: ${res.status} ${res.text}`);
    return res.body;
  };

  it('creates, reads, updates and deletes business → host → instance', async () => {
    const biz = await post('/businesses', { name: 'payments', description: '支付' });
    const host = await post('/hosts', {
      name: 'db-pay-01',
      businessId: biz.id,
      address: '10.1.2.3',
      labels: { env: 'prod' },
    });
    const inst = await post('/instances', {
      name: 'pay-mysql',
      hostId: host.id,
      engine: 'mysql',
      port: 3306,
      user: 'dbpatrol',
      password: 'S3cret!pass',
      labels: { tier: 'gold' },
    });
    expect(inst).toMatchObject({ name: 'pay-mysql', passwordSet: true, enabled: true, labels: { tier: 'gold' } });
    expect(inst).not.toHaveProperty('password');
    expect(inst).not.toHaveProperty('passwordSealed');

    expect((await api.call('GET', `/api/v1/instances/${inst.id}`)).body).toEqual(inst);
    const patched = await api.call('PATCH', `/api/v1/instances/${inst.id}`, { body: { port: 3307, database: 'app' } });
    expect(patched.body).toMatchObject({ port: 3307, database: 'app', passwordSet: true });
    const cleared = await api.call('PATCH', `/api/v1/instances/${inst.id}`, {
      body: { database: null, password: null },
    });
    expect(cleared.body.passwordSet).toBe(false);
    expect(cleared.body).not.toHaveProperty('database');

    expect((await api.call('DELETE', `/api/v1/hosts/${host.id}`)).status).toBe(409);
    expect((await api.call('DELETE', `/api/v1/instances/${inst.id}`)).status).toBe(204);
    expect((await api.call('GET', `/api/v1/instances/${inst.id}`)).status).toBe(404);
    expect((await api.call('DELETE', `/api/v1/hosts/${host.id}`)).status).toBe(204);
    expect((await api.call('DELETE', `/api/v1/businesses/${biz.id}`)).status).toBe(204);
  });

  it('filters lists by business, host, engine and label', async () => {
    const a = await post('/businesses', { name: 'filter-a' });
    const b = await post('/businesses', { name: 'filter-b' });
    const ha = await post('/hosts', { name: 'fa-1', businessId: a.id, address: '10.0.0.1', labels: { env: 'prod' } });
    const hb = await post('/hosts', { name: 'fb-1', businessId: b.id, address: '10.0.0.2', labels: { env: 'test' } });
    await post('/instances', {
      name: 'fa-pg',
      hostId: ha.id,
      engine: 'postgres',
      port: 5432,
      user: 'm',
      labels: { env: 'prod' },
    });
    await post('/instances', { name: 'fa-my', hostId: ha.id, engine: 'mariadb', port: 3306, user: 'm' });
    await post('/instances', {
      name: 'fb-pg',
      hostId: hb.id,
      engine: 'postgres',
      port: 5432,
      user: 'm',
      labels: { env: 'test' },
    });
    const names = async (q: string) =>
      (await api.call('GET', `/api/v1/instances?${q}`)).body.items.map((i: { name: string }) => i.name);
    expect(await names(`businessId=${a.id}`)).toEqual(['fa-my', 'fa-pg']);
    expect(await names(`hostId=${hb.id}`)).toEqual(['fb-pg']);
    expect(await names('engine=postgres&label=env:prod')).toEqual(['fa-pg']);
    expect(
      (await api.call('GET', '/api/v1/hosts?label=env:test')).body.items.map((h: { name: string }) => h.name),
    ).toEqual(['fb-1']);
    const bad = await api.call('GET', '/api/v1/instances?label=noColon');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toEqual({ path: 'query.label', message: '"noColon" must be key:value' });
    expect((await api.call('GET', '/api/v1/instances?engine=oracle')).body.error.details[0].path).toBe('query.engine');
  });

  it.each([
    [{ port: 70000 }, 'port', 'must be ≤ 65535'],
    [{ port: 0 }, 'port', 'must be ≥ 1'],
    [{ port: '3306' }, 'port', 'must be a number'],
    [{ port: undefined }, 'port', 'is required'],
    [{ engine: 'oracle' }, 'engine', 'must be one of "mysql", "mariadb", "postgres"'],
    [
      { tls: { mode: 'sometimes' } },
      'tls.mode',
      'must be one of "disable", "prefer", "require", "verify-ca", "verify-full"',
    ],
    [{ name: '' }, 'name', 'must not be empty'],
    [{ labels: { 'bad key': 'x' } }, 'labels.bad key', 'key: label keys use letters, digits, _ . -'],
    [
      { backupEvidenceSql: 'DELETE FROM backups' },
      'backupEvidenceSql',
      'must be one SELECT statement returning last_backup_end',
    ],
    [{ backupEvidenceSql: 'SELECT 1; DROP TABLE x' }, 'backupEvidenceSql', 'must be a single statement (no ;)'],
  ])('rejects an instance with %j naming the field', async (change, path, message) => {
    const biz = await post('/businesses', {
      name: `v-${path}-${String(Object.values(change)[0]).length}-${Math.random()}`,
    });
    const host = await post('/hosts', { name: `vh-${Math.random()}`, businessId: biz.id, address: '10.0.0.9' });
    const before = (await api.call('GET', '/api/v1/instances')).body.items.length;
    const res = await api.call('POST', '/api/v1/instances', {
      body: { name: 'valid-name', hostId: host.id, engine: 'postgres', port: 5432, user: 'm', ...change },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(res.body.error.details).toContainEqual({ path, message });
    expect(res.body.error.message).toContain(`${path}: ${message}`);
    expect((await api.call('GET', '/api/v1/instances')).body.items.length).toBe(before);
  });

  it('answers 400 for a missing parent, 404 for unknown ids and 409 for duplicate names', async () => {
    const missing = await api.call('POST', '/api/v1/hosts', {
      body: { name: 'lonely', businessId: 'nope', address: 'h' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details).toEqual([{ path: 'businessId', message: 'no business with this id' }]);
    const required = await api.call('POST', '/api/v1/hosts', { body: { name: 'lonely' } });
    expect(required.body.error.details).toEqual(
      expect.arrayContaining([
        { path: 'businessId', message: 'is required' },
        { path: 'address', message: 'is required' },
      ]),
    );
    expect((await api.call('GET', '/api/v1/businesses/nope')).status).toBe(404);
    expect((await api.call('PATCH', '/api/v1/hosts/nope', { body: { address: 'x' } })).status).toBe(404);
    await post('/businesses', { name: 'dup' });
    const dup = await api.call('POST', '/api/v1/businesses', { body: { name: 'dup' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe('a business named "dup" already exists');
  });

  it('imports YAML all or nothing and exports it back without passwords', async () => {
    const yaml = `
businesses:
  - name: core-banking
    description: 核心
    hosts:
      - name: cb-db-01
        address: 10.9.0.1
        labels: { env: prod }
        instances:
          - { name: cb-pg, engine: postgres, port: 5432, user: mon, password: "imp0rt-Secret" }
          - { name: cb-my, engine: mysql, port: 3306, user: mon, tls: { mode: require } }
`;
    const dry = await api.call('POST', '/api/v1/inventory/import?dryRun=true', {
      rawBody: yaml,
      contentType: 'application/yaml',
    });
    expect(dry.body).toMatchObject({ dryRun: true, instances: { created: ['cb-pg', 'cb-my'], updated: [] } });
    const businessNames = async () =>
      (await api.call('GET', '/api/v1/businesses')).body.items.map((b: { name: string }) => b.name);
    expect(await businessNames()).not.toContain('core-banking');

    const done = await api.call('POST', '/api/v1/inventory/import', { rawBody: yaml, contentType: 'application/yaml' });
    expect(done.status).toBe(200);
    expect(done.body.businesses.created).toEqual(['core-banking']);
    const again = await api.call('POST', '/api/v1/inventory/import', {
      rawBody: yaml,
      contentType: 'application/yaml',
    });
    expect(again.body.instances).toEqual({ created: [], updated: ['cb-pg', 'cb-my'] });

    const broken = yaml.replace('port: 3306', 'port: 99999');
    const rejected = await api.call('POST', '/api/v1/inventory/import', {
      rawBody: broken,
      contentType: 'application/yaml',
    });
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.details).toEqual([
      { path: 'businesses.0.hosts.0.instances.1.port', message: 'must be ≤ 65535' },
    ]);
    const dupNames = await api.call('POST', '/api/v1/inventory/import', {
      body: {
        businesses: [
          { name: 'x1', hosts: [{ name: 'same', address: 'a' }] },
          { name: 'x2', hosts: [{ name: 'same', address: 'b' }] },
        ],
      },
    });
    expect(dupNames.body.error.details).toEqual([
      { path: 'businesses.1.hosts.0.name', message: 'duplicates the host name at businesses.0.hosts.0' },
    ]);
    expect(await businessNames()).not.toContain('x1');

    const exported = await api.call('GET', '/api/v1/inventory/export');
    expect(exported.headers.get('content-type')).toMatch(/application\/yaml/);
    expect(exported.text).not.toContain('imp0rt-Secret');
    expect(exported.text).not.toMatch(/password/i);
    const doc = parseYaml(exported.text);
    const cb = doc.businesses.find((b: { name: string }) => b.name === 'core-banking');
    expect(cb.hosts[0].instances.map((i: { name: string }) => i.name)).toEqual(['cb-my', 'cb-pg']);
    const cbPg = (await api.call('GET', '/api/v1/instances')).body.items.find(
      (i: { name: string }) => i.name === 'cb-pg',
    );
    expect(cbPg.passwordSet).toBe(true);
  });

  it('rejects invalid YAML with a specific message', async () => {
    const res = await api.call('POST', '/api/v1/inventory/import', {
      rawBody: 'businesses: [\n  - {',
      contentType: 'application/yaml',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/^body: is not valid YAML/);
  });
});
