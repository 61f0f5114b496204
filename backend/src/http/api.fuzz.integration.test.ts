import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type CallOptions } from '../test/api-harness.js';

/**
 * Property-based fuzzing of every operation of the OpenAPI document on a real API (PostgreSQL store): for each operation
 * a seeded generator derives a plausible request from the document, then sends it mutated — wrong types, nulls, huge
 * and odd strings (unicode, lone surrogates, NUL, 1 MB), broken JSON, wrong content types, odd path and query values.
 * The properties: never a 5xx, and every 400 has the error shape with details naming the field path. The seed is
 * printed in each failure so a case can be replayed (`FUZZ_SEED=…`).
 */

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  $ref?: string;
  format?: string;
  minimum?: number;
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const SEED = Number(process.env.FUZZ_SEED ?? 20261206);
const CASES_PER_OPERATION = Number(process.env.FUZZ_CASES ?? 16);

/** mulberry32: small, seeded, good enough to pick cases. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MB = 'x'.repeat(1024 * 1024);
const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '𝕏𝕐ℤ🙂'.repeat(300),
  '数据库巡检',
  'ÿ\u00ad\u200b\u202e',
  "'; DROP TABLE reports; --",
  '../../../etc/passwd',
  '%',
  '%00',
  '${x}',
  '<script>alert(1)</script>',
  'a'.repeat(70_000),
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '2026-13-45T99:99:99Z',
  '00000000-0000-4000-8000-000000000000',
];
const WRONG_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  true,
  false,
  [],
  [null],
  {},
  { $gt: '' },
  { __proto__: { polluted: true } },
  ...ODD_STRINGS,
];
/** Path segments: URL-encoded where needed; some are invalid escapes or decode to NUL. */
const ODD_SEGMENTS = [
  '%00',
  '%FF',
  '%E0%A4%A',
  '%',
  '..',
  '%2E%2E%2F',
  encodeURIComponent('数据库'),
  encodeURIComponent('🙂'),
  'a'.repeat(4000),
  '-1',
  '0',
  '1e309',
  'null',
  '%20',
  encodeURIComponent("' OR 1=1 --"),
  '00000000-0000-4000-8000-000000000000',
  'ZZZZZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZZZZZZZZZ',
];
const ODD_QUERY = [
  '',
  '%00',
  '%FF',
  '%',
  '-1',
  '99999999999999999999999',
  '1e309',
  'NaN',
  encodeURIComponent('数据库'),
  'a'.repeat(4000),
  'true',
  '2026-13-45',
];
const BROKEN_BODIES: { raw: string; type?: string }[] = [
  { raw: '{' },
  { raw: '{"a":' },
  { raw: 'null' },
  { raw: '[]' },
  { raw: '"a string"' },
  { raw: '1e999' },
  { raw: 'true' },
  { raw: '{"a":1,}' },
  { raw: '\u0000' },
  { raw: '['.repeat(5000) + ']'.repeat(5000) },
  { raw: `{"x":"${MB}"}` },
  { raw: '{"a":1}', type: 'text/plain' },
  { raw: '<a>1</a>', type: 'application/xml' },
  { raw: 'a=1&b=2', type: 'application/x-www-form-urlencoded' },
  { raw: '--b\r\n\r\n', type: 'multipart/form-data; boundary=b' },
  { raw: '{"a":1}', type: 'application/json; charset=latin1' },
  { raw: '{"a":1}', type: 'application/json; charset=utf-16' },
  { raw: 'a: [1', type: 'application/yaml' },
  { raw: '{}', type: 'application/octet-stream' },
];

function resolve(doc: OpenApi, s: Schema | undefined): Schema {
  if (!s) return {};
  if (s.$ref) return resolve(doc, doc.components?.schemas?.[s.$ref.split('/').pop()!]);
  if (s.allOf?.length) return s.allOf.reduce<Schema>((acc, p) => ({ ...acc, ...resolve(doc, p) }), {});
  const alt = s.anyOf ?? s.oneOf;
  if (alt?.length) return resolve(doc, alt.find((a) => a.type !== 'null') ?? alt[0]);
  return s;
}

/** A plausible value for a schema (the fuzzer mutates from here, so deep fields get reached). */
function sample(doc: OpenApi, schema: Schema | undefined, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (s.enum?.length) return s.enum[0];
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  if (type === 'object' || s.properties) {
    if (depth > 4) return {};
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(doc, v, depth + 1)]));
  }
  if (type === 'array') return depth > 4 ? [] : [sample(doc, s.items, depth + 1)];
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return true;
  if (s.format === 'date-time') return new Date().toISOString();
  if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
  return 'fuzz';
}

