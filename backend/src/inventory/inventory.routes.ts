import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../errors/domain-errors.js';
import { idParams, present, type ApiRouter, type HandlerResult } from '../http/api-router.js';
import { zodIssuesToDetails } from '../http/zod-issues.js';
import { inventoryDocument } from './inventory-document.js';
import { inventoryExport } from './inventory-document.js';
import {
  businessInput,
  businessOut,
  businessPatch,
  connectionTestOut,
  engineSchema,
  hostInput,
  hostOut,
  hostPatch,
  importSummaryOut,
  instanceInput,
  instanceOut,
  instancePatch,
} from './inventory.schema.js';
import type { InventoryService } from './inventory.service.js';
import type { Actor } from '../http/actor.js';

/** `?label=env:prod&label=tier:gold` → `{ env: 'prod', tier: 'gold' }`. */
const labelQuery = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value, ctx) => {
    const labels: Record<string, string> = {};
    for (const item of value === undefined ? [] : [value].flat()) {
      const at = item.indexOf(':');
      if (at < 1) {
        ctx.addIssue({ code: 'custom', message: `"${item}" must be key:value` });
        return z.NEVER;
      }
      labels[item.slice(0, at)] = item.slice(at + 1);
    }
    return labels;
  });

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

interface CrudSpec<I, U, O extends z.ZodType> {
  kind: string;
  plural: string;
  input: z.ZodType<I>;
  patch: z.ZodType<U>;
  out: O;
  get: (id: string) => Promise<HandlerResult<O>>;
  create: (actor: Actor, body: I) => Promise<HandlerResult<O>>;
  update: (actor: Actor, id: string, body: U) => Promise<HandlerResult<O>>;
  remove: (actor: Actor, id: string) => Promise<void>;
}

function crud<I, U, O extends z.ZodType>(api: ApiRouter, o: CrudSpec<I, U, O>): void {
  const tag = 'inventory';
  const { kind, plural } = o;
  api.add({
    method: 'get',
    path: `/${plural}/:id`,
    summary: `Get a ${kind}`,
    tag,
    role: 'viewer',
    params: idParams,
    response: o.out,
    handler: ({ params }) => o.get(params.id),
  });
  api.add({
    method: 'post',
    path: `/${plural}`,
    summary: `Create a ${kind}`,
    tag,
    role: 'admin',
    status: 201,
    body: o.input,
    response: o.out,
    handler: ({ actor, body }) => o.create(actor, body),
  });
  api.add({
    method: 'patch',
    path: `/${plural}/:id`,
    summary: `Update a ${kind} (only the fields sent; null clears an optional field)`,
    tag,
    role: 'admin',
    params: idParams,
    body: o.patch,
    response: o.out,
    handler: ({ actor, params, body }) => o.update(actor, params.id, body),
  });
  api.add({
    method: 'delete',
    path: `/${plural}/:id`,
    summary: `Delete a ${kind} (refused while it has children)`,
    tag,
    role: 'admin',
    params: idParams,
    response: null,
    handler: ({ actor, params }) => o.remove(actor, params.id),
  });
}

