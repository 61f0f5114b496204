import type { ErrorRequestHandler } from 'express';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  InputError,
  NotFoundError,
  PayloadTooLargeError,
  StoreUnavailableError,
  TargetUnreachableError,
  UnauthenticatedError,
  UnavailableError,
} from '../errors/domain-errors.js';
import type { Logger } from '../logging/logger.js';

type ErrorType = abstract new (...args: never[]) => DomainError;

/**
 * HTTP status per domain error type. A subclass takes its nearest mapped ancestor's status (DuplicateKeyError is a
 * ConflictError), so only a new error type with no mapped ancestor answers 500, and a test lists them all.
 */
export const STATUS_BY_TYPE: ReadonlyMap<ErrorType, number> = new Map<ErrorType, number>([
  [InputError, 400],
  [UnauthenticatedError, 401],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PayloadTooLargeError, 413],
  [TargetUnreachableError, 502],
  [UnavailableError, 503],
  [StoreUnavailableError, 503],
]);

/** The status of a domain error: its own type's, else its nearest mapped ancestor's, else 500. */
export function statusOf(err: DomainError): number {
  for (let proto: unknown = Object.getPrototypeOf(err); proto; proto = Object.getPrototypeOf(proto)) {
    const status = STATUS_BY_TYPE.get((proto as { constructor: ErrorType }).constructor);
    if (status !== undefined) return status;
  }
  return 500;
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/**
 * The one place errors become HTTP responses: `{ error: { code, message, details } }`; only 5xx are logged. An error
 * after the headers went out is passed on to Express, which ends the connection.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    let status: number;
    let body: { code: string; message: string; details?: unknown };
    const parserError = err as BodyParserError;
    if (err instanceof DomainError) {
      status = statusOf(err);
      body = { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) };
    } else if (parserError?.type === 'entity.too.large') {
      status = 413;
      body = {
        code: 'payload_too_large',
        message: `request body is larger than ${parserError.limit ?? 1048576} bytes`,
      };
    } else if (parserError?.type === 'entity.parse.failed') {
      status = 400;
      body = {
        code: 'invalid_input',
        message: 'body: is not valid JSON',
        details: [{ path: 'body', message: 'is not valid JSON' }],
      };
    } else if (err instanceof URIError && parserError.status === 400) {
      // The router could not percent-decode a path parameter (`%`, `%E0%A4%A`, `%FF`).
      status = 400;
      body = {
        code: 'invalid_input',
        message: 'params: is not valid percent-encoded UTF-8',
        details: [{ path: 'params', message: 'is not valid percent-encoded UTF-8' }],
      };
    } else if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
      status = 415;
      body = { code: 'unsupported_media_type', message: 'request body encoding is not supported' };
    } else {
      status = 500;
      body = { code: 'internal', message: 'internal error; see the server log' };
    }
    if (status >= 500) {
      logger.error({ err, method: req.method, path: req.path }, 'request failed');
    }
    // Too late for an error body: Express's final handler closes the connection, so the client sees the failure.
    if (res.headersSent) {
      next(err);
      return;
    }
    res.status(status).json({ error: body });
  };
}
