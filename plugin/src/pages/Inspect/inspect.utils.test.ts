import type { Inspection } from '../../api/inspections';
import { hosts, instances } from '../../test/fixtures/inventory';
import { checkState, hostGroups, percentDone, runBody, selectable, toggleAll, toggleOne } from './inspect.utils';

const names = (groups: ReturnType<typeof hostGroups>) =>
  groups.map((g) => [g.host.name, g.instances.map((i) => i.name)]);

describe('hostGroups', () => {
  it.each([
    [
      'all hosts of the business',
      'b-pay',
      '',
      [
        ['pay-db-01', ['pay-mysql-primary', 'pay-mariadb-ledger']],
        ['pay-db-02', ['pay-mysql-staging']],
      ],
    ],
    ['an instance name narrows its host', 'b-pay', 'LEDGER', [['pay-db-01', ['pay-mariadb-ledger']]]],
    ['a host name keeps all its instances', 'b-pay', 'pay-db-02', [['pay-db-02', ['pay-mysql-staging']]]],
    [
      'an address matches its host',
      'b-pay',
      '10.20.0.11',
      [['pay-db-01', ['pay-mysql-primary', 'pay-mariadb-ledger']]],
    ],
    ['an engine matches', 'b-pay', 'mariadb', [['pay-db-01', ['pay-mariadb-ledger']]]],
    ['another business is never shown', 'b-crm', 'pay', []],
    ['no match leaves no empty host', 'b-pay', 'nothing', []],
  ])('%s', (_name, businessId, search, expected) => {
    expect(names(hostGroups(businessId, hosts, instances, search))).toEqual(expected);
  });
});

describe('selection', () => {
  it('never selects a disabled instance', () => {
    expect(selectable(instances)).toEqual(['i-pay-mysql', 'i-pay-maria', 'i-crm-pg']);
  });

  it.each([
    [[], new Set<string>(), 'none'],
    [['a', 'b'], new Set(['a']), 'some'],
    [['a', 'b'], new Set(['a', 'b', 'c']), 'all'],
    [['a'], new Set(['b']), 'none'],
  ] as const)('checkState(%j, %j) is %s', (ids, selected, expected) => {
    expect(checkState([...ids], selected)).toBe(expected);
  });

  it.each([
    ['selects what is missing', ['a'], ['a', 'b'], ['a', 'b']],
    ['clears when all are selected', ['a', 'b', 'c'], ['a', 'b'], ['c']],
    ['selects from nothing', [], ['a'], ['a']],
    ['an empty group changes nothing', ['a'], [], ['a']],
  ])('toggleAll %s', (_name, selected, ids, expected) => {
    expect([...toggleAll(new Set(selected), ids)].sort()).toEqual(expected);
  });

  it('toggleOne adds and removes', () => {
    expect([...toggleOne(new Set(['a']), 'b')]).toEqual(['a', 'b']);
    expect([...toggleOne(new Set(['a', 'b']), 'a')]).toEqual(['b']);
  });
});

describe('runBody', () => {
  it.each([
    [
      'days',
      { kind: 'days', days: 3 } as const,
      { instanceIds: ['i1'], tier: 'weekly', windowDays: 3, requestId: 'r1' },
    ],
    [
      'an absolute range',
      { kind: 'range', from: new Date('2026-12-01T00:00:00Z'), to: new Date('2026-12-04T12:00:00Z') } as const,
      {
        instanceIds: ['i1'],
        tier: 'weekly',
        window: { from: '2026-12-01T00:00:00.000Z', to: '2026-12-04T12:00:00.000Z' },
        requestId: 'r1',
      },
    ],
  ])('sends %s', (_name, window, expected) => {
    expect(runBody({ instanceIds: ['i1'], tier: 'weekly', window, requestId: 'r1' })).toEqual(expected);
  });
});

describe('percentDone', () => {
  const run = (state: Inspection['state'], progress: Array<[number, number]>): Inspection => ({
    id: 'x',
    trigger: { kind: 'manual', actor: 'a' },
    tier: 'daily',
    window: { from: '', to: '' },
    state,
    progress: progress.map(([checksDone, checksTotal], n) => ({
      instanceId: `i${n}`,
      instanceName: `i${n}`,
      state: 'running',
      checksDone,
      checksTotal,
    })),
    cancelRequested: false,
    attempt: 1,
    createdAt: '',
  });

  it.each([
    ['queued, nothing known', run('queued', []), 0],
    ['finished with no instances', run('failed', []), 100],
    [
      'over all instances',
      run('running', [
        [10, 40],
        [30, 40],
      ]),
      50,
    ],
    [
      'a count above its total is capped',
      run('running', [
        [50, 40],
        [0, 40],
      ]),
      50,
    ],
  ])('%s', (_name, inspection, expected) => {
    expect(percentDone(inspection)).toBe(expected);
  });
});
