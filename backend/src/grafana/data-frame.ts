import type { Severity } from '../checks/check.types.js';
import type { Inspection } from '../inspections/inspection.model.js';
import type { FindingRow, InstanceSeries, OutcomeRow, SeverityBucket } from './report-analytics.types.js';

/** Field types as `@grafana/data`'s `FieldType` spells them (the subset used here). */
export type FieldType = 'time' | 'number' | 'string' | 'boolean';

/** `FieldSchema` of `@grafana/data`'s `DataFrameJSON`. */
export interface FieldSchema {
  name: string;
  type: FieldType;
  labels?: Record<string, string>;
  config?: Record<string, unknown>;
}

/** `DataFrameJSON` of `@grafana/data` (`dataframe/DataFrameJSON.ts`): schema plus column-major values. */
export interface DataFrameJSON {
  schema: {
    refId?: string;
    name?: string;
    meta?: { type?: string; typeVersion?: [number, number]; preferredVisualisationType?: string };
    fields: FieldSchema[];
  };
  data: { values: unknown[][] };
}

/** What a series is labelled with; names, not ids, because that is what a legend shows. */
export interface InstanceLabels {
  business: string;
  host: string;
  instance: string;
  engine: string;
}

export type LabelLookup = (instanceId: string) => InstanceLabels;

export const MIN_BUCKET_MS = 1000;

/**
 * The bucket width for a time series: wide enough for at most `maxDataPoints` buckets over the range, never narrower
 * than Grafana's `intervalMs`, and a whole number of seconds.
 */
export function bucketMs(fromMs: number, toMs: number, maxDataPoints: number, intervalMs = 0): number {
  const span = Math.max(0, toMs - fromMs);
  const byPoints = Math.ceil(span / Math.max(1, maxDataPoints));
  const raw = Math.max(byPoints, intervalMs, MIN_BUCKET_MS);
  return Math.ceil(raw / 1000) * 1000;
}

const MULTI = { type: 'timeseries-multi', typeVersion: [0, 1] as [number, number] };

function timeSeriesFrame(
  refId: string,
  name: string,
  value: FieldSchema,
  times: number[],
  values: (number | null)[],
): DataFrameJSON {
  return {
    schema: { refId, name, meta: MULTI, fields: [{ name: 'time', type: 'time' }, value] },
    data: { values: [times, values] },
  };
}

export interface Column {
  name: string;
  type: FieldType;
  config?: Record<string, unknown>;
}

/** A table frame from rows; values go column-major as the wire format wants. */
export function tableFrame(refId: string, name: string, columns: readonly Column[], rows: unknown[][]): DataFrameJSON {
  const values = columns.map((_, c) => rows.map((r) => r[c] ?? null));
  return {
    schema: { refId, name, meta: { preferredVisualisationType: 'table' }, fields: columns.map((c) => ({ ...c })) },
    data: { values },
  };
}

/** One frame per instance: its average score per bucket, labelled business/host/instance/engine. */
export function scoresFrames(refId: string, series: readonly InstanceSeries[], labels: LabelLookup): DataFrameJSON[] {
  return series
    .map((s) => ({ s, l: labels(s.instanceId) }))
    .sort((a, b) => a.l.instance.localeCompare(b.l.instance))
    .map(({ s, l }) =>
      timeSeriesFrame(
        refId,
        l.instance,
        {
          name: 'score',
          type: 'number',
          labels: { ...l },
          config: { displayNameFromDS: l.instance, min: 0, max: 100, unit: 'none' },
        },
        s.times,
        s.values,
      ),
    );
}

/** One frame per severity (worst first), each bucket's open findings summed over instances. */
export function findingCountFrames(
  refId: string,
  buckets: readonly SeverityBucket[],
  severities: readonly Severity[],
): DataFrameJSON[] {
  const times = buckets.map((b) => b.time);
  return (['critical', 'warning', 'info'] as const)
    .filter((s) => severities.includes(s))
    .map((severity) =>
      timeSeriesFrame(
        refId,
        severity,
        { name: 'findings', type: 'number', labels: { severity }, config: { displayNameFromDS: severity, min: 0 } },
        times,
        buckets.map((b) => b[severity]),
      ),
    );
}

export const FINDING_COLUMNS: readonly Column[] = [
  { name: 'time', type: 'time' },
  { name: 'business', type: 'string' },
  { name: 'host', type: 'string' },
  { name: 'instance', type: 'string' },
  { name: 'engine', type: 'string' },
  { name: 'check', type: 'string' },
  { name: 'catalogRef', type: 'string' },
  { name: 'category', type: 'string' },
  { name: 'severity', type: 'string' },
  { name: 'object', type: 'string' },
  { name: 'message', type: 'string' },
  { name: 'value', type: 'string' },
  { name: 'threshold', type: 'string' },
  { name: 'reportId', type: 'string', config: { custom: { hidden: true } } },
];

/** A finding's message in one language, whatever form its report stored it in. */
export function messageIn(m: FindingRow['message'], lang: 'en' | 'zh'): string {
  if (typeof m !== 'string') return m[lang];
  if (m.startsWith('{"')) {
    try {
      const t = JSON.parse(m) as unknown;
      if (t && typeof t === 'object' && typeof (t as Record<string, unknown>)[lang] === 'string') {
        return (t as Record<string, string>)[lang]!;
      }
    } catch {
      // a legacy message that merely starts like JSON
    }
  }
  return m;
}

