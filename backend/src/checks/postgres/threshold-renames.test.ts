import { describe, expect, it } from 'vitest';
import { CHECKS } from '../registry.js';
import { POSTGRES_THRESHOLD_RENAMES } from './threshold-renames.js';

const GRADED = /^(warn|crit|info)([A-Z][a-z]*)*(Percent|Seconds|Minutes|Hours|Days|Bytes|Count|Ratio|PerDay)$/;
const ABBREVIATED_UNIT = /(Pct|Percentage|Secs|Mins|Hrs)(?=[A-Z]|$)/;

describe('PostgreSQL threshold renames', () => {
  const renames = Object.entries(POSTGRES_THRESHOLD_RENAMES).flatMap(([id, keys]) =>
    Object.entries(keys).map(([from, to]) => [id, from, to] as const),
  );

  it.each(renames)('%s: %s became %s, which the check now reads', (id, from, to) => {
    const check = CHECKS.find((c) => c.id === id);
    expect(check, id).toBeDefined();
    const defaults = check!.thresholds.defaults as Record<string, unknown>;
    expect(Object.keys(defaults)).toContain(to);
    expect(Object.keys(defaults)).not.toContain(from);
    expect(to).not.toBe(from);
  });

  it('maps no two old keys of a check to one new key', () => {
    for (const keys of Object.values(POSTGRES_THRESHOLD_RENAMES)) {
      const targets = Object.values(keys);
      expect(new Set(targets).size).toBe(targets.length);
    }
  });

  it.each(CHECKS.filter((c) => c.engine === 'postgres').map((c) => [c.id, c] as const))(
    '%s names its thresholds in the vocabulary, units as full words',
    (_id, c) => {
      for (const key of Object.keys(c.thresholds.defaults as Record<string, unknown>)) {
        if (/^(warn|crit|info)[A-Z]/.test(key)) expect(key).toMatch(GRADED);
        expect(key).not.toMatch(ABBREVIATED_UNIT);
        expect(key).not.toMatch(/^(warning|critical)[A-Z]|(Warn|Crit|Info)(?=[A-Z]|$)/);
      }
    },
  );
});
