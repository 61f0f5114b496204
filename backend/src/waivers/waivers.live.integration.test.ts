import mysql from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from '../test/api-harness.js';
import { MARIADB_ROOT } from '../test/mysql-fixtures.js';
import type { StoredReport } from '../reports/report.model.js';
import { computeScore, SEVERITY_PENALTY } from '../inspections/score.js';

const CHECK = 'mysql.tables-without-primary-key';
const DB = `dbp_waiver_${randomBytes(3).toString('hex')}`;
/** Objects as the check names them: quoted schema and table. */
const obj = (table: string) => `\`${DB}\`.\`${table}\``;

/** Two real weekly inspections of the local MariaDB: one planted problem fixed in between, one waived throughout. */
describe('waivers and the comparison on a live MariaDB', () => {
  let api: ApiHarness;
  let root: mysql.Connection;
  let instanceId: string;

  beforeAll(async () => {
    root = await mysql.createConnection(MARIADB_ROOT);
    await root.query(`CREATE DATABASE \`${DB}\``);
    await root.query(`CREATE TABLE \`${DB}\`.fixed_later (a INT, b INT) ENGINE=InnoDB`);
    await root.query(`CREATE TABLE \`${DB}\`.legacy_waived (a INT, b INT) ENGINE=InnoDB`);
    api = await startApiHarness();
    const biz = await api.call('POST', '/api/v1/businesses', { body: { name: 'waiver-live' } });
    const host = await api.call('POST', '/api/v1/hosts', {
      body: { name: 'local-mariadb', businessId: biz.body.id, address: MARIADB_ROOT.host },
    });
    const inst = await api.call('POST', '/api/v1/instances', {
      body: {
        name: 'local-mariadb',
        hostId: host.body.id,
        engine: 'mariadb',
        port: MARIADB_ROOT.port,
        user: MARIADB_ROOT.user,
        ...(MARIADB_ROOT.password ? { password: MARIADB_ROOT.password } : {}),
      },
    });
    expect(inst.status).toBe(201);
    instanceId = inst.body.id;
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await root?.query(`DROP DATABASE IF EXISTS \`${DB}\``);
    await root?.end();
  });

  const inspect = async (): Promise<StoredReport> => {
    const to = new Date();
    return api.ctx.inspector.inspectInstance(instanceId, {
      tier: 'weekly',
      window: { from: new Date(to.getTime() - 7 * 86_400_000), to },
      trigger: { kind: 'manual', actor: 'test' },
    });
  };
  const mine = (r: StoredReport) => r.findings.filter((f) => f.checkId === CHECK && f.object.startsWith(`\`${DB}\`.`));

  it('keeps the waived finding visible but free, and the diff shows what was fixed', async () => {
    const created = await api.call('POST', '/api/v1/waivers', {
      body: {
        checkId: CHECK,
        scope: 'instance',
        scopeId: instanceId,
        objectPattern: `\`${DB}\`.\`legacy_*`,
        reason: 'legacy table, replaced by the new ledger in Q2',
        owner: 'dba-team',
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    });
    expect(created.status).toBe(201);

    const first = await inspect();
    expect(mine(first).map((f) => [f.object, f.waived?.waiverId])).toEqual([
      [obj('fixed_later'), undefined],
      [obj('legacy_waived'), created.body.id],
    ]);
    expect(first.counts.waived).toBeGreaterThanOrEqual(1);

    await root.query(`ALTER TABLE \`${DB}\`.fixed_later ADD PRIMARY KEY (a)`);
    const second = await inspect();
    const waived = mine(second);
    expect(waived).toHaveLength(1);
    expect(waived[0]).toMatchObject({
      object: obj('legacy_waived'),
      waived: { waiverId: created.body.id, owner: 'dba-team', expiresAt: created.body.expiresAt },
    });
    // The check's outcome only carries open findings: with nothing else on the server it passes and costs nothing.
    const outcome = second.checks.find((c) => c.checkId === CHECK)!;
    const open = second.findings.filter((f) => f.checkId === CHECK && !f.waived);
    expect(outcome.waivedCount).toBe(second.findings.filter((f) => f.checkId === CHECK && f.waived).length);
    expect(outcome.status).toBe(open.length ? 'fail' : 'pass');
    expect(second.score).toBe(computeScore(second.checks));
    if (!open.length) {
      const unwaived = second.checks.map((c) =>
        c.checkId === CHECK ? { ...c, status: 'fail' as const, severity: 'warning' as const } : c,
      );
      expect(computeScore(unwaived)).toBe(Math.max(0, second.score - SEVERITY_PENALTY.warning));
    }
    expect(second.counts.warning + second.counts.critical + second.counts.info + (second.counts.waived ?? 0)).toBe(
      second.findings.length,
    );

    const diff = await api.call('GET', `/api/v1/reports/${second.id}/diff`);
    expect(diff.status).toBe(200);
    expect(diff.body.against.id).toBe(first.id);
    expect(diff.body.resolved.map((f: { object: string }) => f.object)).toContain(obj('fixed_later'));
    const persisting = diff.body.persisting.find((f: { object: string }) => f.object === obj('legacy_waived'));
    expect(persisting).toMatchObject({ runs: 2, since: first.startedAt, waived: { waiverId: created.body.id } });
    expect(diff.body.new.map((f: { object: string }) => f.object)).not.toContain(obj('legacy_waived'));

    // Without the waiver the next report shows it as an ordinary finding again.
    expect((await api.call('DELETE', `/api/v1/waivers/${created.body.id}`)).status).toBe(204);
    const third = await inspect();
    expect(mine(third)).toEqual([expect.objectContaining({ object: obj('legacy_waived') })]);
    expect(mine(third)[0]!.waived).toBeUndefined();
    expect(third.checks.find((c) => c.checkId === CHECK)).toMatchObject({ status: 'fail' });
  }, 180_000);
});
