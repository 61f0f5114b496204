import { describe, expect, it } from 'vitest';
import type { SqlVariant } from './check.types.js';
import { tierIncludes } from './check.types.js';
import { pickSqlVariant } from './sql-variant.js';

const variants: SqlVariant[] = [
  { since: 0, sql: 'base' },
  { since: 50700, flavors: ['mysql'], sql: 'mysql57' },
  { since: 80022, flavors: ['mysql'], sql: 'mysql8022' },
  { since: 100500, flavors: ['mariadb'], sql: 'mariadb105' },
  { since: 130000, flavors: ['postgres'], sql: 'pg13' },
  { since: 170000, flavors: ['postgres'], sql: 'pg17' },
];

describe('pickSqlVariant: the newest since ≤ version for the flavor', () => {
  it.each([
    ['mysql', 50644, 'base'],
    ['mysql', 50700, 'mysql57'],
    ['mysql', 80021, 'mysql57'],
    ['mysql', 80022, 'mysql8022'],
    ['mysql', 80404, 'mysql8022'],
    ['mariadb', 100419, 'base'],
    ['mariadb', 101119, 'mariadb105'],
    ['postgres', 120018, 'base'],
    ['postgres', 150020, 'pg13'],
    ['postgres', 170002, 'pg17'],
  ] as const)('%s %d → %s', (flavor, version, expected) => {
    expect(pickSqlVariant(variants, flavor, version)?.sql).toBe(expected);
  });

  it('returns undefined when every variant is newer than the server or for another flavor', () => {
    expect(pickSqlVariant([{ since: 80022, flavors: ['mysql'], sql: 'x' }], 'mysql', 50744)).toBeUndefined();
    expect(pickSqlVariant([{ since: 0, flavors: ['mysql'], sql: 'x' }], 'mariadb', 101119)).toBeUndefined();
  });
});

describe('tiers are cumulative', () => {
  it.each([
    ['daily', 'daily', true],
    ['daily', 'weekly', false],
    ['weekly', 'daily', true],
    ['weekly', 'monthly', false],
    ['monthly', 'weekly', true],
    ['annual', 'monthly', true],
    ['annual', 'annual', true],
  ] as const)('a %s run includes %s checks: %s', (run, check, expected) => {
    expect(tierIncludes(run, check)).toBe(expected);
  });
});
