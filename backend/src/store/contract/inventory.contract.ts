import { randomUUID } from 'node:crypto';
import { describe, expect } from 'vitest';
import { ConflictError, InputError, NotFoundError } from '../../errors/domain-errors.js';
import type { Store } from '../store.js';
import { aBusiness, aHost, anInstance, emptyPlan, T0, T1, unique } from './builders.js';
import { contractCase, type ContractRun } from './skips.js';

/** Businesses, hosts and instances: uniqueness, references between them, filters and the import plan. */
export function inventoryContract(run: ContractRun): void {
  describe('inventory', () => {
    const inv = () => run.store().inventory;

    contractCase(run, 'inventory.businesses', 'keeps businesses with unique names, sorted by name', async () => {
      const b = await inv().insertBusiness(aBusiness(unique('zz-pay'), { description: 'payments' }));
      const a = await inv().insertBusiness(aBusiness(unique('aa-core')));
      expect(a).not.toHaveProperty('description');
      expect(await inv().getBusiness(b.id)).toEqual(b);
      expect(await inv().listBusinesses()).toEqual([a, b]);
      await expect(inv().insertBusiness(aBusiness(b.name))).rejects.toBeInstanceOf(ConflictError);
      await expect(inv().updateBusiness({ ...a, name: b.name })).rejects.toThrow(/already exists/);
      const renamed = await inv().updateBusiness({ ...a, name: `${a.name}-x`, updatedAt: T1 });
      expect(renamed).toMatchObject({ name: `${a.name}-x`, createdAt: T0, updatedAt: T1 });
      await expect(inv().updateBusiness(aBusiness('ghost'))).rejects.toBeInstanceOf(NotFoundError);
      await inv().deleteBusiness(a.id);
      expect(await inv().getBusiness(a.id)).toBeNull();
      await expect(inv().deleteBusiness(a.id)).rejects.toBeInstanceOf(NotFoundError);
      expect(await inv().listBusinesses()).toEqual([b]);
    });

    contractCase(
      run,
      'inventory.hostReferences',
      'refuses hosts of a missing business and deleting a business that has hosts',
      async () => {
        const b = await inv().insertBusiness(aBusiness(unique('biz')));
        const err = await inv()
          .insertHost(aHost(unique('h'), randomUUID()))
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).details[0]?.path).toBe('businessId');
        expect(await inv().listHosts({})).toEqual([]);
        const h = await inv().insertHost(aHost(unique('h'), b.id, { labels: { env: 'prod', dc: 'sh' } }));
        await expect(inv().deleteBusiness(b.id)).rejects.toBeInstanceOf(ConflictError);
        expect(await inv().getBusiness(b.id)).not.toBeNull();
        await expect(inv().updateHost({ ...h, businessId: randomUUID() })).rejects.toBeInstanceOf(InputError);
        expect(await inv().getHost(h.id)).toEqual(h);
      },
    );

    contractCase(run, 'inventory.hostFilters', 'filters hosts by business and by all given labels', async () => {
      const b1 = await inv().insertBusiness(aBusiness(unique('b1')));
      const b2 = await inv().insertBusiness(aBusiness(unique('b2')));
      const h1 = await inv().insertHost(aHost(unique('h1'), b1.id, { labels: { env: 'prod', dc: 'sh' } }));
      const h2 = await inv().insertHost(aHost(unique('h2'), b1.id, { labels: { env: 'test' } }));
      const h3 = await inv().insertHost(aHost(unique('h3'), b2.id, { labels: { env: 'prod' } }));
      const ids = async (f: Parameters<Store['inventory']['listHosts']>[0]) =>
        (await inv().listHosts(f)).map((h) => h.id).sort();
      expect(await ids({ businessId: b1.id })).toEqual([h1.id, h2.id].sort());
      expect(await ids({ labels: { env: 'prod' } })).toEqual([h1.id, h3.id].sort());
      expect(await ids({ businessId: b1.id, labels: { env: 'prod', dc: 'sh' } })).toEqual([h1.id]);
      expect(await ids({ businessId: b2.id, labels: { env: 'test' } })).toEqual([]);
      expect(await ids({})).toEqual([h1.id, h2.id, h3.id].sort());
    });

    contractCase(
      run,
      'inventory.instanceRoundTrip',
      'round-trips instances exactly, optional fields absent when unset',
      async () => {
        const b = await inv().insertBusiness(aBusiness(unique('b')));
        const h = await inv().insertHost(aHost(unique('h'), b.id));
        const full = anInstance(unique('full'), h.id, {
          engine: 'mariadb',
          port: 3306,
          passwordSealed: 'v1:abc:def:ghi:jkl',
          database: 'app',
          tls: { mode: 'verify-ca', ca: '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----' },
          labels: { env: 'prod', 'team.name': '支付' },
          backupEvidenceSql: 'SELECT max(end_time) AS last_backup_end FROM backups',
          enabled: false,
        });
        const bare = anInstance(unique('bare'), h.id);
        expect(await inv().insertInstance(full)).toEqual(full);
        expect(await inv().insertInstance(bare)).toEqual(bare);
        expect(await inv().getInstance(bare.id)).toEqual(bare);
        expect(await inv().getInstance(full.id)).toEqual(full);
        for (const key of ['passwordSealed', 'database', 'tls', 'backupEvidenceSql']) {
          expect(await inv().getInstance(bare.id)).not.toHaveProperty(key);
        }
        const { passwordSealed: _p, database: _d, ...cleared } = full;
        expect(await inv().updateInstance({ ...cleared, updatedAt: T1 })).toEqual({ ...cleared, updatedAt: T1 });
        await expect(inv().insertInstance(anInstance(full.name, h.id))).rejects.toBeInstanceOf(ConflictError);
        const orphan = await inv()
          .insertInstance(anInstance(unique('o'), randomUUID()))
          .catch((e: unknown) => e);
        expect((orphan as InputError).details?.[0]?.path).toBe('hostId');
        await expect(inv().deleteHost(h.id)).rejects.toBeInstanceOf(ConflictError);
        await inv().deleteInstance(bare.id);
        await expect(inv().deleteInstance(bare.id)).rejects.toBeInstanceOf(NotFoundError);
        expect((await inv().listInstances({})).map((i) => i.id)).toEqual([full.id]);
      },
    );

    contractCase(
      run,
      'inventory.instanceFilters',
      'filters instances by business, host, engine and labels',
      async () => {
        const b1 = await inv().insertBusiness(aBusiness(unique('fb1')));
        const b2 = await inv().insertBusiness(aBusiness(unique('fb2')));
        const h1 = await inv().insertHost(aHost(unique('fh1'), b1.id));
        const h2 = await inv().insertHost(aHost(unique('fh2'), b2.id));
        const i1 = await inv().insertInstance(
          anInstance(unique('i1'), h1.id, { engine: 'mysql', labels: { env: 'prod' } }),
        );
        const i2 = await inv().insertInstance(anInstance(unique('i2'), h1.id, { labels: { env: 'test' } }));
        const i3 = await inv().insertInstance(anInstance(unique('i3'), h2.id, { labels: { env: 'prod' } }));
        const ids = async (f: Parameters<Store['inventory']['listInstances']>[0]) =>
          (await inv().listInstances(f)).map((i) => i.id).sort();
        expect(await ids({ businessId: b1.id })).toEqual([i1.id, i2.id].sort());
        expect(await ids({ hostId: h2.id })).toEqual([i3.id]);
        expect(await ids({ businessId: b1.id, engine: 'mysql' })).toEqual([i1.id]);
        expect(await ids({ businessId: b2.id, labels: { env: 'prod' } })).toEqual([i3.id]);
        expect(await ids({ businessId: b2.id, labels: { env: 'test' } })).toEqual([]);
        expect(await ids({ labels: { env: 'prod' } })).toEqual([i1.id, i3.id].sort());
      },
    );

    contractCase(run, 'inventory.applyPlan', 'applies an import plan all or nothing', async () => {
      const existing = await inv().insertBusiness(aBusiness(unique('plan-old')));
      const failing = emptyPlan();
      const b = aBusiness(unique('plan-new'));
      failing.businesses.create.push(b);
      failing.hosts.create.push(aHost(unique('plan-h'), b.id));
      failing.businesses.create.push(aBusiness(existing.name));
      await expect(inv().applyPlan(failing)).rejects.toBeInstanceOf(ConflictError);
      expect(await inv().getBusiness(b.id)).toBeNull();
      expect(await inv().snapshot()).toEqual({ businesses: [existing], hosts: [], instances: [] });

      const ok = emptyPlan();
      const renamedOld = { ...existing, name: `${existing.name}-renamed`, updatedAt: T1 };
      const reuse = aBusiness(existing.name);
      const host = aHost(unique('plan-h2'), reuse.id);
      const inst = anInstance(unique('plan-i'), host.id, { passwordSealed: 'v1:k:a:b:c' });
      ok.businesses.update.push(renamedOld);
      ok.businesses.create.push(reuse);
      ok.hosts.create.push(host);
      ok.instances.create.push(inst);
      await inv().applyPlan(ok);
      const snap = await inv().snapshot();
      expect(snap.businesses).toEqual(expect.arrayContaining([renamedOld, reuse]));
      expect(snap.businesses).toHaveLength(2);
      expect(snap.hosts).toEqual([host]);
      expect(snap.instances).toEqual([inst]);
      await inv().replaceSealedPasswords([{ id: inst.id, passwordSealed: 'v1:k2:d:e:f' }]);
      expect((await inv().getInstance(inst.id))?.passwordSealed).toBe('v1:k2:d:e:f');
    });
  });
}
