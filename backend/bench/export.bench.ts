import type { AnyCheck, Severity, Texts } from '../src/checks/check.types.js';
import { CATALOG_VERSION, CHECKS } from '../src/checks/registry.js';
import { hashReport } from '../src/reports/content-hash.js';
import { exportInspection, type ExportFormat } from '../src/reports/export/export-report.js';
import type {
  ExportFinding,
  ExportOutcome,
  ExportableReport,
  InspectionExportInput,
} from '../src/reports/export/report-view.js';
import { median } from './bench-tools.js';

const GOALS: Partial<Record<ExportFormat, number>> = { html: 300, pdf: 2000, xlsx: 1000 };
const SEVERITIES: Severity[] = ['critical', 'warning', 'warning', 'info'];

export interface ExportBenchOptions {
  instances: number;
  findings: number;
  runs: number;
  lang: 'en' | 'zh';
}

export interface FormatResult {
  format: ExportFormat | 'json-document';
  ms: number[];
  bytes: number;
  /** The longest the event loop was held up during one export. */
  maxBlockMs: number;
}

export interface ExportBenchResult {
  options: ExportBenchOptions;
  results: FormatResult[];
  peakRssMb: number;
  baseRssMb: number;
}

/**
 * An inspection as the runner stores it, `instances` reports with `findings` findings in all, spread over the real
 * weekly checks of each engine (titles and remediations from the registry, messages in both languages).
 */
export function syntheticInspection(o: ExportBenchOptions): InspectionExportInput {
  const now = Date.parse('2026-12-02T00:00:00Z');
  const window = { from: new Date(now - 7 * 86_400_000).toISOString(), to: new Date(now).toISOString() };
  const reports = Array.from({ length: o.instances }, (_, i) => {
    const engine = i % 2 === 0 ? 'mariadb' : 'postgres';
    const checks: AnyCheck[] = CHECKS.filter(
      (c) => c.engine === (engine === 'postgres' ? 'postgres' : 'mysql') && c.tier !== 'monthly' && c.tier !== 'annual',
    );
    const count = Math.floor(o.findings / o.instances) + (i < o.findings % o.instances ? 1 : 0);
    const failing = checks.slice(0, Math.max(1, Math.ceil(count / 3)));
    const findings: ExportFinding[] = Array.from({ length: count }, (_, k) => {
      const c = failing[k % failing.length]!;
      const object = engine === 'postgres' ? `"app_${i}"."订单 ${k}"` : `\`pay_${i}\`.\`orders<${k}>\``;
      const message: Texts = {
        en: `table ${object} has 1,234,567 rows and no primary key; replication applies every change by full scan`,
        zh: `表 ${object} 有 1,234,567 行且没有主键，复制时每次变更都要全表扫描`,
      };
      return {
        checkId: c.id,
        catalogRef: c.catalogRef,
        category: c.category,
        tier: c.tier,
        severity: SEVERITIES[k % SEVERITIES.length]!,
        object,
        message,
        value: 1234567 + k,
        threshold: 1000000,
        remediation: c.remediation,
      };
    });
    const outcomes: ExportOutcome[] = checks.map((c, k) => {
      const mine = findings.filter((f) => f.checkId === c.id);
      return {
        checkId: c.id,
        catalogRef: c.catalogRef,
        category: c.category,
        tier: c.tier,
        status: mine.length ? 'fail' : k % 7 === 6 ? 'skipped' : k % 11 === 10 ? 'error' : 'pass',
        ...(mine.length ? { severity: mine[0]!.severity } : {}),
        ...(k % 7 === 6 ? { reason: { en: 'not a replica', zh: '不是从库' } } : {}),
        ...(k % 11 === 10 && !mine.length ? { reason: { en: 'statement timeout', zh: '语句超时' } } : {}),
        durationMs: 5 + k,
        findingCount: mine.length,
      };
    });
    const counts = { pass: 0, fail: 0, error: 0, skipped: 0, critical: 0, warning: 0, info: 0 };
    for (const c of outcomes) counts[c.status]++;
    for (const f of findings) counts[f.severity]++;
    const doc = {
      id: `rep-${i}`,
      instance: {
        id: `i${i}`,
        name: `${engine === 'postgres' ? 'crm' : 'pay'}<&>"'支付 ${String(i).padStart(2, '0')}`,
        engine,
      },
      server: {
        engine,
        flavor: engine,
        version: engine === 'postgres' ? '15.20' : '10.11.19',
        role: 'primary' as const,
      },
      reachable: true,
      tier: 'weekly' as const,
      window,
      startedAt: window.to,
      finishedAt: window.to,
      durationMs: 1500,
      score: Math.max(0, 100 - count * 3),
      counts,
      checks: outcomes,
      findings,
      catalogVersion: CATALOG_VERSION,
      thresholds: {},
      language: o.lang,
      fingerprints: {},
    };
    // The hash as the runner makes it (messages are `Texts` here, as the lead's report model will carry them).
    const report = { ...doc, contentHash: hashReport(doc as never) } as unknown as ExportableReport;
    return { report, business: `业务 ${i % 5}`, host: `db-host-${String(Math.floor(i / 2)).padStart(2, '0')}` };
  });
  return {
    inspection: {
      id: 'bench-inspection',
      trigger: { kind: 'schedule', scheduleId: 's1', scheduleName: 'weekly core' },
      tier: 'weekly',
      window,
      state: 'succeeded',
      createdAt: window.to,
      startedAt: window.to,
      finishedAt: window.to,
      progress: [],
    },
    reports,
  };
}

