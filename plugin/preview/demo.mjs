#!/usr/bin/env node
/**
 * `npm run demo`: `dbpatrol serve --demo` (the API on the embedded store, the local MariaDB and PostgreSQL registered
 * and inspected) and, in front of it, the plugin preview (server.mjs) so the demo's reports can be read in the UI.
 * The serve output passes through, with the preview's URL printed beside the API's and each report line pointing at
 * its report page (/a/<app id>/reports/<id>) instead of the API URL.
 *
 * The preview talks to this API with a token handed to both through DBPATROL_API_TOKEN (the backend accepts it as an
 * admin token), so it works on the first start and every later one alike.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startPreview } from './server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../..');
const APP_PATH = '/a/dbpatrol-inspection-app';

/** A serve output line with the API's report URL rewritten to the preview's report page. */
export function toReportPage(line, apiUrl, previewUrl) {
  const escaped = apiUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return line
    .replace(new RegExp(`report: GET ${escaped}/api/v1/reports/(\\S+)`), `report: ${previewUrl}${APP_PATH}/reports/$1`)
    .replace(
      new RegExp(`all reports: +GET ${escaped}/api/v1/reports\\b`),
      `all reports:  ${previewUrl}${APP_PATH}/reports`
    );
}

async function main() {
  const port = Number(process.env.DBPATROL_PREVIEW_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`DBPATROL_PREVIEW_PORT must be a port number, not ${process.env.DBPATROL_PREVIEW_PORT}`);
  }
  if (!existsSync(join(REPO, 'plugin/dist/module.js'))) {
    throw new Error('plugin/dist/module.js is missing: run `npm run build` first');
  }
  const token = process.env.DBPATROL_API_TOKEN || `demo-${randomBytes(18).toString('hex')}`;
  const child = spawn(
    process.execPath,
    ['--max-semi-space-size=1', join(REPO, 'backend/bin/dbpatrol.js'), 'serve', '--demo', ...process.argv.slice(2)],
    { env: { ...process.env, DBPATROL_API_TOKEN: token }, stdio: ['inherit', 'pipe', 'inherit'] }
  );
  let apiUrl;
  let preview;
  let pending = '';
  let waiting = false;
  const held = [];
  const out = (line) => process.stdout.write(`${preview ? toReportPage(line, apiUrl, preview.url) : line}\n`);

  const startingPreview = (url) =>
    startPreview({ port, host: process.env.DBPATROL_PREVIEW_HOST ?? '127.0.0.1', apiUrl: url, apiToken: token })
      .then((started) => {
        preview = started;
        out(`  Preview: ${started.appUrl}/overview (the Grafana plugin; ?role=Viewer|Editor|Admin, ?lang=zh-Hans)`);
        held.splice(0).forEach(out);
      })
      .catch((err) => {
        process.stderr.write(`preview: ${err?.message ?? err}\n`);
        held.splice(0).forEach(out);
      });

  child.stdout.on('data', (chunk) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      const listening = /listening on (http:\/\/\S+)/.exec(line);
      if (listening && !apiUrl) {
        apiUrl = listening[1];
        out(line);
        waiting = true;
        void startingPreview(apiUrl).finally(() => (waiting = false));
      } else if (apiUrl && waiting) {
        held.push(line); // printed once the preview's URL is known, so it stands next to the API's
      } else {
        out(line);
      }
    }
  });

  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      return;
    }
    stopping = true;
    child.kill(signal);
    Promise.resolve(preview?.stop()).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  child.on('exit', (code) => {
    if (!stopping) {
      Promise.resolve(preview?.stop()).finally(() => process.exit(code ?? 1));
    }
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`demo: ${err?.message ?? err}\n`);
    process.exit(1);
  });
}
