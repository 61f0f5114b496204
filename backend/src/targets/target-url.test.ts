import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { InputError } from '../errors/domain-errors.js';

import { parseTargetUrl } from './target-url.js';

const dir = mkdtempSync(join(tmpdir(), 'dbp-url-'));
const pem = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n';
const caPath = join(dir, 'ca.pem');
const notPemPath = join(dir, 'not.pem');
writeFileSync(caPath, pem);
writeFileSync(notPemPath, 'hello');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseTargetUrl', () => {
  it.each([
    [
      'mysql://mon:secret@db1:3307/app',
      { engine: 'mysql', host: 'db1', port: 3307, user: 'mon', password: 'secret', database: 'app' },
    ],
    ['mariadb://mon@10.0.0.5', { engine: 'mariadb', host: '10.0.0.5', port: 3306, user: 'mon' }],
    [
      'postgres://mon:pw@pg.example/postgres',
      { engine: 'postgres', host: 'pg.example', port: 5432, user: 'mon', password: 'pw', database: 'postgres' },
    ],
    ['POSTGRESQL://mon@pg.example:6432', { engine: 'postgres', host: 'pg.example', port: 6432, user: 'mon' }],
    [
      'mysql://mon:p%40ss%2Fw%3Ard@db1/app',
      { engine: 'mysql', host: 'db1', port: 3306, user: 'mon', password: 'p@ss/w:rd', database: 'app' },
    ],
    [
      "postgres://m%C3%B6n:x@[::1]:5433/%E5%B7%A1%E6%A3%80%20%22db%22%20o'k",
      { engine: 'postgres', host: '::1', port: 5433, user: 'mön', password: 'x', database: '巡检 "db" o\'k' },
    ],
    ['postgres://mon@[fe80::1]', { engine: 'postgres', host: 'fe80::1', port: 5432, user: 'mon' }],
    ['mysql://mon:@db1/', { engine: 'mysql', host: 'db1', port: 3306, user: 'mon' }],
    ['mysql://mon@db1?database=app', { engine: 'mysql', host: 'db1', port: 3306, user: 'mon', database: 'app' }],
    ['mysql://mon@db1/app?database=app', { engine: 'mysql', host: 'db1', port: 3306, user: 'mon', database: 'app' }],
    [
      'postgres://mon@db1?sslmode=require',
      { engine: 'postgres', host: 'db1', port: 5432, user: 'mon', tls: { mode: 'require' } },
    ],
    [
      'mysql://mon@db1?ssl-mode=VERIFY_IDENTITY',
      { engine: 'mysql', host: 'db1', port: 3306, user: 'mon', tls: { mode: 'verify-full' } },
    ],
    [
      'mysql://mon@db1?ssl-mode=DISABLED',
      { engine: 'mysql', host: 'db1', port: 3306, user: 'mon', tls: { mode: 'disable' } },
    ],
    [
      `postgres://mon@db1?sslmode=verify-full&sslrootcert=${encodeURIComponent(caPath)}`,
      { engine: 'postgres', host: 'db1', port: 5432, user: 'mon', tls: { mode: 'verify-full', ca: pem } },
    ],
    [
      `mysql://mon@db1?ssl-ca=${caPath}`,
      { engine: 'mysql', host: 'db1', port: 3306, user: 'mon', tls: { mode: 'verify-ca', ca: pem } },
    ],
    [
      'postgres://mon@db1?connect_timeout=3&application_name=patrol-7',
      { engine: 'postgres', host: 'db1', port: 5432, user: 'mon', connectTimeoutMs: 3000, applicationName: 'patrol-7' },
    ],
  ])('%s', (url, spec) => {
    expect(parseTargetUrl(url)).toEqual(spec);
  });

  it.each([
    ['db1:3306', 'must look like mysql://user:password@host:port/database'],
    ['http://mon@db1', "unsupported scheme 'http:' (use mysql://, mariadb://, postgres:// or postgresql://)"],
    ['mysql://db1/app', 'user is missing (mysql://user:password@host/…)'],
    ['mysql://:pw@db1/app', 'user is missing (mysql://user:password@host/…)'],
    ['mysql://mon:pa/ss@db1/app', "user or password contains a reserved character; percent-encode '/' as %2F"],
    ['mysql://mon:pa#ss@db1/app', "must not contain '#'; percent-encode it as %23 in a password"],
    ['mysql://mon:p%zzw@db1', 'malformed percent-encoding in the password'],
    ['mysql://mon@/app', 'host is missing'],
    ['mysql://mon@db1:0', "port must be a number from 1 to 65535, got '0'"],
    ['mysql://mon@db1:65536', "port must be a number from 1 to 65535, got '65536'"],
    ['mysql://mon@db1:', "port must be a number from 1 to 65535, got ''"],
    ['mysql://mon@db1:33o6', "port must be a number from 1 to 65535, got '33o6'"],
    ['postgres://mon@db1,db2/app', 'multiple hosts are not supported'],
    ['postgres://mon@::1/app', 'IPv6 addresses must be in brackets, e.g. [::1]:5432'],
    ['postgres://mon@[::1/app', 'IPv6 address is missing its closing ]'],
    [
      'postgres://mon@%2Fvar%2Frun%2Fpostgresql/app',
      'Unix socket paths are not supported; give a host name or IP address',
    ],
    ['postgres://mon@db_1!/app', "invalid host 'db_1!'"],
    ['postgres://mon@db1/a/b', 'the path must be a single database name; percent-encode / as %2F'],
    ['postgres://mon@db1/a?database=b', "database is given twice: 'a' in the path and 'b' as a parameter"],
    [
      'postgres://mon@db1?sslmod=require',
      "unknown parameter 'sslmod' (supported: sslmode, ssl-mode, sslrootcert, ssl-ca, database, connect_timeout, application_name)",
    ],
    ['postgres://mon@db1?sslmode=require&sslmode=disable', "parameter 'sslmode' is given twice"],
    [
      'postgres://mon@db1?sslmode=allow',
      "sslmode 'allow' is not one of disable, prefer, require, verify-ca, verify-full",
    ],
    ['postgres://mon@db1?sslmode=require&ssl-mode=required', "give either 'sslmode' or 'ssl-mode', not both"],
    ['postgres://mon@db1?sslrootcert=/nonexistent/ca.pem', "cannot read the CA certificate file '/nonexistent/ca.pem'"],
    [`postgres://mon@db1?sslrootcert=${notPemPath}`, `'${notPemPath}' is not a PEM certificate file`],
    ['postgres://mon@db1?connect_timeout=0', "connect_timeout must be a whole number of seconds, got '0'"],
    ['postgres://mon@db1?connect_timeout=2.5', "connect_timeout must be a whole number of seconds, got '2.5'"],
  ])('rejects %s', (url, message) => {
    let error: unknown;
    try {
      parseTargetUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).details).toEqual([{ path: 'url', message }]);
  });

  it('reports spec rules on the url field', () => {
    expect(() => parseTargetUrl(`mysql://${'u'.repeat(200)}@db1`)).toThrow(InputError);
    try {
      parseTargetUrl(`mysql://${'u'.repeat(200)}@db1`);
    } catch (e) {
      expect((e as InputError).details[0]?.path).toBe('url');
      expect((e as InputError).details[0]?.message).toMatch(/^user /);
    }
  });
});