/**
 * Times `fn` and the longest stretch between two turns of the event loop while it ran (a setImmediate chain: what
 * another request waiting on this process would have waited at worst).
 */
async function measure(fn: () => Promise<number>): Promise<{ ms: number; bytes: number; maxBlockMs: number }> {
  const t0 = performance.now();
  let last = t0;
  let maxBlockMs = 0;
  let running = true;
  const tick = () => {
    const t = performance.now();
    maxBlockMs = Math.max(maxBlockMs, t - last);
    last = t;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const bytes = await fn();
  const ms = performance.now() - t0;
  running = false;
  maxBlockMs = Math.max(maxBlockMs, performance.now() - last);
  return { ms, bytes, maxBlockMs };
}

/** Every format of one synthetic inspection export, in turn per round so drift slows all alike. */
export async function benchExport(o: ExportBenchOptions): Promise<ExportBenchResult> {
  const input = syntheticInspection(o);
  const baseRssMb = process.memoryUsage().rss / 2 ** 20;
  const formats: ExportFormat[] = ['html', 'pdf', 'xlsx', 'csv'];
  const contenders: [FormatResult['format'], () => Promise<number>][] = [
    [
      'json-document',
      async () =>
        (await exportInspection(input, { format: 'json', lang: o.lang, timeZone: 'Asia/Shanghai' })).body.length,
    ],
    ...formats.map(
      (format) =>
        [
          format,
          async () => (await exportInspection(input, { format, lang: o.lang, timeZone: 'Asia/Shanghai' })).body.length,
        ] as [ExportFormat, () => Promise<number>],
    ),
  ];
  const results: FormatResult[] = contenders.map(([format]) => ({ format, ms: [], bytes: 0, maxBlockMs: 0 }));
  for (const [, fn] of contenders) await fn();
  for (let round = 0; round < o.runs; round++) {
    for (const [k, [, fn]] of contenders.entries()) {
      const m = await measure(fn);
      const r = results[k]!;
      r.ms.push(m.ms);
      r.bytes = m.bytes;
      r.maxBlockMs = Math.max(r.maxBlockMs, m.maxBlockMs);
    }
  }
  return { options: o, results, baseRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

export function formatExportResults(r: ExportBenchResult): string {
  const json = median(r.results.find((x) => x.format === 'json-document')!.ms);
  const o = r.options;
  const lines = [
    `Inspection export of ${o.instances} instances with ${o.findings} findings in all (${o.lang}), median of ${o.runs} runs after one warm-up, on this machine (${new Date().toISOString().slice(0, 10)}).`,
    '',
    '| format | median | goal | ratio to the JSON document | size | longest event-loop block |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const x of r.results) {
    const ms = median(x.ms);
    const goal = x.format === 'json-document' ? undefined : GOALS[x.format];
    const verdict = goal === undefined ? '–' : `≤ ${goal} ms ${ms <= goal ? 'pass' : '**fail**'}`;
    lines.push(
      `| ${x.format === 'json-document' ? 'JSON document (baseline)' : x.format.toUpperCase()} | ${ms.toFixed(0)} ms | ${verdict} | ${(ms / json).toFixed(1)}× | ${(x.bytes / 1024).toFixed(0)} KiB | ${x.maxBlockMs.toFixed(0)} ms |`,
    );
  }
  lines.push(
    '',
    `Peak RSS of the bench process: ${r.peakRssMb.toFixed(0)} MB (${r.baseRssMb.toFixed(0)} MB before the first export).`,
  );
  return lines.join('\n') + '\n';
}
