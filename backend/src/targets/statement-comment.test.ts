import { describe, expect, it } from 'vitest';

import { statementComment, withComment } from './statement-comment.js';

describe('statementComment', () => {
  it.each([
    [undefined, '/* dbpatrol */'],
    ['', '/* dbpatrol */'],
    ['postgres.xid-wraparound', '/* dbpatrol:postgres.xid-wraparound */'],
    ['mysql:PG_D11', '/* dbpatrol:mysql:PG_D11 */'],
    ['x */ DROP TABLE t; /*', '/* dbpatrol:x____DROP_TABLE_t____ */'],
    ['a?b', '/* dbpatrol:a_b */'],
    ['巡检', '/* dbpatrol:__ */'],
    ['x'.repeat(300), `/* dbpatrol:${'x'.repeat(100)} */`],
  ])('%j → %s', (tag, comment) => {
    expect(statementComment(tag)).toBe(comment);
  });

  it('prefixes the statement', () => {
    expect(withComment('SELECT 1', 'c')).toBe('/* dbpatrol:c */ SELECT 1');
  });
});
