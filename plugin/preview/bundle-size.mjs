#!/usr/bin/env node
/**
 * `npm run bench` (plugin part): the size of what Grafana downloads for the plugin, from a fresh production build:
 * the app's dist/module.js, its lazy chunks (dist/<n>.js) and the datasource's dist/datasource/module.js, raw and
 * gzipped. Runs with no bench name or with `bundle`; other bench names belong to the backend and are skipped here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { ensureBuilt } from './ensure-built.mjs';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');

export function bundleSizes(dist = DIST) {
  const files = [
    'module.js',
    ...readdirSync(dist)
      .filter((name) => /^\d+\.js$/.test(name))
      .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10)),
    ...(existsSync(join(dist, 'datasource/module.js')) ? ['datasource/module.js'] : []),
  ];
  return files.map((file) => {
    const bytes = readFileSync(join(dist, file));
    return { file, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

function main(argv) {
  const which = argv.find((a) => !a.startsWith('--'));
  if (which && which !== 'bundle') {
    return;
  }
  ensureBuilt();
  const sizes = bundleSizes();
  const chunks = sizes.filter((s) => /^\d+\.js$/.test(s.file));
  const total = sizes.reduce((sum, s) => ({ raw: sum.raw + s.raw, gzip: sum.gzip + s.gzip }), { raw: 0, gzip: 0 });
  const row = (name, s) => `| ${name} | ${kb(s.raw)} | ${kb(s.gzip)} |`;
  const sum = (list) =>
    list.reduce((acc, s) => ({ raw: acc.raw + s.raw, gzip: acc.gzip + s.gzip }), { raw: 0, gzip: 0 });
  const lines = [
    '',
    'Plugin bundle (plugin/dist, production build; Grafana loads module.js first, chunks when a page needs them)',
    '',
    '| file | raw | gzip |',
    '|---|---:|---:|',
    row('module.js', sizes[0]),
    row(`${chunks.length} chunks (<n>.js)`, sum(chunks)),
    ...sizes.filter((s) => s.file === 'datasource/module.js').map((s) => row(s.file, s)),
    row('**total**', total),
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
