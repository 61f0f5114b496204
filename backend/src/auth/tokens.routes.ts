import { z } from 'zod';
import { idParams, type ApiRouter } from '../http/api-router.js';
import { nameSchema } from '../inventory/inventory.schema.js';
import type { TokensService } from './tokens.service.js';
import { ROLES } from '../http/roles.js';
import { createdTokenOut, tokenOut } from './token.schema.js';

export function registerTokenRoutes(api: ApiRouter, tokens: TokensService): void {
  api.add({
    method: 'get',
    path: '/tokens',
    summary: 'List API tokens (never their secrets)',
    tag: 'tokens',
    role: 'admin',
    response: z.object({ items: z.array(tokenOut) }),
    handler: async () => ({ items: await tokens.list() }),
  });
  api.add({
    method: 'post',
    path: '/tokens',
    summary: 'Create an API token; the secret is in this response only',
    tag: 'tokens',
    role: 'admin',
    status: 201,
    body: z.strictObject({ name: nameSchema, role: z.enum(ROLES) }),
    response: createdTokenOut,
    handler: ({ body, actor }) => tokens.create(actor, body),
  });
  api.add({
    method: 'delete',
    path: '/tokens/:id',
    summary: 'Revoke an API token',
    tag: 'tokens',
    role: 'admin',
    params: idParams,
    response: null,
    handler: ({ params, actor }) => tokens.delete(actor, params.id),
  });
}
