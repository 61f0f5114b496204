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

/** What a route sends: a zod schema that is also its presenter, or `null` for no body (204 unless `status`). */
export type ResponseSchema = z.ZodType | null;

/** What a handler may return for its response schema; undefined when it has sent the response itself. */
export type HandlerResult<R extends ResponseSchema> = R extends z.ZodType ? z.input<R> | undefined : void;

/** One REST operation: its schemas validate input, present output and produce the OpenAPI document. */
export interface RouteSpec<P = unknown, Q = unknown, B = unknown, R extends ResponseSchema = ResponseSchema> {
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
  /**
   * The presenter: the handler's result is parsed through it and unknown keys are dropped, so the client gets exactly
   * what the OpenAPI document says. `null` declares a route that answers without a body.
   */
  response: R;
  /** Another media type the handler may send itself (e.g. YAML) with the same schema; documented beside JSON. */
  responseMediaType?: string;
  /** Media types of files the handler sends itself (exports); documented beside JSON with the same schema. */
  responseMediaTypes?: string[];
  status?: number;
  handler: (input: HandlerInput<P, Q, B>) => Promise<HandlerResult<R>>;
}

/** The dotted path of the first string (or key) holding a NUL character, which no store can keep in text. */
function nulPath(value: unknown, at: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? at : undefined;
  if (!value || typeof value !== 'object' || depth > 64) return undefined;
  for (const [k, v] of Object.entries(value)) {
    const here = at ? `${at}.${k}` : k;
    if (k.includes('\u0000')) return here;
    const found = nulPath(v, here, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  const nul = nulPath(value, where === 'body' ? '' : where);
  if (nul !== undefined) throw InputError.field(nul || where, 'must not contain a NUL character');
  if (!schema) return value as T;
  const result = schema.safeParse(value);
  if (!result.success) {
    const details = zodIssuesToDetails(result.error.issues, where === 'body' ? [] : [where]);
    // A body that is not an object at all (null, a string, an array) is named `body`, never an empty path.
    throw new InputError(details.map((d) => (d.path === '' ? { ...d, path: where } : d)));
  }
  return result.data;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRouteSpec = RouteSpec<any, any, any, any>;

/**
 * Parses a handler's result through the route's response schema. A result that does not fit is a bug on our side: it
 * becomes a 500 (logged with the paths that failed, never the values), not a response that differs from the document.
 */
export function present(spec: Pick<AnyRouteSpec, 'method' | 'path' | 'response'>, result: unknown): unknown {
  const schema = spec.response as ResponseSchema;
  if (schema === null) return undefined;
  const parsed = schema.safeParse(result);
  if (parsed.success) return parsed.data;
  const paths = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`).join('; ');
  throw new Error(`response of ${spec.method.toUpperCase()} ${spec.path} does not fit its schema (${paths})`);
}

export class ApiRouter {
  readonly routes: AnyRouteSpec[] = [];

  add<P, Q, B, R extends ResponseSchema>(spec: RouteSpec<P, Q, B, R>): void {
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
        const result: unknown = await spec.handler({ params, query, body, actor, req, res });
        if (res.headersSent) return;
        const status = res.locals.status as number | undefined;
        if (spec.response === null || result === undefined) res.status(status ?? spec.status ?? 204).end();
        else res.status(status ?? spec.status ?? 200).json(present(spec, result));
      });
    }
    return router;
  }
}

/** Path parameter `:id` as used by most routes. */
export const idParams = z.object({ id: z.string().min(1).max(200) });
