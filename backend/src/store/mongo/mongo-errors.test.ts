import { MongoCompatibilityError, MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../errors/domain-errors.js';
import {
  duplicateKeyField,
  isIndexBuildInProgress,
  isTransactionsUnsupported,
  translateWriteError,
} from './mongo-errors.js';
import { describeMongoUrl, mongoDbNameFromUrl } from './mongo-store.js';

const dup = (fields: Record<string, unknown>) =>
  new MongoServerError({ code: 11000, codeName: 'DuplicateKey', ...fields });
const standalone = () =>
  new MongoServerError({
    message: 'Transaction numbers are only allowed on a replica set member or mongos',
    code: 20,
    codeName: 'IllegalOperation',
  });

describe('duplicateKeyField', () => {
  it.each<[string, unknown, string | undefined]>([
    ['keyPattern name', dup({ keyPattern: { name: 1 }, keyValue: { name: 'core' } }), 'name'],
    ['keyPattern hash', dup({ keyPattern: { hash: 1 }, keyValue: { hash: 'abc' } }), 'hash'],
    ['keyPattern _id', dup({ keyPattern: { _id: 1 }, keyValue: { _id: 'x' } }), '_id'],
    ['keyValue only', dup({ keyValue: { name: 'core' } }), 'name'],
    ['errorResponse only', { code: 11000, errorResponse: { keyPattern: { hash: 1 } } }, 'hash'],
    [
      'message with the field',
      dup({
        message: 'E11000 duplicate key error collection: p.apiTokens index: hash_unique dup key: { hash: "abc" }',
      }),
      'hash',
    ],
    [
      'message with the index only',
      dup({ errmsg: 'E11000 duplicate key error collection: p.businesses index: name_unique dup key: { : "core" }' }),
      'name',
    ],
    ['legacy code 11001', { code: 11001, keyPattern: { name: 1 } }, 'name'],
    ['duplicate without details', dup({ message: 'E11000 duplicate key error' }), undefined],
    ['another server error', new MongoServerError({ code: 112, message: 'WriteConflict' }), undefined],
    ['not an error', 'E11000', undefined],
    ['null', null, undefined],
  ])('%s', (_label, err, field) => {
    expect(duplicateKeyField(err)).toBe(field);
  });
});

describe('translateWriteError', () => {
  it.each<[string, unknown, { kind: string; name: string }, { message: string; details: unknown } | 'same']>([
    [
      'duplicate business name',
      dup({ keyPattern: { name: 1 } }),
      { kind: 'business', name: 'core' },
      { message: 'a business named "core" already exists', details: { field: 'name' } },
    ],
    [
      'duplicate token name',
      dup({ keyPattern: { name: 1 } }),
      { kind: 'token', name: 'grafana' },
      { message: 'a token named "grafana" already exists', details: { field: 'name' } },
    ],
    [
      'duplicate token hash',
      dup({ keyPattern: { hash: 1 } }),
      { kind: 'token', name: 'grafana' },
      { message: 'a token with this hash already exists', details: { field: 'hash' } },
    ],
    ['duplicate id', dup({ keyPattern: { _id: 1 } }), { kind: 'host', name: 'h' }, 'same'],
    ['hash on a kind without hashes', dup({ keyPattern: { hash: 1 } }), { kind: 'host', name: 'h' }, 'same'],
    ['other error', new Error('network'), { kind: 'host', name: 'h' }, 'same'],
  ])('%s', (_label, err, what, expected) => {
    let thrown: unknown;
    try {
      translateWriteError(err, what);
    } catch (e) {
      thrown = e;
    }
    if (expected === 'same') {
      expect(thrown).toBe(err);
    } else {
      expect(thrown).toBeInstanceOf(ConflictError);
      expect(thrown).toMatchObject(expected);
    }
  });
});

describe('isTransactionsUnsupported', () => {
  const wrappedByDriver = new MongoServerError({
    message:
      'This MongoDB deployment does not support retryable writes. Please add retryWrites=false to your connection string.',
    errmsg:
      'This MongoDB deployment does not support retryable writes. Please add retryWrites=false to your connection string.',
    originalError: standalone(),
  });
  const writeConflict = new MongoServerError({ code: 112, codeName: 'WriteConflict', message: 'WriteConflict error' });
  writeConflict.addErrorLabel('TransientTransactionError');

  it.each<[string, unknown, boolean]>([
    ['standalone mongod, code 20', standalone(), true],
    ['the driver rewording it for a write', wrappedByDriver, true],
    [
      'MMAPv1 wording',
      new MongoServerError({
        code: 20,
        message: 'Transaction numbers are only allowed on storage engines that support document-level locking',
      }),
      true,
    ],
    ['no sessions', new MongoCompatibilityError('Current topology does not support sessions'), true],
    ['found through cause', new Error('wrapped', { cause: standalone() }), true],
    ['other IllegalOperation', new MongoServerError({ code: 20, message: 'cannot do that here' }), false],
    ['transient write conflict', writeConflict, false],
    ['domain error', new ConflictError('a business named "x" already exists'), false],
    ['plain string', 'Transaction numbers are only allowed on a replica set member or mongos', false],
    ['undefined', undefined, false],
  ])('%s', (_label, err, expected) => {
    expect(isTransactionsUnsupported(err)).toBe(expected);
  });
});

describe('isIndexBuildInProgress', () => {
  it.each<[string, unknown, boolean]>([
    ['code 285', new MongoServerError({ code: 285, codeName: 'IndexBuildAlreadyInProgress', message: 'x' }), true],
    ['code name only', { codeName: 'IndexBuildAlreadyInProgress' }, true],
    ['options conflict', new MongoServerError({ code: 85, codeName: 'IndexOptionsConflict', message: 'x' }), false],
    ['null', null, false],
  ])('%s', (_label, err, expected) => {
    expect(isIndexBuildInProgress(err)).toBe(expected);
  });
});

describe('describeMongoUrl', () => {
  it.each<[string, string | undefined, string]>([
    ['mongodb://127.0.0.1:27017', undefined, 'mongodb 127.0.0.1:27017/dbpatrol'],
    ['mongodb://mongo', undefined, 'mongodb mongo:27017/dbpatrol'],
    [
      'mongodb://user:s3cret@db.example.com:27018/patrol?authSource=admin',
      undefined,
      'mongodb db.example.com:27018/patrol',
    ],
    ['mongodb://user:s3cret%40x@mongo/dbpatrol?replicaSet=rs0', undefined, 'mongodb mongo:27017/dbpatrol'],
    ['mongodb://user@mongo:27017/', undefined, 'mongodb mongo:27017/dbpatrol'],
    ['mongodb://u:s3cret?/x@h1:1,h2:2,h3/app', undefined, 'mongodb h1:1,h2:2,h3:27017/app'],
    [
      'mongodb+srv://admin:s3cret@cluster0.example.net/prod?retryWrites=true',
      undefined,
      'mongodb+srv cluster0.example.net/prod',
    ],
    ['mongodb://[::1]:27017/x', undefined, 'mongodb [::1]:27017/x'],
    ['mongodb://[::1]/x', undefined, 'mongodb [::1]:27017/x'],
    ['mongodb://%2Ftmp%2Fmongodb-27017.sock/x', undefined, 'mongodb /tmp/mongodb-27017.sock/x'],
    ['mongodb://h:27017/from-url', 'from-options', 'mongodb h:27017/from-options'],
    ['mongodb://u:s3cret@evil@h/db', undefined, 'mongodb'],
    ['postgres://u:s3cret@h/db', undefined, 'mongodb'],
  ])('%s', (url, dbName, expected) => {
    const description = describeMongoUrl(url, dbName);
    expect(description).toBe(expected);
    expect(description).not.toContain('s3cret');
  });
});

describe('mongoDbNameFromUrl', () => {
  it.each<[string, string | undefined]>([
    ['mongodb://h:27017/dbpatrol?replicaSet=rs0', 'dbpatrol'],
    ['mongodb://u:p@h/my%20db', 'my db'],
    ['mongodb://h:27017/', undefined],
    ['mongodb://h:27017', undefined],
    ['mongodb://h:27017/?replicaSet=rs0', undefined],
    ['mongodb://h/%E0%A4%A', undefined],
  ])('%s', (url, expected) => {
    expect(mongoDbNameFromUrl(url)).toBe(expected);
  });
});
