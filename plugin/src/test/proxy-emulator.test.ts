import { decide, interpolate, matchRoutePath, type PluginRoute } from './proxy-emulator';

describe('matchRoutePath (Grafana route patterns)', () => {
  it.each([
    ['businesses', 'businesses', { remainder: '' }],
    ['businesses', 'businesses/', { remainder: '' }],
    ['businesses', 'businesses/b1', undefined],
    ['businesses/*', 'businesses', undefined],
    ['businesses/*', 'businesses/b1', { remainder: 'b1' }],
    ['instances/*', 'instances/i1/test', { remainder: 'i1/test' }],
    ['instances/:id', 'instances/i1', { remainder: '' }],
    ['instances/:id', 'instances/i1/test', undefined],
    ['inventory/export', 'inventory/import', undefined],
    ['grafana/*', 'grafanax/health', undefined],
  ])('%s against %s', (pattern, path, expected) => {
    expect(matchRoutePath(pattern, path)).toEqual(expected);
  });
});

describe('decide (Grafana app plugin proxy)', () => {
  const header = [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }];
  const routes: PluginRoute[] = [
    { path: 'things', method: 'GET', reqRole: 'Viewer', url: '{{ .JsonData.apiUrl }}/api/v1/things', headers: header },
    {
      path: 'things/*',
      method: 'POST',
      reqRole: 'Editor',
      url: '{{ .JsonData.apiUrl }}/api/v1/things',
      headers: header,
    },
    { path: 'things/*', method: '*', reqRole: 'Admin', url: '{{ .JsonData.apiUrl }}/api/v1/things', headers: header },
  ];
  const settings = { jsonData: { apiUrl: 'http://backend:8470' }, secureJsonData: { apiToken: 's3cret' } };

  it.each([
    ['GET', 'things', 'Viewer', 'forward', 'http://backend:8470/api/v1/things'],
    ['POST', 'things/t1/run', 'Editor', 'forward', 'http://backend:8470/api/v1/things/t1/run'],
    ['POST', 'things/t1/run', 'Viewer', 'denied', undefined],
    // The first match decides: a refused POST does not fall through to the wildcard route.
    ['POST', 'things/t1', 'Viewer', 'denied', undefined],
    ['DELETE', 'things/t1', 'Editor', 'denied', undefined],
    ['DELETE', 'things/t1', 'Admin', 'forward', 'http://backend:8470/api/v1/things/t1'],
    ['POST', 'things', 'Admin', 'no-route', undefined],
    ['GET', 'other', 'Admin', 'no-route', undefined],
  ] as const)('%s %s as %s: %s', (method, path, role, kind, url) => {
    const decision = decide(routes, method, path, role, settings);
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'forward') {
      expect(decision.url).toBe(url);
      expect(decision.headers).toEqual({ Authorization: 'Bearer s3cret' });
    }
  });

  it('interpolates missing settings as empty, like Go templates over a map', () => {
    expect(interpolate('{{ .JsonData.nope }}/x {{.SecureJsonData.apiToken}}', settings)).toBe('/x s3cret');
  });
});
