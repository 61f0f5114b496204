import type { ErrorRequestHandler } from 'express';
import { DomainError } from '../errors/domain-errors.js';
import type { Logger } from '../logging/logger.js';

const STATUS: Record<string, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unavailable: 503,
  store_unavailable: 503,
  target_unreachable: 502,
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** The one place errors become HTTP responses: `{ error: { code, message, details } }`; only 5xx are logged. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status: number;
    let body: { code: string; message: string; details?: unknown };
    const parserError = err as BodyParserError;
    if (err instanceof DomainError) {
      status = STATUS[err.code] ?? 500;
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
    if (res.headersSent) return;
    res.status(status).json({ error: body });
  };
}