export function findingsFrame(
  refId: string,
  rows: readonly FindingRow[],
  labels: LabelLookup,
  lang: 'en' | 'zh' = 'en',
): DataFrameJSON {
  return tableFrame(
    refId,
    'findings',
    FINDING_COLUMNS,
    rows.map((f) => {
      const l = labels(f.instanceId);
      return [
        Date.parse(f.startedAt),
        l.business,
        l.host,
        l.instance,
        l.engine,
        f.checkId,
        f.catalogRef,
        f.category,
        f.severity,
        f.object,
        messageIn(f.message, lang),
        f.value,
        f.threshold,
        f.reportId,
      ];
    }),
  );
}

export const OUTCOME_COLUMNS: readonly Column[] = [
  { name: 'check', type: 'string' },
  { name: 'catalogRef', type: 'string' },
  { name: 'category', type: 'string' },
  { name: 'tier', type: 'string' },
  { name: 'pass', type: 'number' },
  { name: 'fail', type: 'number' },
  { name: 'error', type: 'number' },
  { name: 'skipped', type: 'number' },
  { name: 'worstSeverity', type: 'string' },
  { name: 'findings', type: 'number' },
];

export function outcomesFrame(refId: string, rows: readonly OutcomeRow[]): DataFrameJSON {
  return tableFrame(
    refId,
    'outcomes',
    OUTCOME_COLUMNS,
    rows.map((o) => [
      o.checkId,
      o.catalogRef,
      o.category,
      o.tier,
      o.pass,
      o.fail,
      o.error,
      o.skipped,
      o.worst,
      o.findings,
    ]),
  );
}

export const INSPECTION_COLUMNS: readonly Column[] = [
  { name: 'time', type: 'time' },
  { name: 'id', type: 'string' },
  { name: 'state', type: 'string' },
  { name: 'trigger', type: 'string' },
  { name: 'schedule', type: 'string' },
  { name: 'tier', type: 'string' },
  { name: 'instances', type: 'number' },
  { name: 'failed', type: 'number' },
  { name: 'started', type: 'time' },
  { name: 'finished', type: 'time' },
  { name: 'durationMs', type: 'number', config: { unit: 'ms' } },
];

const ms = (t: string | undefined): number | null => (t ? Date.parse(t) : null);

/** When a run happened for a dashboard: a schedule's occurrence at its fire time, anything else when created. */
export const runTime = (i: Inspection): number => Date.parse(i.fireAt ?? i.createdAt);

export const triggerText = (i: Inspection): string =>
  i.trigger.kind === 'schedule' ? `schedule ${i.trigger.scheduleName}` : `manual by ${i.trigger.actor}`;

export function inspectionsFrame(refId: string, runs: readonly Inspection[]): DataFrameJSON {
  return tableFrame(
    refId,
    'inspections',
    INSPECTION_COLUMNS,
    runs.map((i) => {
      const started = ms(i.startedAt);
      const finished = ms(i.finishedAt);
      return [
        runTime(i),
        i.id,
        i.state,
        i.trigger.kind,
        i.trigger.kind === 'schedule' ? i.trigger.scheduleName : null,
        i.tier,
        i.progress.length || (i.instanceIds?.length ?? 0),
        i.progress.filter((p) => p.state === 'failed').length,
        started,
        finished,
        started !== null && finished !== null ? finished - started : null,
      ];
    }),
  );
}

/** One frame per instance: how much the counter grew per bucket. */
export function counterFrames(
  refId: string,
  counter: string,
  series: readonly InstanceSeries[],
  labels: LabelLookup,
): DataFrameJSON[] {
  return series
    .map((s) => ({ s, l: labels(s.instanceId) }))
    .sort((a, b) => a.l.instance.localeCompare(b.l.instance))
    .map(({ s, l }) =>
      timeSeriesFrame(
        refId,
        `${l.instance} ${counter}`,
        { name: counter, type: 'number', labels: { ...l, counter }, config: { displayNameFromDS: l.instance } },
        s.times,
        s.values,
      ),
    );
}

/** A Grafana annotation as the datasource hands it over. */
export interface Annotation {
  time: number;
  timeEnd?: number;
  title: string;
  text: string;
  tags: string[];
}

export function runAnnotation(i: Inspection): Annotation {
  const tags: string[] = [i.state, i.tier, i.trigger.kind];
  if (i.trigger.kind === 'schedule') tags.push(i.trigger.scheduleName);
  if (i.state === 'missed') {
    return {
      time: runTime(i),
      title: `Missed ${i.tier} inspection`,
      text: `${triggerText(i)}: the occurrence due at ${i.fireAt ?? i.createdAt} did not run${i.error ? ` (${i.error})` : ''}`,
      tags,
    };
  }
  const start = i.startedAt ? Date.parse(i.startedAt) : runTime(i);
  const done = i.progress.filter((p) => p.state === 'done').length;
  const failed = i.progress.filter((p) => p.state === 'failed').length;
  const parts = [`${triggerText(i)}`, `${done} of ${i.progress.length} instances inspected`];
  if (failed > 0) parts.push(`${failed} failed`);
  if (i.error) parts.push(i.error);
  return {
    time: start,
    ...(i.finishedAt ? { timeEnd: Date.parse(i.finishedAt) } : {}),
    title: `${i.tier} inspection ${i.state}`,
    text: parts.join('; '),
    tags,
  };
}
