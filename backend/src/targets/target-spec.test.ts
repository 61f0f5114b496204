import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { InputError } from '../errors/domain-errors.js';

import { openTarget } from './open-target.js';
import { describeSpec, parseTargetSpec, resolveTargetSpec } from './target-spec.js';
import type { TargetSpec } from './target-spec.js';

const spec: TargetSpec = { engine: 'mariadb', host: '127.0.0.1', port: 3306, user: 'mon', password: 'Sup3r-secret' };

describe('resolveTargetSpec', () => {
  it('fills in the defaults', () => {
    expect(resolveTargetSpec(spec)).toEqual({
      ...spec,
      database: undefined,
      tls: { mode: 'prefer' },
      connectTimeoutMs: 5000,
      statementTimeoutMs: 15000,
      lockTimeoutMs: 3000,
      poolSize: 2,
      applicationName: 'dbpatrol',
    });
  });

  it('keeps what was given', () => {
    const given = { ...spec, tls: { mode: 'require' as const }, poolSize: 1, statementTimeoutMs: 500 };
    expect(resolveTargetSpec(given)).toMatchObject({ tls: { mode: 'require' }, poolSize: 1, statementTimeoutMs: 500 });
  });
});

describe('parseTargetSpec', () => {
  it.each([
    [{ ...spec, port: 0 }, 'port'],
    [{ ...spec, engine: 'oracle' }, 'engine'],
    [{ ...spec, host: 'db1; rm -rf' }, 'host'],
    [{ ...spec, user: '' }, 'user'],
    [{ ...spec, tls: { mode: 'sometimes' } }, 'tls.mode'],
    [{ ...spec, tls: { mode: 'verify-ca', ca: '/etc/ssl/ca.pem' } }, 'tls.ca'],
    [{ ...spec, statementTimeoutMs: 0 }, 'statementTimeoutMs'],
    [{ ...spec, poolSize: 100 }, 'poolSize'],
    [{ ...spec, applicationName: 'dbpatrol\n' }, 'applicationName'],
  ])('names the bad field of %j', (input, path) => {
    try {
      parseTargetSpec(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).details.map((d) => d.path)).toEqual([path]);
    }
  });
});

describe('describeSpec and targets', () => {
  it('describeSpec drops the password and the CA text', () => {
    const described = describeSpec({ ...spec, tls: { mode: 'verify-ca', ca: '-----BEGIN CERTIFICATE-----x' } });
    expect(described).not.toHaveProperty('password');
    expect(described.tls).toEqual({ mode: 'verify-ca', ca: '[pem]' });
  });

  it.each(['mariadb', 'mysql', 'postgres'] as const)(
    'a %s target shows no password in JSON, strings or inspect',
    async (engine) => {
      const target = openTarget({ ...spec, engine });
      try {
        expect(JSON.stringify(target)).not.toContain('Sup3r-secret');
        expect(JSON.stringify({ target })).toContain('"user":"mon"');
        expect(String(target)).not.toContain('Sup3r-secret');
        expect(inspect(target)).not.toContain('Sup3r-secret');
        expect(inspect({ nested: target }, { depth: 5 })).not.toContain('Sup3r-secret');
      } finally {
        await target.close();
      }
    },
  );

  it('openTarget rejects an invalid spec with an InputError', () => {
    expect(() => openTarget({ ...spec, port: 70000 })).toThrow(InputError);
  });
});
