import { describe, expect, it } from 'vitest';
import type { Severity } from '../checks/check.types.js';
import { worstOf } from './run-check.js';

describe('worstOf', () => {
  it.each([
    [['info'], 'info'],
    [['info', 'warning'], 'warning'],
    [['warning', 'info'], 'warning'],
    [['critical', 'warning', 'info'], 'critical'],
    [['info', 'critical'], 'critical'],
  ] as [Severity[], Severity][])('%j → %s', (severities, worst) => {
    expect(worstOf(severities)).toBe(worst);
  });
});
