import type { RequestHandler } from 'express';
import type { Actor } from './actor.js';
import type { Logger } from '../logging/logger.js';

/** One line per request: method, path (no query string), status, duration and the acting token. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const actor = res.locals.actor as Actor | undefined;
      logger.info(
        {
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
          ...(actor ? { actor: actor.name, ...(actor.grafanaUser ? { grafanaUser: actor.grafanaUser } : {}) } : {}),
        },
        'request',
      );
    });
    next();
  };
}
