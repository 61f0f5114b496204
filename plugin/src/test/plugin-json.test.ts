import Ajv from 'ajv';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';

import datasourceJson from '../datasource/plugin.json';
import appJson from '../plugin.json';
import { ROUTES } from '../constants';
import { APP_ROUTES } from '../routing/appRoutes';
import schema from './plugin.schema.json';

const SRC = join(__dirname, '..');

describe('plugin.json files', () => {
  // The schema's patterns use `\-`, invalid under the `u` flag; formats (email, uri) are left unchecked.
  const ajv = new Ajv({ strict: false, unicodeRegExp: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(schema);

  it.each([
    ['app', appJson],
    ['datasource', datasourceJson],
  ])('the %s plugin.json is valid against Grafana plugin schema', (_name, json) => {
    const valid = validate(json);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('uses the ids of the design and declares the nested datasource in includes', () => {
    expect(appJson.id).toBe('dbpatrol-inspection-app');
    expect(datasourceJson.id).toBe('dbpatrol-inspection-datasource');
    const nested = appJson.includes.filter((i) => i.type === 'datasource');
    expect(nested).toEqual([expect.objectContaining({ path: 'datasource/plugin.json' })]);
    expect(existsSync(join(SRC, nested[0]!.path))).toBe(true);
    expect(datasourceJson.type).toBe('datasource');
  });

  it('has one page include per routed page with the same role, plus the config page', () => {
    const pages = appJson.includes.filter((i) => i.type === 'page' && i.path.startsWith('/a/'));
    expect(pages.map((p) => [p.path, p.role]).sort()).toEqual(
      APP_ROUTES.map((r) => [`/a/%PLUGIN_ID%/${r.path}`, r.role]).sort()
    );
    expect(pages.filter((p) => p.defaultNav).map((p) => p.path)).toEqual([`/a/%PLUGIN_ID%/${ROUTES.Overview}`]);
    expect(appJson.includes).toContainEqual(expect.objectContaining({ path: '/plugins/%PLUGIN_ID%', role: 'Admin' }));
  });

  it.each([
    ['app', appJson],
    ['datasource', datasourceJson],
  ])('every %s route goes to the backend API with the token and a role', (_name, json) => {
    for (const route of json.routes) {
      expect(route.url).toMatch(/^\{\{ \.JsonData\.apiUrl \}\}\/api\/v1\//);
      expect(route.headers).toEqual([{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.apiToken }}' }]);
      expect(['Viewer', 'Editor', 'Admin']).toContain(route.reqRole);
      expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(route.method);
    }
    const keys = json.routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it.each([
    ['app', appJson, 'locales'],
    ['datasource', datasourceJson, 'datasource/locales'],
  ])('the %s plugin ships a catalogue for each language it declares', (_name, json, folder) => {
    expect(json.languages).toEqual(['en-US', 'zh-Hans']);
    for (const language of json.languages) {
      const file = join(SRC, folder, language, `${json.id}.json`);
      expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
    }
  });
});
