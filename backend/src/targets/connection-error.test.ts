import { describe, expect, it } from 'vitest';

import { TargetUnreachableError } from '../errors/domain-errors.js';

import { isConnectionError, isNoTlsSupportError, isRestartingError, toUnreachableError } from './connection-error.js';
import type { ConnectionContext } from './connection-error.js';

const password = 'pa55:w@rd/x';
const ctx: ConnectionContext = {
  engine: 'mysql',
  host: 'db1.example',
  port: 3306,
  user: 'mon',
  password,
  database: 'app',
  connectTimeoutMs: 5000,
  tlsMode: 'require',
};

function err(fields: Record<string, unknown>, message = 'driver message'): Error {
  return Object.assign(new Error(message), fields);
}

describe('toUnreachableError', () => {
  it.each([
    [err({ code: 'ECONNREFUSED' }), 'connection refused at db1.example:3306'],
    [new AggregateError([], 'x', { cause: err({ code: 'ECONNREFUSED' }) }), 'connection refused at db1.example:3306'],
    [err({ code: 'ETIMEDOUT' }), 'timed out after 5000 ms connecting to db1.example:3306'],
    [
      new Error('Connection terminated due to connection timeout'),
      'timed out after 5000 ms connecting to db1.example:3306',
    ],
    [err({ code: 'ENOTFOUND' }), "unknown host 'db1.example'"],
    [err({ code: 'EHOSTUNREACH' }), 'host db1.example is unreachable'],
    [err({ code: 'HANDSHAKE_NO_SSL_SUPPORT' }), "server at db1.example:3306 does not support TLS (tls mode 'require')"],
    [
      new Error('The server does not support SSL connections'),
      "server at db1.example:3306 does not support TLS (tls mode 'require')",
    ],
    [
      err({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
      'TLS certificate verification failed for db1.example:3306 (DEPTH_ZERO_SELF_SIGNED_CERT)',
    ],
    [err({ code: 'PROTOCOL_CONNECTION_LOST' }), 'connection to db1.example:3306 was closed by the server'],
    [new Error('Connection terminated unexpectedly'), 'connection to db1.example:3306 was closed by the server'],
    [
      err(
        { errno: 1045, code: 'ER_ACCESS_DENIED_ERROR' },
        `Access denied for user 'mon'@'10.0.0.9' (using password: YES)`,
      ),
      "authentication failed for user 'mon'",
    ],
    [err({ code: '28P01' }, 'password authentication failed for user "mon"'), "authentication failed for user 'mon'"],
    [
      new Error('SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string'),
      "authentication failed for user 'mon' (no or wrong password)",
    ],
    [err({ code: '28000' }, 'role "mon" does not exist'), `access rejected for user 'mon': role "mon" does not exist`],
    [err({ errno: 1049 }), "database 'app' does not exist at db1.example:3306"],
    [err({ code: '3D000' }), "database 'app' does not exist at db1.example:3306"],
    [err({ errno: 1040 }), 'too many connections at db1.example:3306'],
  ])('%s', (error, message) => {
    const unreachable = toUnreachableError(error, ctx);
    expect(unreachable).toBeInstanceOf(TargetUnreachableError);
    expect(unreachable.message).toBe(message);
  });

  it('never repeats a password or URL credentials a driver put in its message', () => {
    const leaky = new Error(
      `failed mysql://mon:${encodeURIComponent(password)}@db1.example/app with password ${password}`,
    );
    const message = toUnreachableError(leaky, ctx).message;
    expect(message).not.toContain(password);
    expect(message).not.toContain(encodeURIComponent(password));
    expect(message).toMatch(/^could not connect to db1.example:3306: /);
  });

  it('passes a TargetUnreachableError through', () => {
    const e = new TargetUnreachableError('x');
    expect(toUnreachableError(e, ctx)).toBe(e);
  });
});

describe('isConnectionError', () => {
  it.each([
    [err({ code: 'ECONNRESET' }), true],
    [err({ code: 'PROTOCOL_CONNECTION_LOST' }), true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Client has encountered a connection error and is not queryable'), true],
    [err({ errno: 1969, code: 'ER_STATEMENT_TIMEOUT' }), false],
    [err({ code: '57014' }), false],
  ])('%s → %s', (error, expected) => {
    expect(isConnectionError(error)).toBe(expected);
  });
});

describe('isNoTlsSupportError', () => {
  it('recognises both drivers', () => {
    expect(isNoTlsSupportError(err({ code: 'HANDSHAKE_NO_SSL_SUPPORT' }))).toBe(true);
    expect(isNoTlsSupportError(new Error('The server does not support SSL connections'))).toBe(true);
    expect(isNoTlsSupportError(err({ code: 'ECONNREFUSED' }))).toBe(false);
  });
});

describe('isRestartingError: worth waiting for on a server that answered before', () => {
  it.each([
    [err({ code: 'ECONNREFUSED' }), true],
    [err({ code: 'ECONNRESET' }), true],
    [err({ code: 'PROTOCOL_CONNECTION_LOST' }), true],
    [err({ code: '57P03', message: 'the database system is starting up' }), true],
    [err({ code: '57P01', message: 'terminating connection due to administrator command' }), true],
    [new Error('Connection terminated unexpectedly'), true],
    // A hung server or a timeout is not a restart: retrying would multiply the connect timeout.
    [err({ code: 'ETIMEDOUT' }), false],
    [new Error('timeout expired'), false],
    [err({ code: '28P01', message: 'password authentication failed' }), false],
    [err({ code: 'ENOTFOUND' }), false],
  ])('%o → %s', (e, expected) => {
    expect(isRestartingError(e)).toBe(expected);
  });
});
