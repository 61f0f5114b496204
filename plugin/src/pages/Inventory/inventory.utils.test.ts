import { businesses, hosts, instances } from '../../test/fixtures/inventory';
import {
  buildInventoryTree,
  labelsToText,
  parseLabelTerms,
  textToLabels,
  type InventoryFilter,
} from './inventory.utils';

const shape = (filter: Partial<InventoryFilter>) =>
  buildInventoryTree(businesses, hosts, instances, { search: '', labels: [], ...filter }).map((b) => [
    b.business.name,
    b.hosts.map((h) => [h.host.name, h.instances.map((i) => i.name)]),
  ]);

describe('buildInventoryTree', () => {
  it.each<[string, Partial<InventoryFilter>, unknown]>([
    [
      'no filter: everything, sorted by name',
      {},
      [
        ['CRM', [['crm-pg-01', ['crm-postgres']]]],
        [
          'Payments',
          [
            ['pay-db-01', ['pay-mariadb-ledger', 'pay-mysql-primary']],
            ['pay-db-02', ['pay-mysql-staging']],
          ],
        ],
      ],
    ],
    ['search on a business keeps its children', { search: 'crm' }, [['CRM', [['crm-pg-01', ['crm-postgres']]]]]],
    [
      'search on an instance keeps its path only',
      { search: 'LEDGER' },
      [['Payments', [['pay-db-01', ['pay-mariadb-ledger']]]]],
    ],
    ['search on a host address', { search: '10.20.0.12' }, [['Payments', [['pay-db-02', ['pay-mysql-staging']]]]]],
    ['engine filter drops empty branches', { engine: 'postgres' }, [['CRM', [['crm-pg-01', ['crm-postgres']]]]]],
    [
      'label on the instance',
      { labels: ['role:primary'] },
      [
        ['CRM', [['crm-pg-01', ['crm-postgres']]]],
        ['Payments', [['pay-db-01', ['pay-mysql-primary']]]],
      ],
    ],
    [
      'label inherited from the host',
      { labels: ['env:staging'] },
      [['Payments', [['pay-db-02', ['pay-mysql-staging']]]]],
    ],
    [
      'label key only',
      { labels: ['dc'] },
      [['Payments', [['pay-db-01', ['pay-mariadb-ledger', 'pay-mysql-primary']]]]],
    ],
    [
      'all terms must match',
      { labels: ['env:prod', 'role:primary'], engine: 'mysql' },
      [['Payments', [['pay-db-01', ['pay-mysql-primary']]]]],
    ],
    ['nothing matches', { search: 'oracle' }, []],
  ])('%s', (_name, filter, expected) => {
    expect(shape(filter)).toEqual(expected);
  });

  it('keeps an empty business visible when no instance filter is on', () => {
    const empty = { id: 'b-new', name: 'New', createdAt: '', updatedAt: '' };
    const tree = buildInventoryTree([empty], [], [], { search: '', labels: [] });
    expect(tree).toEqual([{ business: empty, hosts: [] }]);
    expect(buildInventoryTree([empty], [], [], { search: '', labels: [], engine: 'mysql' })).toEqual([]);
  });
});

describe('label helpers', () => {
  it.each([
    ['env:prod, team:dba', ['env:prod', 'team:dba']],
    ['  env:prod   dc ', ['env:prod', 'dc']],
    ['', []],
  ])('parses %j', (text, terms) => {
    expect(parseLabelTerms(text)).toEqual(terms);
  });

  it('round-trips labels through the form text', () => {
    const labels = { env: 'prod', team: 'db a' };
    expect(textToLabels(labelsToText(labels))).toEqual(labels);
    expect(textToLabels(' env = prod \n\nflag\n')).toEqual({ env: 'prod', flag: '' });
  });
});