/** Every JSON path of a value (dotted), so one field at any depth can be replaced. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function replaced(value: unknown, at: (string | number)[], by: unknown): unknown {
  if (at.length === 0) return by;
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) }; // eslint-disable-line @typescript-eslint/no-explicit-any
  const [head, ...rest] = at as [string | number, ...(string | number)[]];
  copy[head] = replaced(copy[head], rest, by);
  return copy;
}

interface Case {
  label: string;
  route: string;
  options: CallOptions;
}

function cases(doc: OpenApi, method: string, template: string, op: Operation, next: () => number): Case[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
  const jsonSchema = op.requestBody?.content['application/json']?.schema;
  const base = jsonSchema ? sample(doc, jsonSchema) : undefined;
  const fillPath = (odd?: string) =>
    template.replace(/\{([^}]+)\}/g, (_m, name: string) =>
      odd !== undefined && (pathParams.length === 1 || next() < 0.6)
        ? odd
        : name === 'scope'
          ? 'instance'
          : '00000000-0000-4000-8000-000000000000',
    );
  const baseQuery = () =>
    queryParams.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(sample(doc, p.schema)))}`);
  const out: Case[] = [];
  const withBody = (label: string, route: string, body: unknown): Case =>
    jsonSchema ? { label, route, options: { body } } : { label, route, options: {} };

  out.push(withBody('plausible request', fillPath() + (baseQuery().length ? `?${baseQuery().join('&')}` : ''), base));
  for (let i = 0; i < CASES_PER_OPERATION; i++) {
    const kind = next();
    if (pathParams.length && kind < 0.2) {
      const odd = pick(ODD_SEGMENTS);
      out.push(withBody(`path param ${JSON.stringify(odd.slice(0, 30))}`, fillPath(odd), base));
    } else if (queryParams.length && kind < 0.4) {
      const p = pick(queryParams);
      const v = pick(ODD_QUERY);
      const style = next();
      const q =
        style < 0.2
          ? `${p.name}=${v}&${p.name}=${v}` // repeated: an array
          : style < 0.35
            ? `${p.name}[a]=${v}` // nested: an object
            : style < 0.45
              ? `${p.name}` // no value
              : `${p.name}=${v}`;
      out.push(withBody(`query ${q.slice(0, 60)}`, `${fillPath()}?${q}`, base));
    } else if (jsonSchema && kind < 0.55) {
      const b = pick(BROKEN_BODIES);
      out.push({
        label: `raw body ${JSON.stringify(b.raw.slice(0, 20))} as ${b.type ?? 'application/json'}`,
        route: fillPath(),
        options: { rawBody: b.raw, contentType: b.type ?? 'application/json' },
      });
    } else if (jsonSchema) {
      const at = pick(paths(base));
      const by = pick(WRONG_VALUES);
      const mutated = next() < 0.15 ? replaced(base, at, MB) : replaced(base, at, by);
      const extra = next() < 0.15 ? { ...(mutated as object), ['\u0000odd' + pick(ODD_STRINGS)]: 1 } : mutated;
      out.push(withBody(`body ${at.join('.') || '(root)'} := ${JSON.stringify(by)?.slice(0, 30)}`, fillPath(), extra));
    } else {
      // No body documented: send one anyway, odd headers included.
      const b = pick(BROKEN_BODIES);
      const junk = pick([
        '__proto__[x]=1',
        'constructor[prototype][x]=1',
        'a[b][c][d][e][f]=1',
        '%00=%00',
        'x=' + '数'.repeat(500),
      ]);
      if (method === 'GET') {
        out.push({
          label: `unknown query ${junk.slice(0, 30)}`,
          route: `${fillPath()}?${junk}`,
          options: { headers: { accept: pick(['text/html', '*/*;q=x', 'application/xml', '\u00ff/\u00ff', '']) } },
        });
        continue;
      }
      out.push({
        label: `unexpected body ${JSON.stringify(b.raw.slice(0, 20))}`,
        route: fillPath(),
        options: {
          rawBody: b.raw,
          contentType: b.type ?? 'application/json',
          headers: { accept: pick(['text/html', '*/*;q=x', 'application/xml', '\u00ff/\u00ff', '']) },
        },
      });
    }
  }
  return out;
}

describe('fuzzing every operation of the OpenAPI document', () => {
  let api: ApiHarness;
  let doc: OpenApi;

  beforeAll(async () => {
    api = await startApiHarness();
    doc = (await api.call('GET', '/api/v1/openapi.json')).body as OpenApi;
  }, 60_000);
  afterAll(() => api?.close());

  it('never answers 5xx, and every 400 names the field path', { timeout: 120_000 }, async () => {
    const next = rng(SEED);
    const failures: string[] = [];
    let sent = 0;
    const started = Date.now();
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const c of cases(doc, method.toUpperCase(), template, op, next)) {
          const where = `[seed ${SEED}] ${method.toUpperCase()} ${template} ${c.label}`;
          let res;
          try {
            res = await api.call(method.toUpperCase(), `/api/v1${c.route}`, c.options);
          } catch {
            // A keep-alive socket the server closed just as the request went out: once more on a fresh one.
            try {
              res = await api.call(method.toUpperCase(), `/api/v1${c.route}`, c.options);
            } catch (err) {
              const cause = (err as { cause?: Error }).cause?.message ?? '';
              failures.push(`${where}: request failed (${(err as Error).message} ${cause})`);
              continue;
            }
          }
          sent++;
          if (res.status >= 500) failures.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
          if (res.status === 400) {
            const details = res.body?.error?.details as { path?: unknown; message?: unknown }[] | undefined;
            const named =
              typeof res.body?.error?.code === 'string' &&
              Array.isArray(details) &&
              details.length > 0 &&
              details.every((d) => typeof d.path === 'string' && d.path !== '' && typeof d.message === 'string');
            if (!named) failures.push(`${where}: 400 without field paths ${res.text.slice(0, 200)}`);
          }
        }
      }
    }
    // The process logged no unhandled 5xx either.
    const errors = api.logs.filter((l) => /"level":(50|60)/.test(l));
    expect({ failures: [...new Set(failures)].slice(0, 40), count: failures.length }).toEqual({
      failures: [],
      count: 0,
    });
    expect(errors.map((e) => e.slice(0, 300))).toEqual([]);
    expect(sent).toBeGreaterThan(Object.keys(doc.paths).length * 10);
    console.info(`fuzz: ${sent} requests in ${Date.now() - started} ms (seed ${SEED})`);
  });
});
