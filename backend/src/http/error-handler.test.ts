import express, { type NextFunction, type Request, type Response } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as domainErrors from '../errors/domain-errors.js';
import { DomainError } from '../errors/domain-errors.js';
import { createLogger } from '../logging/logger.js';
import { errorHandler, statusOf } from './error-handler.js';

/** Every class `errors/domain-errors.ts` exports that is a concrete domain error. */
type ErrorType = abstract new (...args: never[]) => DomainError;
const errorTypes = (Object.entries(domainErrors) as [string, unknown][]).filter(
  (entry): entry is [string, ErrorType] =>
    typeof entry[1] === 'function' && (entry[1] as { prototype: unknown }).prototype instanceof DomainError,
);

/** Error types that are meant to answer 500 (none today): add one here only deliberately. */
const MEANT_TO_BE_500: string[] = [];

const instanceOf = (type: ErrorType): DomainError => Object.create(type.prototype) as DomainError;

describe('status of domain errors', () => {
  it('finds the exported error types', () => {
    expect(errorTypes.map(([name]) => name)).toEqual(
      expect.arrayContaining(['InputError', 'NotFoundError', 'ConflictError', 'StoreUnavailableError']),
    );
  });

  it.each(errorTypes.map(([name, type]) => [name, type] as const))('%s has a status of its own', (name, type) => {
    const status = statusOf(instanceOf(type));
    if (MEANT_TO_BE_500.includes(name)) expect(status).toBe(500);
    else expect(status).not.toBe(500);
  });

  it.each([
    [new domainErrors.InputError([{ path: 'port', message: 'must be ≤ 65535' }]), 400],
    [new domainErrors.NotFoundError('no'), 404],
    [new domainErrors.ConflictError('taken'), 409],
    [new domainErrors.DuplicateKeyError('taken first'), 409],
    [new domainErrors.TargetUnreachableError('refused'), 502],
    [new domainErrors.StoreUnavailableError('down'), 503],
  ])('%s → %i', (err, status) => {
    expect(statusOf(err)).toBe(status);
  });

  it('answers 500 for a domain error type nobody mapped', () => {
    class NewKindError extends DomainError {
      readonly code = 'new_kind';
    }
    expect(statusOf(new NewKindError('x'))).toBe(500);
  });
});

describe('errors after the headers were sent', () => {
  const logs: string[] = [];
  const logger = createLogger({
    level: 'error',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    app.get('/half', (_req: Request, res: Response, next: NextFunction) => {
      res.status(200).type('text/plain').write('first half, ');
      next(new Error('broke half way'));
    });
    app.get('/missing', (_req: Request, _res: Response, next: NextFunction) => {
      next(new domainErrors.NotFoundError('no such thing'));
    });
    app.use(errorHandler(logger));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server?.close();
    server?.closeAllConnections();
  });

  it('passes the error on, so the connection ends instead of hanging', async () => {
    const res = await fetch(`${base}/half`, { signal: AbortSignal.timeout(20_000) });
    expect(res.status).toBe(200);
    const read = res.text().then(
      () => 'completed',
      (err: Error) => err.name,
    );
    // A body that ends normally would pretend the half was all; a timeout would mean the response hung.
    await expect(read).resolves.toBe('TypeError');
    expect(logs.join('')).toContain('broke half way');
  });

  it('still answers errors before the headers with the error body', async () => {
    const res = await fetch(`${base}/missing`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'no such thing' } });
  });
});
