import type { RequestHandler } from 'express';
import { UnauthenticatedError } from '../errors/domain-errors.js';
import type { Actor } from '../http/actor.js';
import type { TokenRepository } from '../store/store.js';
import { hashToken, sameSecret } from './token-secret.js';

export interface AuthOptions {
  tokens: TokenRepository;
  /** `DBPATROL_API_TOKEN`: an admin token accepted in addition to stored ones. */
  envToken?: string;
  now?: () => Date;
}

const USED_EVERY_MS = 60_000;

function grafanaUser(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const printable = [...value].filter((ch) => ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) !== 0x7f).join('');
  const clean = printable.trim().slice(0, 256);
  return clean ? clean : undefined;
}

/** Requires `Authorization: Bearer <token>`; sets `res.locals.actor`. */
export function authenticate(options: AuthOptions): RequestHandler {
  const lastMarked = new Map<string, number>();
  const now = options.now ?? (() => new Date());
  return async (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) {
      throw new UnauthenticatedError('missing bearer token: send Authorization: Bearer <token>');
    }
    const secret = match[1];
    let actor: Actor | undefined;
    if (options.envToken && sameSecret(secret, options.envToken)) {
      actor = { name: 'DBPATROL_API_TOKEN', role: 'admin' };
    } else {
      const record = await options.tokens.findByHash(hashToken(secret));
      if (record) {
        actor = { tokenId: record.id, name: record.name, role: record.role };
        const at = now();
        if ((lastMarked.get(record.id) ?? 0) + USED_EVERY_MS < at.getTime()) {
          lastMarked.set(record.id, at.getTime());
          await options.tokens.markUsed(record.id, at.toISOString());
        }
      }
    }
    if (!actor) throw new UnauthenticatedError('invalid or revoked token');
    const user = grafanaUser(req.headers['x-grafana-user']);
    res.locals.actor = user ? { ...actor, grafanaUser: user } : actor;
    next();
  };
}
