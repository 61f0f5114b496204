import { getTemplateSrv } from '@grafana/runtime';

import { interpolateMany, interpolateOne, interpolateQuery } from './interpolate';
import { installTemplateSrv } from './test/templateSrv';

beforeEach(() =>
  installTemplateSrv({
    business: { current: 'b-pay' },
    host: { current: '$__all', allValue: '*', options: ['h-1', 'h-2'] },
    instance: { current: ['i-1', 'i-2'] },
    one: { current: ['i-9'] },
    severity: { current: '$__all', options: ['critical', 'warning', 'info'] },
    tier: { current: '$__all', allValue: '*' },
    empty: { current: '' },
  })
);

describe('interpolateOne', () => {
  it.each([
    ['a literal id stays', 'b-crm', 'b-crm'],
    ['a single-value variable', '$business', 'b-pay'],
    ['braced syntax', '${business}', 'b-pay'],
    ['All with allValue * is no filter', '$host', undefined],
    ['a multi-value variable is no single filter', '$instance', undefined],
    ['a multi-value variable with one value', '$one', 'i-9'],
    ['an empty variable is no filter', '$empty', undefined],
    ['nothing', undefined, undefined],
    ['an unknown variable is left for the backend to refuse', '$nope', '$nope'],
  ])('%s', (_name, input, expected) => {
    expect(interpolateOne(getTemplateSrv(), input)).toBe(expected);
  });

  it('prefers scoped vars (repeated panels)', () => {
    expect(interpolateOne(getTemplateSrv(), '$business', { business: { text: 'CRM', value: 'b-crm' } })).toBe('b-crm');
  });
});

describe('interpolateMany', () => {
  it.each([
    ['literal ids', ['i-1', 'i-3'], ['i-1', 'i-3']],
    ['a multi-value variable expands', ['$instance'], ['i-1', 'i-2']],
    ['variables and literals mix, without duplicates', ['$instance', 'i-2', 'i-3'], ['i-1', 'i-2', 'i-3']],
    ['All without allValue lists every option', ['$severity'], ['critical', 'warning', 'info']],
    ['All with allValue * is no filter', ['$tier'], undefined],
    ['an empty list is no filter', [], undefined],
    ['empty values are dropped', ['$empty'], undefined],
    ['nothing', undefined, undefined],
  ])('%s', (_name, input, expected) => {
    expect(interpolateMany(getTemplateSrv(), input)).toEqual(expected);
  });
});

describe('interpolateQuery', () => {
  it('keeps refId, type and limit, interpolates every filter and drops what is empty', () => {
    expect(
      interpolateQuery(getTemplateSrv(), {
        refId: 'A',
        queryType: 'findings',
        businessId: '$business',
        hostId: '$host',
        instanceIds: ['$instance'],
        checkIds: [],
        severity: ['$severity'],
        tier: '$tier',
        limit: 20,
        hide: false,
      })
    ).toEqual({
      refId: 'A',
      queryType: 'findings',
      limit: 20,
      businessId: 'b-pay',
      instanceIds: ['i-1', 'i-2'],
      severity: ['critical', 'warning', 'info'],
    });
  });
});
