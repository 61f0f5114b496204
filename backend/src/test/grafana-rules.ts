import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

/** The repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

interface GrafanaRule {
  uid: string;
  title: string;
  condition: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: {
    refId: string;
    datasourceUid: string;
    model: {
      expr?: string;
      type?: string;
      expression?: string;
      conditions?: { evaluator: { type: string; params: number[] } }[];
    };
  }[];
}

export interface ExtractedRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

const OPERATOR: Record<string, string> = { gt: '>', lt: '<' };

/** Every provisioned Grafana rule as a Prometheus alerting rule: query A compared as its threshold condition says. */
export async function extractGrafanaRules(): Promise<{ rules: ExtractedRule[]; datasourceUids: Set<string> }> {
  const doc = YAML.parse(await readFile(path.join(REPO, 'provisioning/alerting/rules.yaml'), 'utf8')) as {
    groups: { folder: string; rules: GrafanaRule[] }[];
  };
  const datasourceUids = new Set<string>();
  const rules = doc.groups.flatMap((g) =>
    g.rules.map((r) => {
      for (const d of r.data) datasourceUids.add(d.datasourceUid);
      const byRef = new Map(r.data.map((d) => [d.refId, d.model]));
      const threshold = byRef.get(r.condition)!;
      if (threshold.type !== 'threshold') throw new Error(`${r.uid}: condition ${r.condition} is not a threshold`);
      // The threshold may sit on a reduce (last) of the query; either way it compares query A.
      let source = byRef.get(threshold.expression!)!;
      if (source.type === 'reduce') source = byRef.get(source.expression!)!;
      const evaluator = threshold.conditions![0]!.evaluator;
      const op = OPERATOR[evaluator.type];
      if (!op) throw new Error(`${r.uid}: evaluator ${evaluator.type} has no PromQL operator here`);
      return {
        alert: r.title,
        expr: `(${source.expr!}) ${op} ${evaluator.params[0]}`,
        for: r.for,
        labels: r.labels,
        annotations: r.annotations,
      };
    }),
  );
  return { rules, datasourceUids };
}