export function registerInventoryRoutes(api: ApiRouter, inventory: InventoryService): void {
  const tag = 'inventory';
  api.add({
    method: 'get',
    path: '/businesses',
    summary: 'List businesses',
    tag,
    role: 'viewer',
    response: list(businessOut),
    handler: async () => ({ items: await inventory.listBusinesses() }),
  });
  crud(api, {
    kind: 'business',
    plural: 'businesses',
    input: businessInput,
    patch: businessPatch,
    out: businessOut,
    get: (id) => inventory.getBusiness(id),
    create: (actor, body) => inventory.createBusiness(actor, body),
    update: (actor, id, body) => inventory.updateBusiness(actor, id, body),
    remove: (actor, id) => inventory.deleteBusiness(actor, id),
  });

  api.add({
    method: 'get',
    path: '/hosts',
    summary: 'List hosts, optionally of one business or with labels (`label=key:value`, repeatable)',
    tag,
    role: 'viewer',
    query: z.strictObject({ businessId: z.string().optional(), label: labelQuery }),
    response: list(hostOut),
    handler: async ({ query }) => ({
      items: await inventory.listHosts({
        ...(query.businessId ? { businessId: query.businessId } : {}),
        labels: query.label,
      }),
    }),
  });
  crud(api, {
    kind: 'host',
    plural: 'hosts',
    input: hostInput,
    patch: hostPatch,
    out: hostOut,
    get: (id) => inventory.getHost(id),
    create: (actor, body) => inventory.createHost(actor, body),
    update: (actor, id, body) => inventory.updateHost(actor, id, body),
    remove: (actor, id) => inventory.deleteHost(actor, id),
  });

  api.add({
    method: 'get',
    path: '/instances',
    summary: 'List instances, filtered by business, host, engine or labels (`label=key:value`, repeatable)',
    tag,
    role: 'viewer',
    query: z.strictObject({
      businessId: z.string().optional(),
      hostId: z.string().optional(),
      engine: engineSchema.optional(),
      label: labelQuery,
    }),
    response: list(instanceOut),
    handler: async ({ query }) => ({
      items: await inventory.listInstances({
        ...(query.businessId ? { businessId: query.businessId } : {}),
        ...(query.hostId ? { hostId: query.hostId } : {}),
        ...(query.engine ? { engine: query.engine } : {}),
        labels: query.label,
      }),
    }),
  });
  crud(api, {
    kind: 'instance',
    plural: 'instances',
    input: instanceInput,
    patch: instancePatch,
    out: instanceOut,
    get: (id) => inventory.getInstance(id),
    create: (actor, body) => inventory.createInstance(actor, body),
    update: (actor, id, body) => inventory.updateInstance(actor, id, body),
    remove: (actor, id) => inventory.deleteInstance(actor, id),
  });
  api.add({
    method: 'post',
    path: '/instances/:id/test',
    summary:
      'Connect to an instance with its stored credentials and report engine, version, role and missing privileges',
    tag,
    role: 'editor',
    params: idParams,
    response: connectionTestOut,
    handler: ({ actor, params }) => inventory.testInstance(actor, params.id),
  });

  api.add({
    method: 'get',
    path: '/inventory/export',
    summary: 'Export the inventory as YAML (default) or JSON; passwords are never exported',
    tag,
    role: 'admin',
    query: z.strictObject({ format: z.enum(['yaml', 'json']).default('yaml') }),
    response: inventoryExport,
    responseMediaType: 'application/yaml',
    handler: async ({ query, res }) => {
      const doc = await inventory.exportDocument();
      if (query.format === 'json') return doc;
      res
        .type('application/yaml')
        .send(stringifyYaml(present({ method: 'get', path: '/inventory/export', response: inventoryExport }, doc)));
      return undefined;
    },
  });
  api.add({
    method: 'post',
    path: '/inventory/import',
    summary: 'Import an inventory document (YAML or JSON): upsert by name, all or nothing; `dryRun=true` only plans',
    tag,
    role: 'admin',
    query: z.strictObject({ dryRun: z.enum(['true', 'false']).default('false') }),
    body: z.unknown(),
    bodyMediaTypes: ['application/yaml'],
    response: importSummaryOut,
    handler: async ({ actor, query, body }) => {
      const doc = inventoryDocument.safeParse(typeof body === 'string' ? parseYamlBody(body) : body);
      if (!doc.success) {
        const details = zodIssuesToDetails(doc.error.issues);
        throw new InputError(details.map((d) => (d.path === '' ? { ...d, path: 'body' } : d)));
      }
      return inventory.importDocument(actor, doc.data, query.dryRun === 'true');
    },
  });
}

export function parseYamlBody(text: string): unknown {
  try {
    return parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw InputError.field('body', `is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}
