import { readdirSync, readFileSync, statSync } from 'fs';
import { join, relative } from 'path';

import appEn from './en-US/dbpatrol-inspection-app.json';
import appZh from './zh-Hans/dbpatrol-inspection-app.json';
import dsEn from '../datasource/locales/en-US/dbpatrol-inspection-datasource.json';
import dsZh from '../datasource/locales/zh-Hans/dbpatrol-inspection-datasource.json';

type Catalogue = { [key: string]: string | Catalogue };

function flatten(catalogue: Catalogue, prefix = ''): Record<string, string> {
  return Object.entries(catalogue).reduce<Record<string, string>>((out, [key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return typeof value === 'string' ? { ...out, [path]: value } : { ...out, ...flatten(value, path) };
  }, {});
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'test' || name === 'locales' ? [] : sourceFiles(path);
    }
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Keys used in source: `t('key', …)` and `<Trans i18nKey="key">`. */
function usedKeys(files: string[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bt\(\s*'([\w.]+)'/g)) {
      keys.set(m[1]!, file);
    }
    for (const m of text.matchAll(/i18nKey="([\w.]+)"/g)) {
      keys.set(m[1]!, file);
    }
  }
  return keys;
}

const SRC = join(__dirname, '..');
const isDatasource = (file: string) => relative(SRC, file).startsWith('datasource');

describe.each([
  ['app', appEn, appZh, (file: string) => !isDatasource(file)],
  ['datasource', dsEn, dsZh, isDatasource],
])('%s catalogues', (_name, en, zh, owns) => {
  const enFlat = flatten(en);
  const zhFlat = flatten(zh);

  it('have the same keys in en-US and zh-Hans', () => {
    expect(Object.keys(zhFlat).sort()).toEqual(Object.keys(enFlat).sort());
  });

  it('keep the same placeholders in each translation, and translate', () => {
    for (const [key, english] of Object.entries(enFlat)) {
      expect([key, placeholders(zhFlat[key] ?? '')]).toEqual([key, placeholders(english)]);
      expect(zhFlat[key]).not.toBe('');
    }
  });

  it('hold every key the source uses, and only those', () => {
    const used = usedKeys(sourceFiles(SRC).filter(owns));
    expect([...used.keys()].filter((k) => !(k in enFlat))).toEqual([]);
    expect(Object.keys(enFlat).filter((k) => !used.has(k))).toEqual([]);
  });
});
