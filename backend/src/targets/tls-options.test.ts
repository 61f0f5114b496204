import { describe, expect, it } from 'vitest';

import { mysqlSslOptions, pgSslOptions } from './tls-options.js';

const ca = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('mysqlSslOptions', () => {
  it.each([
    [{ mode: 'disable' }, undefined],
    [{ mode: 'prefer' }, { rejectUnauthorized: false }],
    [{ mode: 'require', ca }, { rejectUnauthorized: false }],
    [
      { mode: 'verify-ca', ca },
      { rejectUnauthorized: true, verifyIdentity: false, ca },
    ],
    [
      { mode: 'verify-full', ca },
      { rejectUnauthorized: true, verifyIdentity: true, ca },
    ],
    [{ mode: 'verify-full' }, { rejectUnauthorized: true, verifyIdentity: true }],
  ] as const)('%j', (tls, expected) => {
    expect(mysqlSslOptions(tls)).toEqual(expected);
  });
});

describe('pgSslOptions', () => {
  it('maps disable, prefer and require', () => {
    expect(pgSslOptions({ mode: 'disable' })).toBe(false);
    expect(pgSslOptions({ mode: 'prefer' })).toEqual({ rejectUnauthorized: false });
    expect(pgSslOptions({ mode: 'require', ca })).toEqual({ rejectUnauthorized: false });
  });

  it('verify-ca checks the chain but not the host name', () => {
    const options = pgSslOptions({ mode: 'verify-ca', ca });
    expect(options).toMatchObject({ rejectUnauthorized: true, ca });
    expect(options && options.checkServerIdentity?.('db.example', {} as never)).toBeUndefined();
  });

  it('verify-full leaves the host name check to tls.connect', () => {
    expect(pgSslOptions({ mode: 'verify-full', ca })).toEqual({ rejectUnauthorized: true, ca });
  });
});
