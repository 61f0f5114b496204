import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MYSQL_DAILY_CHECKS } from './daily.list.js';
import { MYSQL_WEEKLY_OBJECT_CHECKS } from './weekly-objects.list.js';
import { MYSQL_WEEKLY_SECURITY_CHECKS } from './weekly-security.list.js';
import { MYSQL_MONTHLY_CHECKS } from './monthly.list.js';
import { MYSQL_ANNUAL_CHECKS } from './annual.list.js';
import { MYSQL_HOST_CHECKS } from './host.list.js';
import { MYSQL_HISTORY_CHECKS } from './history.list.js';

const here = dirname(fileURLToPath(import.meta.url));
const checkFiles = readdirSync(here, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.check.ts'))
  .sort();
const listed = [
  ...MYSQL_DAILY_CHECKS,
  ...MYSQL_WEEKLY_OBJECT_CHECKS,
  ...MYSQL_WEEKLY_SECURITY_CHECKS,
  ...MYSQL_MONTHLY_CHECKS,
  ...MYSQL_ANNUAL_CHECKS,
  ...MYSQL_HOST_CHECKS,
  ...MYSQL_HISTORY_CHECKS,
];

describe('MySQL check files', () => {
  it('hold every listed check, one file each', () => {
    expect(checkFiles).toHaveLength(listed.length);
  });

  it.each(checkFiles.map((f) => [f]))('%s exports exactly one check, and it is listed', async (file) => {
    const module = (await import(pathToFileURL(join(here, file)).href)) as Record<string, unknown>;
    const exported = Object.entries(module);
    expect(exported.map(([name]) => name)).toHaveLength(1);
    const [name, check] = exported[0]!;
    expect(name).toMatch(/^mysql[A-Z]\w+$/);
    expect(listed).toContain(check);
  });
});
