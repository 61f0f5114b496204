import { writeFile } from 'node:fs/promises';
import type { Tier } from '../checks/check.types.js';
import { CATALOG_VERSION, CHECKS } from '../checks/registry.js';
import type { Config } from '../config/config.js';
import { InputError } from '../errors/domain-errors.js';
import { inspectTarget, selectChecks } from '../inspections/inspect-target.js';
import type { InspectionReport } from '../reports/report.types.js';
import { loadTarget } from '../targets/load-target.js';
import { parseTargetUrl } from '../targets/target-url.js';
import { formatReportText, progressLine } from './report-text.js';
import { HostMetricsSource } from '../hostmetrics/host-metrics-source.js';
import { nodeFor } from '../hostmetrics/mapping.js';
import { resolveWindow } from '../inspections/window.js';
import { checkExportOptions, exportReport } from '../reports/export/export-report.js';

export interface InspectCommandOptions {
  url: string;
  tier: Tier;
  window?: string;
  from?: string;
  to?: string;
  format: InspectFormat;
  out?: string;
  only?: string;
  lang: 'en' | 'zh';
  /** IANA time zone for the times shown (default: the system's). */
  tz?: string;
  /** Prometheus scraping node_exporter on the server's host (else DBPATROL_PROMETHEUS_URL); host checks need it. */
  prometheusUrl?: string;
}

export const INSPECT_FORMATS = ['text', 'json', 'html', 'pdf', 'xlsx', 'csv'] as const;
export type InspectFormat = (typeof INSPECT_FORMATS)[number];

/** Exit codes of `dbpatrol inspect`. */
export const INSPECT_EXIT = { ok: 0, critical: 1, usage: 2, unreachable: 3 } as const;

function renamePath(err: unknown, from: string, to: string): never {
  if (err instanceof InputError) {
    throw new InputError(err.details.map((d) => ({ ...d, path: d.path === from || d.path === '' ? to : d.path })));
  }
  throw err;
}

/** Inspects one server given by URL, with no store: the tool a DBA runs by hand. Returns the exit code. */
export async function runInspectCommand(o: InspectCommandOptions, config: Config): Promise<number> {
  let spec;
  try {
    spec = parseTargetUrl(o.url);
  } catch (err) {
    renamePath(err, 'url', '--url');
  }
  const now = new Date();
  const window = resolveWindow({
    tier: o.tier,
    now,
    ...(o.window ? { window: o.window } : {}),
    ...(o.from ? { from: o.from } : {}),
    ...(o.to ? { to: o.to } : {}),
  });
  const only = o.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (only) {
    const unknown = only.filter((id) => !CHECKS.some((c) => c.id === id));
    if (unknown.length)
      throw InputError.field('--only', `unknown check id(s): ${unknown.join(', ')} (see dbpatrol checks list)`);
    if (selectChecks(CHECKS, spec.engine, o.tier, only).length === 0) {
      throw InputError.field('--only', `none of these checks runs on ${spec.engine} in a ${o.tier} inspection`);
    }
  }
  if ((o.format === 'pdf' || o.format === 'xlsx') && !o.out && process.stdout.isTTY === true) {
    throw InputError.field('--out', `is required for --format ${o.format} on a terminal`);
  }
  let timeZone: string;
  try {
    timeZone = checkExportOptions({
      format: 'json',
      lang: o.lang,
      ...(o.tz !== undefined ? { timeZone: o.tz } : {}),
    }).timeZone;
  } catch (err) {
    renamePath(err, 'timeZone', '--tz');
  }
  const prometheusUrl = o.prometheusUrl ?? config.hostMetrics?.prometheusUrl;
  if (prometheusUrl !== undefined && !/^https?:\/\/[^/]/.test(prometheusUrl)) {
    throw InputError.field('--prometheus-url', 'must be an http(s) URL');
  }
  const tokenFile = o.prometheusUrl ? undefined : config.hostMetrics?.tokenFile;
  const hostMetrics = prometheusUrl
    ? await new HostMetricsSource({ url: prometheusUrl, ...(tokenFile ? { tokenFile } : {}) }).read(
        nodeFor({ address: spec.host }),
        window,
        now,
      )
    : undefined;
  const showProgress = process.stderr.isTTY === true;
  const target = await loadTarget({ ...config.targets, ...spec });
  let report: InspectionReport;
  try {
    report = await inspectTarget(target, {
      tier: o.tier,
      window,
      now,
      instance: { name: `${spec.host}:${spec.port}`, engine: spec.engine },
      checks: CHECKS,
      catalogVersion: CATALOG_VERSION,
      language: o.lang,
      ...(only ? { only } : {}),
      ...(hostMetrics ? { hostMetrics } : {}),
      ...(showProgress
        ? { onCheckDone: (c, done, total) => process.stderr.write(`\r\x1b[2K${progressLine(done, total, c.checkId)}`) }
        : {}),
    });
  } finally {
    if (showProgress) process.stderr.write('\r\x1b[2K');
    await target.close();
  }
  let body: string | Buffer;
  if (o.format === 'text') {
    body = formatReportText(report, {
      color: !o.out && process.stdout.isTTY === true && !process.env.NO_COLOR,
      lang: o.lang,
      timeZone,
    });
  } else {
    body = (await exportReport({ report }, { format: o.format, lang: o.lang, timeZone })).body;
  }
  if (o.out) await writeFile(o.out, body);
  else process.stdout.write(body);
  if (!report.reachable) return INSPECT_EXIT.unreachable;
  return report.counts.critical > 0 ? INSPECT_EXIT.critical : INSPECT_EXIT.ok;
}
