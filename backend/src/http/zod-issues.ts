import type { z } from 'zod';
import type { IssueDetail } from '../errors/domain-errors.js';

const ARTICLE: Record<string, string> = { object: 'an object', array: 'an array', integer: 'an integer' };

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined$/.test(issue.message)
        ? 'is required'
        : `must be ${ARTICLE[issue.expected] ?? `a ${issue.expected}`}`;
    case 'invalid_key':
      return issue.issues[0] ? `key: ${describe(issue.issues[0])}` : issue.message;
    case 'too_big':
      return issue.message.startsWith('Too big') ? `must be ≤ ${String(issue.maximum)}` : issue.message;
    case 'too_small':
      return issue.message.startsWith('Too small') ? `must be ≥ ${String(issue.minimum)}` : issue.message;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/** Turns zod issues into `{ path, message }` pairs with dotted paths (`tls.mode`, `instances.0.port`). */
export function zodIssuesToDetails(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly (string | number)[] = [],
): IssueDetail[] {
  const out: IssueDetail[] = [];
  for (const issue of issues) {
    const base = [...prefix, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p.description) : p))];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...base, key].join('.'), message: 'is not a known field' });
    } else {
      out.push({ path: base.join('.'), message: describe(issue) });
    }
  }
  return out;
}
