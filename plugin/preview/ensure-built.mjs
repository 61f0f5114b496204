#!/usr/bin/env node
/**
 * Builds what the preview and the browser walk serve when it is missing or older than its sources: the plugin
 * (plugin/dist/module.js against plugin/src) and the backend (backend/dist/main.js against backend/src). A fresh
 * build is left alone, so `npm test` and `npm run preview` cost nothing extra after `npm run build`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const TARGETS = [
  { workspace: 'plugin', output: 'plugin/dist/module.js', sources: ['plugin/src'] },
  { workspace: 'backend', output: 'backend/dist/main.js', sources: ['backend/src'] },
];

/** The workspaces rebuilt (empty when everything was fresh). */
export function ensureBuilt(log = (line) => process.stdout.write(`${line}\n`)) {
  const rebuilt = [];
  for (const target of TARGETS) {
    const output = join(REPO, target.output);
    const built = existsSync(output) ? statSync(output).mtimeMs : 0;
    const changed = Math.max(...target.sources.map((dir) => newest(join(REPO, dir))));
    if (built >= changed) {
      continue;
    }
    log(`${target.output} is ${built ? 'older than its sources' : 'missing'}: npm run build -w ${target.workspace}`);
    const started = Date.now();
    try {
      execFileSync('npm', ['run', 'build', '-w', target.workspace], {
        cwd: REPO,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
    } catch (err) {
      // A failing build (a half-finished edit elsewhere) keeps an existing older build usable; none at all is fatal.
      if (!built) {
        throw err;
      }
      log(`  the build failed; serving the previous ${target.output}`);
      continue;
    }
    log(`  built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    rebuilt.push(target.workspace);
  }
  return rebuilt;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureBuilt();
}
