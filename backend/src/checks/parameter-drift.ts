import { createHash } from 'node:crypto';
import type { Evaluation, FindingDraft, ParameterBaselineRef, Severity, Texts } from './check.types.js';

/**
 * Parameter drift (MY-M10, PG-M07), shared by both engines: the server's current parameters against the baseline in
 * force for the instance and against the values the previous report stored as this check's fingerprints.
 */

/** One parameter as the server reports it now. */
export interface CurrentParameter {
  name: string;
  /** As shown to a DBA (`128MB`, `ON`); null when the server value cannot be told (set by this client's session). */
  value: string | null;
  /** The unit of a bare number (PostgreSQL `8kB`, `ms`); absent for MySQL, whose sizes are bytes. */
  unit?: string | null;
  /** Where the value comes from (`configuration file`, `CONFIG`, `SQL`, …) and the file, when the server says. */
  source?: string | null;
  sourcefile?: string | null;
}

/** An extra finding an engine adds (ALTER SYSTEM entries, SET GLOBAL changes), unless the baseline expects it. */
export interface ExtraFinding {
  parameter: string;
  value: string;
  finding: FindingDraft;
}

export interface DriftOptions {
  /** Names left out of every comparison (exact, lower-case, `*` as a wildcard). */
  ignore: readonly string[];
  maxFindings: number;
  now: Date;
  instanceName: string;
  baseline: ParameterBaselineRef | undefined;
  previous: Readonly<Record<string, string>> | undefined;
  extra?: readonly ExtraFinding[];
}

/** The fingerprint key holding when the values were read. */
export const AT_KEY = '#at';

/** Values that may hold credentials (connection strings, shell commands, passwords) are stored and shown as a hash. */
const SECRET_NAME = /(password|passphrase|secret|_auth$|conninfo|_command$)/i;

export const maskedValue = (name: string, value: string): string =>
  SECRET_NAME.test(name) ? `sha256:${createHash('sha256').update(value).digest('hex').slice(0, 16)}` : value;

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .toLowerCase()
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')}$`,
  );

const MEMORY: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};
const TIME: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** Multiplier of a PostgreSQL unit such as `8kB`, `16MB`, `ms`, `min`. */
function unitFactor(unit: string): { kind: 'bytes' | 'ms'; factor: number } | null {
  const m = /^(\d*)\s*([a-z]+)$/i.exec(unit.trim());
  if (!m) return null;
  const count = m[1] ? Number(m[1]) : 1;
  const u = m[2]!.toLowerCase();
  if (u in MEMORY) return { kind: 'bytes', factor: count * MEMORY[u]! };
  if (u in TIME) return { kind: 'ms', factor: count * TIME[u]! };
  return null;
}

const BOOLEAN: Record<string, string> = { on: 'on', true: 'on', yes: 'on', off: 'off', false: 'off', no: 'off' };

/**
 * A value in a form two spellings of the same setting share: sizes in bytes and durations in ms (`128M`, `128MB` and
 * `16384` of `8kB` agree), booleans as on/off, lists sorted, case and spaces ignored.
 */
