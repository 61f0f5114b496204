import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_ADMIN_URL, randomSuffix } from '../../../test/pg-fixtures.js';
import { findingsOf, postgresSuperTarget, runChecks } from '../../../test/targets-fixture.js';
import type { Target } from '../../../targets/target-spec.js';
import { pgIdent } from '../../quote.js';
import { postgresLoginWithoutPassword } from './login-without-password.check.js';

// The local server trusts every user on 127.0.0.1 (pg_hba "host all all 127.0.0.1/32 trust"): a planted LOGIN role
// without a password is critical; one with a password and a NOLOGIN role without one are not reported.
const suffix = randomSuffix();
const NOPASS = `dbp_nopass_${suffix}`;
const WITHPASS = `dbp_withpass_${suffix}`;
const NOLOGIN = `dbp_nologin_${suffix}`;
let admin: pg.Client;
let target: Target;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE ROLE ${pgIdent(NOPASS)} LOGIN`);
  await admin.query(`CREATE ROLE ${pgIdent(WITHPASS)} LOGIN PASSWORD 'Dbp-${suffix}-x9'`);
  await admin.query(`CREATE ROLE ${pgIdent(NOLOGIN)} NOLOGIN`);
  target = postgresSuperTarget();
});

afterAll(async () => {
  await target?.close();
  for (const r of [NOPASS, WITHPASS, NOLOGIN]) await admin.query(`DROP ROLE IF EXISTS ${pgIdent(r)}`);
  await admin.end();
});

describe('postgres.login-without-password on the live server', () => {
  it('the planted LOGIN role without a password is critical where pg_hba trusts it', async () => {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_hba_file_rules WHERE auth_method = 'trust' AND 'all' = ANY (user_name)`,
    );
    const report = await runChecks(target, [postgresLoginWithoutPassword], { tier: 'weekly' });
    const mine = findingsOf(report, 'postgres.login-without-password');
    const f = mine.find((x) => x.object === pgIdent(NOPASS));
    expect(f).toMatchObject({ severity: rows[0]!.n > 0 ? 'critical' : 'warning' });
    expect(f!.message).toContain(`login role ${pgIdent(NOPASS)} has no password`);
    expect(mine.some((x) => x.object === pgIdent(WITHPASS) || x.object === pgIdent(NOLOGIN))).toBe(false);
  });

  it('exemptRoles leaves the role out', async () => {
    const report = await runChecks(target, [postgresLoginWithoutPassword], {
      tier: 'weekly',
      thresholds: (c) => ({ ...c.thresholds.defaults, exemptRoles: [NOPASS] }),
    });
    expect(findingsOf(report, 'postgres.login-without-password').some((x) => x.object === pgIdent(NOPASS))).toBe(false);
  });
});
