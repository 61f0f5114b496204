import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { ForbiddenError, InputError } from '../errors/domain-errors.js';
import { roleAtLeast, type Role } from './roles.js';
import type { Actor } from './actor.js';
import { zodIssuesToDetails } from './zod-issues.js';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  actor: Actor;
  req: Request;
  res: Response;
}

/** One REST operation: its schemas validate input and also produce the OpenAPI document. */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  method: Method;
  /** Express path below /api/v1, e.g. `/instances/:id/test`. */
  path: string;
  summary: string;
  tag: string;
  role: Role;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Media types accepted besides JSON (documented only; parsing is set up in the app). */
  bodyMediaTypes?: string[];
  response?: z.ZodType;
  responseMediaType?: string;
  status?: number;
  handler: (input: HandlerInput<P, Q, B>) => Promise<unknown>;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(zodIssuesToDetails(result.error.issues, where === 'body' ? [] : [where]));
  }
  return result.data;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any>;

export class ApiRouter {
  readonly routes: AnyRouteSpec[] = [];

  add<P, Q, B>(spec: RouteSpec<P, Q, B>): void {
    this.routes.push(spec);
  }

  /** Builds the express router; `res.locals.actor` must be set by the auth middleware before it. */
  build(): express.Router {
    const router = express.Router();
    for (const spec of this.routes) {
      router[spec.method](spec.path, async (req: Request, res: Response) => {
        const actor = res.locals.actor as Actor;
        if (!roleAtLeast(actor.role, spec.role)) {
          throw new ForbiddenError(`this needs the ${spec.role} role; token "${actor.name}" has ${actor.role}`);
        }
        const params = parse(spec.params, req.params, 'params');
        const query = parse(spec.query, req.query ?? {}, 'query');
        const body = parse(spec.body, spec.body && req.body === undefined ? {} : req.body, 'body');
        const result = await spec.handler({ params, query, body, actor, req, res });
        if (res.headersSent) return;
        if (result === undefined) res.status(spec.status ?? 204).end();
        else res.status((res.locals.status as number | undefined) ?? spec.status ?? 200).json(result);
      });
    }
    return router;
  }
}

/** Path parameter `:id` as used by most routes. */
export const idParams = z.object({ id: z.string().min(1).max(200) });
