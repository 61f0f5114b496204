import type { ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

import { ALL, type DBPatrolQuery, type VariableQuery } from './types';

// Ids never hold control characters, so a multi-value variable can be joined with one and split again.
const SEPARATOR = '\u001f';
const joinValues = (value: unknown): string =>
  Array.isArray(value) ? value.map(String).join(SEPARATOR) : String(value);
// A multi-value variable in a single-value field is no single filter: it reads as "no filter".
const singleValue = (value: unknown): string =>
  Array.isArray(value) ? (value.length === 1 ? String(value[0]) : '') : String(value);

/** One filter value after interpolation; empty and "All" mean no filter. */
export function interpolateOne(
  templates: TemplateSrv,
  value: string | undefined,
  scopedVars?: ScopedVars
): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const out = templates.replace(value, scopedVars, singleValue).trim();
  return out === '' || out === ALL ? undefined : out;
}

/** A list filter after interpolation: multi-value variables expand; "All" anywhere means no filter. */
export function interpolateMany(
  templates: TemplateSrv,
  values: string[] | undefined,
  scopedVars?: ScopedVars
): string[] | undefined {
  if (!values) {
    return undefined;
  }
  const out = values
    .flatMap((v) => templates.replace(v, scopedVars, joinValues).split(SEPARATOR))
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (out.length === 0 || out.includes(ALL)) {
    return undefined;
  }
  return [...new Set(out)];
}

const defined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** A query as the backend receives it: variables replaced, empty filters dropped. */
export function interpolateQuery(templates: TemplateSrv, q: DBPatrolQuery, scopedVars?: ScopedVars): DBPatrolQuery {
  const { refId, queryType, limit } = q;
  return {
    refId,
    ...defined({
      queryType,
      limit,
      businessId: interpolateOne(templates, q.businessId, scopedVars),
      hostId: interpolateOne(templates, q.hostId, scopedVars),
      instanceIds: interpolateMany(templates, q.instanceIds, scopedVars),
      checkIds: interpolateMany(templates, q.checkIds, scopedVars),
      severity: interpolateMany(templates, q.severity, scopedVars),
      tier: interpolateOne(templates, q.tier, scopedVars),
      counter: interpolateOne(templates, q.counter, scopedVars),
    }),
  };
}

export function interpolateVariableQuery(
  templates: TemplateSrv,
  q: VariableQuery,
  scopedVars?: ScopedVars
): VariableQuery {
  return {
    refId: q.refId,
    kind: q.kind,
    ...defined({
      businessId: interpolateOne(templates, q.businessId, scopedVars),
      hostId: interpolateOne(templates, q.hostId, scopedVars),
    }),
  };
}
