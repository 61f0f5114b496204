import type { Check, OverrideScope, ThresholdOverride } from '../../api/checks';

/** A server version number as people write it: MySQL/MariaDB 80022 → 8.0.22; PostgreSQL 150002 → 15.2, 90605 → 9.6.5. */
export function formatVersion(since: number, engine: Check['engine']): string {
  if (engine === 'postgres' && since >= 100000) {
    return `${Math.floor(since / 10000)}.${since % 10000}`;
  }
  return `${Math.floor(since / 10000)}.${Math.floor(since / 100) % 100}.${since % 100}`;
}

/** Checks matching a free-text search (id, catalog code, title in either language), grouped by category. */
export function groupChecks(checks: readonly Check[], search: string): Array<{ category: string; checks: Check[] }> {
  const needle = search.trim().toLowerCase();
  const matching = needle
    ? checks.filter((c) =>
        [c.id, c.catalogRef, c.title.en, c.title.zh].some((text) => text.toLowerCase().includes(needle))
      )
    : checks;
  const groups = new Map<string, Check[]>();
  for (const check of matching) {
    groups.set(check.category, [...(groups.get(check.category) ?? []), check]);
  }
  return [...groups.entries()].map(([category, list]) => ({
    category,
    checks: [...list].sort((a, b) => a.catalogRef.localeCompare(b.catalogRef, undefined, { numeric: true })),
  }));
}

/** A threshold value in an input box: numbers and strings as they are, anything else as JSON. */
export function formatThreshold(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * What the user typed, read like the default it replaces: a number for a numeric default, true/false for a boolean,
 * JSON for lists and objects. Text that does not read that way goes as typed, so the backend names the field.
 */
export function parseThreshold(text: string, defaultValue: unknown): unknown {
  const trimmed = text.trim();
  if (typeof defaultValue === 'number') {
    const n = Number(trimmed);
    return trimmed !== '' && Number.isFinite(n) ? n : trimmed;
  }
  if (typeof defaultValue === 'boolean') {
    return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
  }
  if (typeof defaultValue === 'object' && defaultValue !== null) {
    try {
      return JSON.parse(trimmed);
    } catch {
      return trimmed;
    }
  }
  return text;
}

/** The values to save for one scope: only keys with text; an empty box means "inherit". */
export function overrideValues(
  texts: Record<string, string>,
  defaults: Record<string, unknown>
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(texts)) {
    if (text.trim() !== '') {
      values[key] = parseThreshold(text, defaults[key]);
    }
  }
  return values;
}

export function overrideAt(
  overrides: readonly ThresholdOverride[],
  scope: OverrideScope,
  scopeId: string
): ThresholdOverride | undefined {
  return overrides.find((o) => o.scope === scope && (scope === 'global' || o.scopeId === scopeId));
}
