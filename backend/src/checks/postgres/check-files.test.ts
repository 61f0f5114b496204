import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const checkFiles = readdirSync(here, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.check.ts'))
  .sort();

describe('PostgreSQL check files', () => {
  it('are found', () => {
    expect(checkFiles.length).toBeGreaterThan(30);
  });

  it.each(checkFiles.map((f) => [relative(here, join(here, f))]))('%s exports exactly one check', (file) => {
    const exported = [
      ...readFileSync(join(here, file), 'utf8').matchAll(/^export (?:const|function|class|type|interface) (\w+)/gm),
    ].map((m) => m[1]);
    expect(exported).toHaveLength(1);
    expect(exported[0]).toMatch(/^postgres[A-Z]\w+$/);
  });
});
