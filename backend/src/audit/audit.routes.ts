import { z } from 'zod';
import type { ApiRouter } from '../http/api-router.js';
import type { AuditRepository } from '../store/store.js';
import { auditEntryOut } from './audit.schema.js';

const auditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.iso.datetime({ offset: true }).optional(),
  actor: z.string().optional(),
  action: z.string().optional(),
  targetType: z.string().optional(),
});

export function registerAuditRoutes(api: ApiRouter, audit: AuditRepository): void {
  api.add({
    method: 'get',
    path: '/audit',
    summary: 'List audit entries, newest first (page with `before` = the last entry’s `at`)',
    tag: 'audit',
    role: 'admin',
    query: auditQuery,
    response: z.object({ items: z.array(auditEntryOut) }),
    handler: async ({ query }) => ({
      items: await audit.list({ ...query, ...(query.before ? { before: new Date(query.before).toISOString() } : {}) }),
    }),
  });
}
