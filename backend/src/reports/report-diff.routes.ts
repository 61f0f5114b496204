import { z } from 'zod';
import { SEVERITIES } from '../checks/check.types.js';
import { InputError, NotFoundError } from '../errors/domain-errors.js';
import { idParams, type ApiRouter } from '../http/api-router.js';
import type { Store } from '../store/store.js';
import { diffReports, toHistoryEntry, type HistoryEntry } from './report-diff.js';

/** How many earlier reports are walked to date a persisting finding. */
export const DIFF_HISTORY_LIMIT = 100;

const texts = z.union([z.string(), z.object({ en: z.string(), zh: z.string() })]);
const waived = z.object({ waiverId: z.string(), owner: z.string(), reason: z.string(), expiresAt: z.string() });
const diffFinding = z.object({
  checkId: z.string(),
  catalogRef: z.string(),
  severity: z.enum(SEVERITIES),
  object: z.string(),
  database: z.string().optional(),
  message: texts,
  waived: waived.optional(),
});
const reportRef = z.object({ id: z.string(), startedAt: z.string(), tier: z.string() });

export const reportDiffOut = z.object({
  report: reportRef,
  /** The report compared against; null when the instance had no earlier report of this tier. */
  against: reportRef.nullable(),
  new: z.array(diffFinding),
  persisting: z.array(
    diffFinding.extend({
      since: z.string(),
      sinceReportId: z.string().optional(),
      runs: z.number(),
      previousSeverity: z.enum(SEVERITIES).optional(),
    }),
  ),
  resolved: z.array(diffFinding),
  notInspected: z.array(
    z.object({
      checkId: z.string(),
      catalogRef: z.string(),
      status: z.enum(['error', 'skipped']),
      reason: texts.optional(),
      previousStatus: z.enum(['pass', 'fail']),
    }),
  ),
  counts: z.object({
    new: z.number(),
    persisting: z.number(),
    resolved: z.number(),
    notInspected: z.number(),
    waived: z.number(),
  }),
});

export function registerReportDiffRoutes(api: ApiRouter, store: Pick<Store, 'reports' | 'reportHistory'>): void {
  api.add({
    method: 'get',
    path: '/reports/:id/diff',
    summary:
      'What changed since an earlier report of the same instance (default: the previous one of the same tier): ' +
      'findings new, persisting (open since, runs), resolved, and checks not inspected this time',
    tag: 'reports',
    role: 'viewer',
    params: idParams,
    query: z.strictObject({ against: z.string().min(1).max(200).optional() }),
    response: reportDiffOut,
    handler: async ({ params, query }) => {
      const current = await store.reports.get(params.id);
      if (!current) throw new NotFoundError(`no report with id ${params.id}`);
      let previous = null;
      if (query.against !== undefined) {
        previous = await store.reports.get(query.against);
        if (!previous) throw InputError.field('against', `no report with id ${query.against}`);
        if (previous.instanceId !== current.instanceId) {
          throw InputError.field('against', 'is a report of another instance');
        }
        if (previous.id === current.id) throw InputError.field('against', 'is the report itself');
      } else {
        previous = await store.reports.latest(current.instanceId, current.tier, current.startedAt);
      }
      let history: HistoryEntry[] | undefined;
      if (previous) {
        const older = await store.reportHistory.findingKeys(
          previous.instanceId,
          previous.tier,
          previous.startedAt,
          DIFF_HISTORY_LIMIT - 1,
        );
        history = [toHistoryEntry(previous), ...older];
      }
      const ref = (r: typeof current) => ({ id: r.id, startedAt: r.startedAt, tier: r.tier });
      return {
        report: ref(current),
        against: previous ? ref(previous) : null,
        ...diffReports(current, previous, history),
      };
    },
  });
}
