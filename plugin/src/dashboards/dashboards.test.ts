import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

import appJson from '../plugin.json';
import datasourceJson from '../datasource/plugin.json';
import { ANNOTATIONS, QUERY_TYPES, VARIABLE_KINDS } from '../datasource/types';

interface Ref {
  type?: string;
  uid?: string;
}
interface Target extends Record<string, unknown> {
  refId: string;
  datasource?: Ref;
  queryType?: string;
}
interface Panel {
  id: number;
  title: string;
  type: string;
  datasource?: Ref;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Variable {
  name: string;
  type: string;
  query?: unknown;
  datasource?: Ref;
  includeAll?: boolean;
  allValue?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations: { list: Array<{ name: string; datasource: Ref; target?: Target; builtIn?: number }> };
}

const DIR = __dirname;
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const load = (file: string) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Dashboard;
const DS_TYPE = datasourceJson.id;
const DS_REF = { type: DS_TYPE, uid: '${datasource}' };

/** Variable names a value mentions: `$name`, `${name}`, `${name:format}`. */
const referenced = (value: unknown): string[] =>
  [...JSON.stringify(value).matchAll(/\$\{?(\w+)/g)].map((m) => m[1]!).filter((n) => !n.startsWith('__'));

describe('the plugin’s dashboards', () => {
  it('are the three of the design, each included by the app plugin', () => {
    expect(files.sort()).toEqual(['fleet-overview.json', 'instance-detail.json', 'schedules-and-runs.json']);
    const included = appJson.includes.filter((i) => i.type === 'dashboard').map((i) => i.path);
    expect(included.sort()).toEqual(files.map((f) => `dashboards/${f}`).sort());
    expect(files.map((f) => load(f).title)).toEqual(
      expect.arrayContaining([
        'DB Patrol: Fleet overview',
        'DB Patrol: Instance detail',
        'DB Patrol: Schedules and runs',
      ])
    );
    expect(new Set(files.map((f) => load(f).uid)).size).toBe(files.length);
  });

  describe.each(files)('%s', (file) => {
    const dashboard = load(file);
    const variables = dashboard.templating.list;
    const names = new Set(variables.map((v) => v.name));

    it('is current Grafana dashboard JSON with panels on the grid', () => {
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
      expect(dashboard.panels.length).toBeGreaterThan(0);
      const ids = dashboard.panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const p of dashboard.panels) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        expect(p.gridPos.w).toBeGreaterThan(0);
        expect(p.gridPos.h).toBeGreaterThan(0);
        expect(p.targets?.length).toBeGreaterThan(0);
      }
    });

    it('picks the datasource through a variable of the DB Patrol type, and every query uses it', () => {
      expect(variables.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: DS_TYPE });
      for (const p of dashboard.panels) {
        expect([p.title, p.datasource]).toEqual([p.title, DS_REF]);
        for (const t of p.targets ?? []) {
          expect([p.title, t.datasource]).toEqual([p.title, DS_REF]);
        }
      }
      for (const v of variables.filter((x) => x.type === 'query')) {
        expect([v.name, v.datasource]).toEqual([v.name, DS_REF]);
      }
    });

    it('asks only query types the backend answers, with a counter name for counters', () => {
      for (const p of dashboard.panels) {
        const refIds = (p.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        for (const t of p.targets ?? []) {
          expect([p.title, QUERY_TYPES]).toEqual([p.title, expect.arrayContaining([t.queryType])]);
          if (t.queryType === 'counters') {
            expect(t.counter).toEqual(expect.any(String));
          }
        }
      }
    });

    it('defines every variable it references, in an order where each one’s dependencies come first', () => {
      const used = [...dashboard.panels, ...dashboard.annotations.list].flatMap((x) => referenced(x));
      expect(used.filter((n) => !names.has(n))).toEqual([]);
      variables.forEach((v, i) => {
        const earlier = new Set(variables.slice(0, i).map((x) => x.name));
        for (const dep of referenced(v.query ?? '')) {
          expect([v.name, dep, earlier.has(dep)]).toEqual([v.name, dep, true]);
        }
      });
      for (const v of variables.filter((x) => x.type === 'query')) {
        expect(VARIABLE_KINDS).toContain((v.query as { kind: string }).kind);
        // "All" must mean no filter, not a list of every id (see interpolate.ts).
        if (v.includeAll) {
          expect([v.name, v.allValue]).toEqual([v.name, '*']);
        }
      }
      for (const expected of ['business', 'host', 'instance', 'tier']) {
        expect(names).toContain(expected);
      }
    });

    it('shows inspection runs as annotations from the datasource', () => {
      const runs = dashboard.annotations.list.filter((a) => !a.builtIn);
      expect(runs).toHaveLength(1);
      expect(runs[0]!.datasource).toEqual(DS_REF);
      expect(runs[0]!.target?.queryType).toBe(ANNOTATIONS);
    });
  });
});
