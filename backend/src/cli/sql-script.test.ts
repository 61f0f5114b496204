import { describe, expect, it } from 'vitest';
import { inlineParams } from './sql-script.js';

describe('inlineParams', () => {
  const when = new Date('2026-11-24T08:00:00.000Z');
  it.each([
    ['SELECT 1', [], 'mysql', 'SELECT 1'],
    [
      "SELECT * FROM t WHERE a >= ? AND b = '?' AND c = ?",
      [when, 'x'],
      'mysql',
      "SELECT * FROM t WHERE a >= '2026-11-24 08:00:00.000' AND b = '?' AND c = 'x'",
    ],
    ['SELECT $2, $1, $1', [1, "o'k"], 'postgres', "SELECT 'o''k', 1, 1"],
    ["SELECT '$1' WHERE t > $1", [when], 'postgres', "SELECT '$1' WHERE t > '2026-11-24T08:00:00.000Z'"],
    ['SELECT ?', [null], 'mysql', 'SELECT NULL'],
  ] as const)('%s', (sql, params, engine, expected) => {
    expect(inlineParams(sql, params, engine)).toBe(expected);
  });
});
