import { describe, expect, it } from 'vitest';
import { describePgUrl } from './postgres-store.js';

describe('describePgUrl', () => {
  it.each([
    ['postgres://dbpatrol:s3cret@db.example:6432/patrol', 'postgres db.example:6432/patrol'],
    ['postgresql://postgres@127.0.0.1/dbpatrol', 'postgres 127.0.0.1:5432/dbpatrol'],
    ['postgresql://postgres@%2Fvar%2Frun%2Fpostgresql/dbpatrol', 'postgres socket /var/run/postgresql/dbpatrol'],
    ['postgresql:///dbpatrol?host=/var/run/postgresql&user=postgres', 'postgres socket /var/run/postgresql/dbpatrol'],
    ['not a url', 'postgres'],
  ])('%s → %s', (url, expected) => {
    expect(describePgUrl(url)).toBe(expected);
    expect(describePgUrl(url)).not.toContain('s3cret');
  });
});
