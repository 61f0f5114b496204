import { z } from 'zod';
import type { FindingDraft, Texts } from '../../check.types.js';

/** One row of pg_settings as the settings checks read it (`reset_val`: the server's value, not this session's). */
export const settingRow = z.object({
  name: z.string(),
  setting: z.string().nullable(),
  unit: z.string().nullable(),
  boot_val: z.string().nullable(),
  source: z.string().nullable(),
  pending_restart: z.boolean().nullable(),
});
export type SettingRow = z.infer<typeof settingRow>;

const list = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ');

/**
 * `pg_settings` limited to the given names; a name the server does not know (another version) is simply absent, so
 * one SQL text serves every version.
 */
export const settingsSql = (names: readonly string[]): string =>
  `SELECT name, reset_val AS setting, unit, boot_val, source, pending_restart
FROM pg_settings WHERE name IN (${list(names)}) ORDER BY name`;

/** A settings query over names that exist on every supported version (PostgreSQL 12+). */
export function settingsQuery(names: readonly string[]) {
  return { sql: [{ since: 0, sql: settingsSql(names) }], row: settingRow };
}

/** Settings by name. */
export const byName = (rows: readonly SettingRow[]): Map<string, SettingRow> => new Map(rows.map((r) => [r.name, r]));

export const isOn = (v: string | null | undefined): boolean => v === 'on' || v === 'true' || v === '1';

const UNIT_BYTES: Record<string, number> = { B: 1, kB: 1024, '8kB': 8192, '16kB': 16384, MB: 1024 ** 2, GB: 1024 ** 3 };
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, min: 60, h: 3600, d: 86_400 };

/** A memory setting in bytes (`shared_buffers` 16384 × 8kB → 134217728); null when not a size or -1. */
export function settingBytes(row: SettingRow | undefined): number | null {
  if (!row || row.setting === null) return null;
  const n = Number(row.setting);
  const factor = UNIT_BYTES[row.unit ?? 'B'];
  if (!Number.isFinite(n) || n < 0 || factor === undefined) return null;
  return n * factor;
}

/** A time setting in seconds; null when not a duration or negative (-1 = disabled). */
export function settingSeconds(row: SettingRow | undefined): number | null {
  if (!row || row.setting === null) return null;
  const n = Number(row.setting);
  const factor = UNIT_SECONDS[row.unit ?? 's'];
  if (!Number.isFinite(n) || n < 0 || factor === undefined) return null;
  return n * factor;
}

/** `128MB`, `4MB`, `8kB`, `1GB`: a size as postgresql.conf spells it. */
export function confBytes(bytes: number): string {
  for (const [unit, f] of [
    ['TB', 1024 ** 4],
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['kB', 1024],
  ] as const) {
    if (bytes >= f && bytes % f === 0) return `${bytes / f}${unit}`;
  }
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)}MB`;
  return `${bytes}B`;
}

/** A setting as the server shows it with its unit (`shared_buffers = 128MB`, `checkpoint_timeout = 5min`). */
export function shown(row: SettingRow | undefined): string {
  if (!row) return '?';
  const bytes = row.unit && UNIT_BYTES[row.unit] !== undefined ? settingBytes(row) : null;
  if (bytes !== null) return confBytes(bytes);
  if (row.unit && UNIT_SECONDS[row.unit] !== undefined && row.setting !== null && Number(row.setting) >= 0) {
    const s = settingSeconds(row);
    if (s !== null && s >= 60 && s % 60 === 0) return `${s / 60}min`;
    if (s !== null && s >= 1 && Number.isInteger(s)) return `${s}s`;
  }
  return `${row.setting ?? 'NULL'}${row.unit && row.setting !== '-1' ? row.unit : ''}`;
}

/** Evidence of the settings a finding is about: name, value as shown, source. */
export const settingsEvidence = (rows: readonly (SettingRow | undefined)[]): Record<string, unknown>[] =>
  rows
    .filter((r): r is SettingRow => r !== undefined)
    .map((r) => ({ parameter: r.name, value: shown(r), source: r.source }));

export const NO_SETTINGS: Texts = {
  en: 'pg_settings returned none of the settings this check reads',
  zh: 'pg_settings 未返回本检查读取的任何参数',
};

/** A finding about one setting, with the setting as evidence. */
export const settingFinding = (
  severity: FindingDraft['severity'],
  row: SettingRow,
  message: Texts,
  extra: Partial<FindingDraft> = {},
): FindingDraft => ({
  severity,
  object: row.name,
  message,
  value: shown(row),
  evidence: settingsEvidence([row]),
  ...extra,
});
