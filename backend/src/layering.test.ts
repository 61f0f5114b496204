import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** A runtime dependency of one source file on another (type-only imports and exports do not count). */
interface Edge {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Specifiers this file needs at run time: value imports and re-exports, side-effect imports, `import()`. */
export function runtimeSpecifiers(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** Every runtime edge between files of src/, as paths relative to src/ (`schedules/schedules.routes.ts`). */
function importGraph(): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(SRC)) {
    for (const spec of runtimeSpecifiers(file, readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      edges.push({ from: path.relative(SRC, file), to: path.relative(SRC, target) });
    }
  }
  return edges;
}

/** The top-level folder of a path below src/ (`main.ts` stands for itself). */
const folderOf = (file: string): string => file.split(path.sep)[0]!;

/** Strongly connected groups of more than one folder, each with the file edges that close it. */
export function folderCycles(edges: readonly Edge[]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const e of edges) {
    const [a, b] = [folderOf(e.from), folderOf(e.to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    graph.get(a)!.add(b);
  }
  // Tarjan's algorithm over the folder graph.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) connect(v);
  return groups;
}

const describeGroup = (group: readonly string[], edges: readonly Edge[]): string =>
  `${group.join(' ↔ ')}:\n${edges
    .filter((e) => folderOf(e.from) !== folderOf(e.to))
    .filter((e) => group.includes(folderOf(e.from)) && group.includes(folderOf(e.to)))
    .map((e) => `  ${e.from} → ${e.to}`)
    .join('\n')}`;

describe('runtimeSpecifiers', () => {
  it.each([
    ["import { a } from './a.js';", ['./a.js']],
    ["import type { A } from './a.js';", []],
    ["import { type A, type B } from './a.js';", []],
    ["import { type A, b } from './a.js';", ['./a.js']],
    ["import d, { type A } from './a.js';", ['./a.js']],
    ["import * as ns from './a.js';", ['./a.js']],
    ["import './side-effect.js';", ['./side-effect.js']],
    ["export { a } from './a.js';", ['./a.js']],
    ["export type { A } from './a.js';", []],
    ["export * from './a.js';", ['./a.js']],
    ["const m = await import('./lazy.js');", ['./lazy.js']],
    ["// import { a } from './comment.js'", []],
  ])('%s', (text, expected) => {
    expect(runtimeSpecifiers('x.ts', text)).toEqual(expected);
  });
});

describe('folderCycles', () => {
  it.each([
    ['no edges', [], []],
    [
      'a chain',
      [
        ['a/x.ts', 'b/y.ts'],
        ['b/y.ts', 'c/z.ts'],
      ],
      [],
    ],
    [
      'two folders',
      [
        ['a/x.ts', 'b/y.ts'],
        ['b/z.ts', 'a/w.ts'],
      ],
      [['a', 'b']],
    ],
    [
      'three folders',
      [
        ['a/x.ts', 'b/y.ts'],
        ['b/y.ts', 'c/z.ts'],
        ['c/z.ts', 'a/q.ts'],
      ],
      [['a', 'b', 'c']],
    ],
    [
      'inside one folder',
      [
        ['a/x.ts', 'a/y.ts'],
        ['a/y.ts', 'a/x.ts'],
      ],
      [],
    ],
  ] as [string, [string, string][], string[][]][])('%s', (_name, pairs, expected) => {
    expect(folderCycles(pairs.map(([from, to]) => ({ from, to })))).toEqual(expected);
  });
});

describe('the import graph of src/', () => {
  const edges = importGraph();

  it('is read (sanity: known runtime edges are found)', () => {
    expect(edges).toContainEqual({ from: 'runtime/app.ts', to: 'http/api-router.ts' });
    expect(edges.length).toBeGreaterThan(100);
  });

  it('has no runtime cycle between top-level folders', () => {
    const groups = folderCycles(edges);
    expect(groups.map((g) => describeGroup(g, edges))).toEqual([]);
  });

  const forbidden: [string, (e: Edge) => boolean][] = [
    ['routes do not import from cli/', (e) => e.from.endsWith('.routes.ts') && folderOf(e.to) === 'cli'],
    [
      'schedules routes do not import inspections routes',
      (e) => e.from === path.join('schedules', 'schedules.routes.ts') && e.to.endsWith('.routes.ts'),
    ],
    ['audit/ does not import http/', (e) => folderOf(e.from) === 'audit' && folderOf(e.to) === 'http'],
    [
      'the check registry does not import runtime/',
      (e) => e.from === path.join('checks', 'registry.ts') && folderOf(e.to) === 'runtime',
    ],
  ];
  it.each(forbidden)('%s', (_rule, matches) => {
    expect(edges.filter(matches)).toEqual([]);
  });

  it('the audit log takes its own actor type, not one from http/', () => {
    const auditFiles = sourceFiles(path.join(SRC, 'audit')).filter((f) => !f.endsWith('.routes.ts'));
    const offending = auditFiles.filter((f) => /from '\.\.\/http\//.test(readFileSync(f, 'utf8')));
    expect(offending.map((f) => path.relative(SRC, f))).toEqual([]);
  });
});
