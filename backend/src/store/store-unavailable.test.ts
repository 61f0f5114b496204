import { describe, expect, it } from 'vitest';
import { isDuplicateKeyViolation, isStoreUnavailable } from './store-unavailable.js';

const error = (fields: Record<string, unknown>): Error =>
  Object.assign(new Error(String(fields.message ?? '')), fields);

describe('isStoreUnavailable', () => {
  it.each([
    ['pg: admin shutdown (pg_ctl stop -m fast)', error({ code: '57P01', message: 'terminating connection' }), true],
    ['pg: crash shutdown', error({ code: '57P02' }), true],
    ['pg: starting up', error({ code: '57P03', message: 'the database system is starting up' }), true],
    ['pg: too many connections', error({ code: '53300' }), true],
    ['pg: connection failure', error({ code: '08006' }), true],
    ['pg: connection lost, no code', error({ message: 'Connection terminated unexpectedly' }), true],
    ['pg: pool connect timeout', error({ message: 'timeout exceeded when trying to connect' }), true],
    ['pg: dead client', error({ message: 'Client has encountered a connection error and is not queryable' }), true],
    ['socket: refused', error({ code: 'ECONNREFUSED', syscall: 'connect' }), true],
    ['socket: reset', error({ code: 'ECONNRESET' }), true],
    ['unix socket of a stopped server', error({ code: 'ENOENT', syscall: 'connect' }), true],
    ['ENOENT of a file, not a connect', error({ code: 'ENOENT', syscall: 'open' }), false],
    ['mongo: no server selected', error({ name: 'MongoServerSelectionError' }), true],
    ['mongo: network', error({ name: 'MongoNetworkError' }), true],
    ['mongo: shutdown in progress', error({ name: 'MongoServerError', code: 91 }), true],
    ['mongo: primary stepped down', error({ name: 'MongoServerError', code: 189 }), true],
    ['mongo: pool cleared (label)', error({ name: 'MongoServerError', errorLabelSet: new Set(['ResetPool']) }), true],
    ['wrapped in a cause', Object.assign(new Error('save failed'), { cause: error({ code: '57P01' }) }), true],
    ['one of an aggregate', new AggregateError([new Error('x'), error({ code: 'ECONNREFUSED' })]), true],
    ['pg: unique violation', error({ code: '23505' }), false],
    ['pg: syntax error', error({ code: '42601' }), false],
    ['pg: serialization failure', error({ code: '40001' }), false],
    ['mongo: duplicate key', error({ name: 'MongoServerError', code: 11000 }), false],
    ['pool used after end (our own close)', new Error('Cannot use a pool after calling end on the pool'), false],
    ['a plain error', new Error('boom'), false],
    ['not an error', 'ECONNREFUSED', false],
    ['null', null, false],
  ])('%s → %s', (_what, err, expected) => {
    expect(isStoreUnavailable(err)).toBe(expected);
  });
});

describe('isDuplicateKeyViolation', () => {
  it.each([
    ['pg 23505', error({ code: '23505' }), true],
    ['mongo 11000', error({ code: 11000 }), true],
    ['mongo 11001', error({ code: 11001 }), true],
    ['pg 23503 (foreign key)', error({ code: '23503' }), false],
    ['string 11000 is not mongo', error({ code: '11000' }), false],
    ['no code', new Error('duplicate'), false],
  ])('%s → %s', (_what, err, expected) => {
    expect(isDuplicateKeyViolation(err)).toBe(expected);
  });
});