export function canonical(value: string, unit?: string | null): string {
  const v = value.trim().toLowerCase();
  if (v in BOOLEAN) return BOOLEAN[v]!;
  const m = /^(-?\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(v);
  if (m) {
    const n = Number(m[1]);
    if (m[2]) {
      const f = unitFactor(m[2]);
      if (f) return `${f.kind}:${n * f.factor}`;
    } else if (unit && n >= 0) {
      const f = unitFactor(unit);
      if (f) return `${f.kind}:${n * f.factor}`;
    }
    return String(n);
  }
  if (v.includes(',') && !/[()'"]/.test(v)) {
    return v
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .sort()
      .join(',');
  }
  return v.replace(/\s+/g, ' ');
}

/** Whether an expected value (as an operator wrote it) and the actual one mean the same. */
export function sameValue(expected: string, actual: string, unit?: string | null): boolean {
  const a = canonical(expected, unit);
  const b = canonical(actual, unit);
  if (a === b) return true;
  // A bare number where the other side has a size (MySQL shows sizes in bytes: `128M` = `134217728`).
  const bare = /^-?\d+(\.\d+)?$/;
  if (a.startsWith('bytes:') && bare.test(b)) return a === `bytes:${b}`;
  if (b.startsWith('bytes:') && bare.test(a)) return b === `bytes:${a}`;
  // `1`/`0` in a baseline for a switch the server shows as ON/OFF.
  if ((b === 'on' || b === 'off') && (a === '1' || a === '0')) return (a === '1') === (b === 'on');
  return false;
}

/**
 * A PostgreSQL number with its unit as `SHOW` prints it: the largest unit that divides it exactly (`16384` of `8kB`
 * is `128MB`, `300` of `s` is `5min`); negative values (-1 = disabled) stay bare.
 */
export function withUnit(setting: string, unit: string | null | undefined): string {
  const f = unit ? unitFactor(unit) : null;
  const n = Number(setting);
  if (!f || setting.trim() === '' || !Number.isFinite(n) || n < 0) return setting;
  const total = n * f.factor;
  const units =
    f.kind === 'bytes'
      ? [
          ['TB', 1024 ** 4],
          ['GB', 1024 ** 3],
          ['MB', 1024 ** 2],
          ['kB', 1024],
          ['B', 1],
        ]
      : [
          ['d', 86_400_000],
          ['h', 3_600_000],
          ['min', 60_000],
          ['s', 1000],
          ['ms', 1],
        ];
  if (total === 0) return `0${units[units.length - 1]![0]}`;
  for (const [name, size] of units as [string, number][]) if (total % size === 0) return `${total / size}${name}`;
  return `${setting}${unit}`;
}

const scopeText = (b: ParameterBaselineRef): Texts => {
  const from = b.fromReportId
    ? { en: `, set from report ${b.fromReportId}`, zh: `，取自报告 ${b.fromReportId}` }
    : null;
  return b.scope === 'instance'
    ? { en: `instance baseline${from?.en ?? ''}`, zh: `实例基线${from?.zh ?? ''}` }
    : { en: `business baseline${from?.en ?? ''}`, zh: `业务基线${from?.zh ?? ''}` };
};

export const NO_BASELINE_NOR_HISTORY: Texts = {
  en: 'no parameter baseline for this instance or its business, and no earlier report to compare with: this report records the current values (set a baseline with PUT /api/v1/baselines/instance/{id} or from a report)',
  zh: '该实例及其业务都没有参数基线，也没有可比较的上一次报告：本次报告记录当前参数值（可通过 PUT /api/v1/baselines/instance/{id} 或从某次报告设置基线）',
};

/** Compares the current parameters with the baseline and the previous report; returns findings and fingerprints. */
export function evaluateDrift(current: readonly CurrentParameter[], o: DriftOptions): Evaluation {
  const ignored = o.ignore.map(wildcard);
  const isIgnored = (name: string) => ignored.some((r) => r.test(name.toLowerCase()));
  const byName = new Map<string, CurrentParameter>();
  for (const p of current) byName.set(p.name.toLowerCase(), p);

  const fingerprints: Record<string, string> = {};
  for (const p of current) {
    if (p.value === null || isIgnored(p.name)) continue;
    fingerprints[p.name] = maskedValue(p.name, p.value);
  }
  fingerprints[AT_KEY] = o.now.toISOString();

  const previous = o.previous && o.previous[AT_KEY] !== undefined ? o.previous : undefined;
  if (!o.baseline && !previous && !o.extra?.length) return { skipped: NO_BASELINE_NOR_HISTORY, fingerprints };

  const findings: FindingDraft[] = [];
  const reported = new Set<string>();
  const sourceOf = (p: CurrentParameter | undefined) =>
    p?.source ? `${p.source}${p.sourcefile ? ` ${p.sourcefile}` : ''}` : null;

  if (o.baseline) {
    const where = scopeText(o.baseline);
    for (const [name, expected] of Object.entries(o.baseline.parameters).sort(([a], [b]) => a.localeCompare(b))) {
      const p = byName.get(name.toLowerCase());
      if (p && (p.value === null || isIgnored(p.name))) continue;
      reported.add(name.toLowerCase());
      if (!p) {
        findings.push({
          severity: 'warning',
          object: name,
          message: {
            en: `${name}: the ${where.en} expects ${expected}, but the server has no such parameter`,
            zh: `${name}：${where.zh}期望值为 ${expected}，但服务器上没有该参数`,
          },
          threshold: expected,
          evidence: [{ parameter: name, expected, actual: null }],
        });
        continue;
      }
      const actual = p.value!;
      if (sameValue(expected, actual, p.unit)) continue;
      const shown = maskedValue(p.name, actual);
      const was = previous?.[p.name];
      const since =
        was !== undefined && was !== maskedValue(p.name, actual)
          ? {
              en: ` (changed since the report of ${previous![AT_KEY]}: was ${was})`,
              zh: `（自 ${previous![AT_KEY]} 的报告以来已变更：原为 ${was}）`,
            }
          : { en: '', zh: '' };
      findings.push({
        severity: 'warning',
        object: p.name,
        message: {
          en: `${p.name} = ${shown}, the ${where.en} expects ${maskedValue(p.name, expected)}${since.en}`,
          zh: `${p.name} = ${shown}，${where.zh}期望值为 ${maskedValue(p.name, expected)}${since.zh}`,
        },
        value: shown,
        threshold: maskedValue(p.name, expected),
        evidence: [
          {
            parameter: p.name,
            expected: maskedValue(p.name, expected),
            actual: shown,
            previous: was ?? null,
            source: sourceOf(p),
          },
        ],
      });
    }
  }

  if (previous) {
    const at = previous[AT_KEY]!;
    for (const [name, now] of Object.entries(fingerprints)) {
      if (name === AT_KEY || reported.has(name.toLowerCase())) continue;
      const was = previous[name];
      if (was === now) continue;
      const p = byName.get(name.toLowerCase());
      if (was === undefined) {
        findings.push({
          severity: 'info',
          object: name,
          message: {
            en: `${name} = ${now}: new since the report of ${at}`,
            zh: `${name} = ${now}：自 ${at} 的报告以来新出现的参数`,
          },
          value: now,
          evidence: [{ parameter: name, previous: null, actual: now, source: sourceOf(p) }],
        });
      } else {
        findings.push({
          severity: 'info',
          object: name,
          message: {
            en: `${name} changed since the report of ${at}: ${was} → ${now}`,
            zh: `${name} 自 ${at} 的报告以来已变更：${was} → ${now}`,
          },
          value: now,
          threshold: was,
          evidence: [{ parameter: name, previous: was, actual: now, source: sourceOf(p) }],
        });
      }
      reported.add(name.toLowerCase());
    }
    for (const [name, was] of Object.entries(previous)) {
      if (name === AT_KEY || name in fingerprints || isIgnored(name)) continue;
      if (byName.get(name.toLowerCase())?.value === null) continue;
      findings.push({
        severity: 'info',
        object: name,
        message: {
          en: `${name} is no longer reported by the server (was ${was} in the report of ${at})`,
          zh: `服务器已不再报告参数 ${name}（在 ${at} 的报告中为 ${was}）`,
        },
        threshold: was,
        evidence: [{ parameter: name, previous: was, actual: null }],
      });
    }
  }

  for (const e of o.extra ?? []) {
    const expected = o.baseline?.parameters[e.parameter];
    if (expected !== undefined && sameValue(expected, e.value)) continue;
    if (reported.has(e.parameter.toLowerCase()) && expected !== undefined) continue;
    findings.push(e.finding);
  }

  const order: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
  findings.sort((a, b) => order[a.severity] - order[b.severity]);
  const shown = findings.slice(0, o.maxFindings);
  if (findings.length > o.maxFindings) {
    const more = findings.length - o.maxFindings;
    shown.push({
      severity: 'info',
      object: o.instanceName,
      message: { en: `${more} more parameter differences not listed`, zh: `另有 ${more} 项参数差异未列出` },
    });
  }
  return { findings: shown, fingerprints };
}
