#!/usr/bin/env node
/**
 * `npm run preview`: the built plugin in a Grafana-shaped page without a Grafana. It serves the harness at Grafana's
 * own paths (/a/<app id>/..., /plugins/<app id>), the plugin's dist/ at /public/plugins/<app id>/, plays Grafana's
 * plugin proxy with the same route matcher the plugin tests use (src/test/proxy-emulator.ts, plugin.json routes and
 * reqRole against the signed-in role) and forwards to the real backend: DBPATROL_API_URL + DBPATROL_API_TOKEN, or one
 * it starts itself on the embedded store in a temporary directory.
 *
 * Role and language come from ?role= / ?lang= (remembered in cookies), as Grafana's session would give them.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';

import * as esbuild from 'esbuild';

const HERE = dirname(fileURLToPath(import.meta.url));
const PLUGIN = resolve(HERE, '..');
const REPO = resolve(PLUGIN, '..');
const DIST = join(PLUGIN, 'dist');
const ROLES = ['Viewer', 'Editor', 'Admin'];
const ROLE_COOKIE = 'dbpatrol_preview_role';
const LANG_COOKIE = 'dbpatrol_preview_lang';
const DATASOURCE_UID = 'dbpatrol';
// Icons and images Grafana serves from public/ and @grafana/ui ships (Icon loads its SVGs by URL).
const GRAFANA_PUBLIC = [
  join(PLUGIN, 'node_modules/@grafana/ui/dist/public'),
  join(REPO, 'node_modules/@grafana/ui/dist/public'),
].find((dir) => existsSync(dir));

const log = (line) => process.stdout.write(`${line}\n`);

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

async function freePort() {
  return new Promise((ok, fail) => {
    const server = createNetServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/** The route matcher of the plugin tests, compiled once for Node: the preview and the tests share one reqRole rule. */
async function loadProxyEmulator(workDir) {
  const out = join(workDir, 'proxy-emulator.mjs');
  await esbuild.build({
    entryPoints: [join(PLUGIN, 'src/test/proxy-emulator.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
  });
  return import(pathToFileURL(out).href);
}

/** The harness bundle (real @grafana/ui, data, runtime, React) kept in memory: name -> contents. */
async function buildHarness(workDir) {
  const started = Date.now();
  const outdir = join(workDir, 'harness');
  const result = await esbuild.build({
    entryPoints: { harness: join(HERE, 'harness.tsx') },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    outdir,
    publicPath: '/harness',
    write: false,
    minify: true,
    jsx: 'automatic',
    loader: { '.svg': 'text', '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.png': 'file' },
    define: { 'process.env.NODE_ENV': '"production"', 'process.env': '{}', global: 'window' },
    logLevel: 'error',
  });
  const files = new Map();
  for (const file of result.outputFiles) {
    files.set(
      file.path
        .slice(outdir.length + 1)
        .split(sep)
        .join('/'),
      Buffer.from(file.contents)
    );
  }
  return { files, ms: Date.now() - started };
}

/** `dbpatrol serve` on the embedded store in a fresh temporary directory, with an admin token of our own. */
async function startBackend(workDir) {
  const bin = join(REPO, 'backend/bin/dbpatrol.js');
  if (!existsSync(join(REPO, 'backend/dist/main.js'))) {
    throw new Error('backend/dist is missing: run `npm run build` first');
  }
  const dataDir = join(workDir, 'data');
  const port = await freePort();
  const token = `preview-${randomBytes(18).toString('hex')}`;
  let output = '';
  const child = spawn(process.execPath, [bin, 'serve'], {
    cwd: workDir,
    env: {
      ...process.env,
      DBPATROL_DATA_DIR: dataDir,
      DBPATROL_PORT: String(port),
      DBPATROL_HOST: '127.0.0.1',
      DBPATROL_API_TOKEN: token,
      DBPATROL_LOG_LEVEL: process.env.DBPATROL_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk) => (output += chunk.toString()));
  child.stderr.on('data', (chunk) => {
    output += chunk.toString();
    process.stderr.write(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the backend exited with ${child.exitCode}:\n${output}`);
    }
    const healthy = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (healthy) {
      return { url, token, child };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGKILL');
  throw new Error(`the backend did not answer within 90 s:\n${output}`);
}

function cookies(req) {
  const jar = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0) {
      jar[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim());
    }
  }
  return jar;
}

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

const TYPES = {
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.md': 'text/markdown; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startPreview({ port, host, apiUrl, apiToken }) {
  if (!existsSync(join(DIST, 'module.js'))) {
    throw new Error('plugin/dist/module.js is missing: run `npm run build -w plugin` first');
  }
  const workDir = mkdtempSync(join(tmpdir(), 'dbpatrol-preview-'));
  const appJson = readJson(join(DIST, 'plugin.json'));
  const dsJson = readJson(join(DIST, 'datasource/plugin.json'));
  const languages = ['en-US', ...(appJson.languages ?? []).filter((l) => l !== 'en-US')];
  const [{ decide }, harness] = await Promise.all([loadProxyEmulator(workDir), buildHarness(workDir)]);

  let backend;
  if (!apiUrl) {
    backend = await startBackend(workDir);
    apiUrl = backend.url;
    apiToken = backend.token;
  }
  // Grafana's stored app settings: jsonData is readable by the org, the token only reaches the proxy.
  const settings = { jsonData: { apiUrl }, secureJsonData: { apiToken: apiToken ?? '' } };
  const appId = appJson.id;
  const appBase = `/a/${appId}`;

  const identity = (req, url) => {
    const jar = cookies(req);
    const role = url.searchParams.get('role') ?? jar[ROLE_COOKIE] ?? 'Admin';
    const language = url.searchParams.get('lang') ?? jar[LANG_COOKIE] ?? 'en-US';
    return { role, language };
  };

  const pluginMeta = () => ({
    id: appId,
    type: 'app',
    name: appJson.name,
    enabled: true,
    pinned: true,
    info: appJson.info,
    includes: appJson.includes,
    jsonData: settings.jsonData,
    secureJsonFields: { apiToken: Boolean(settings.secureJsonData.apiToken) },
    baseUrl: `public/plugins/${appId}`,
    module: `public/plugins/${appId}/module.js`,
    languages,
  });

  const page = (role, language) => {
    const login = `preview-${role.toLowerCase()}`;
    const bootData = {
      settings: {
        appUrl: `http://${host}:${port}/`,
        appSubUrl: '',
        buildInfo: { version: '13.1.1', edition: 'Open Source', env: 'production', commit: 'preview' },
        featureToggles: {},
        datasources: {
          [dsJson.name]: {
            uid: DATASOURCE_UID,
            name: dsJson.name,
            type: dsJson.id,
            access: 'proxy',
            url: `/api/datasources/proxy/uid/${DATASOURCE_UID}`,
            jsonData: settings.jsonData,
            meta: { id: dsJson.id, name: dsJson.name, type: 'datasource', info: dsJson.info },
          },
        },
        panels: {},
        apps: { [appId]: { id: appId, path: `public/plugins/${appId}/module.js`, version: appJson.info.version } },
      },
      user: {
        id: 1,
        uid: login,
        login,
        name: `Preview ${role}`,
        email: `${login}@localhost`,
        orgId: 1,
        orgName: 'Main Org.',
        orgRole: role,
        isSignedIn: true,
        isGrafanaAdmin: false,
        theme: 'dark',
        timezone: 'browser',
        weekStart: 'browser',
        locale: language,
        language,
        permissions: {},
        helpFlags1: 0,
        hasEditPermissionInFolders: role !== 'Viewer',
      },
      navTree: [],
      assets: { dark: '', light: '' },
    };
    const preview = { pluginId: appId, pluginBase: `/public/plugins/${appId}`, role, language };
    const json = (value) => JSON.stringify(value).replace(/</g, '\\u003c');
    // Boot data in its own script: @grafana/runtime reads it when the bundle is evaluated.
    return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<base href="/">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DB Patrol (preview)</title>
<link rel="icon" href="/public/plugins/${appId}/img/logo.svg">
${harness.files.has('harness.css') ? '<link rel="stylesheet" href="/harness/harness.css">' : ''}
<style>html, body { margin: 0; height: 100%; }</style>
<script>window.grafanaBootData = ${json(bootData)}; window.dbpatrolPreview = ${json(preview)};</script>
</head>
<body>
<div id="reactRoot"></div>
<div id="grafana-portal-container"></div>
<script src="/harness/harness.js"></script>
</body>
</html>
`;
  };

  /** Grafana's plugin proxy: route decision by the shared emulator, then a streamed request to the backend. */
  const proxy = (req, res, routes, subpath, search, role) => {
    let decision;
    try {
      decision = decide(routes, req.method ?? 'GET', subpath, role, settings);
    } catch (err) {
      return sendJson(res, 500, { message: String(err?.message ?? err) });
    }
    if (decision.kind === 'no-route') {
      return sendJson(res, 404, { message: 'plugin route match not found' });
    }
    if (decision.kind === 'denied') {
      return sendJson(res, 403, { message: 'plugin proxy route access denied' });
    }
    const target = new URL(decision.url + search);
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (!['host', 'cookie', 'authorization', 'connection', 'origin', 'referer'].includes(name)) {
        headers[name] = value;
      }
    }
    Object.assign(headers, decision.headers, { 'X-Grafana-User': `preview-${role.toLowerCase()}` });
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const upstream = send(target, { method: req.method, headers }, (answer) => {
      const out = { ...answer.headers };
      delete out['set-cookie'];
      delete out.connection;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        sendJson(res, 502, { message: `Bad Gateway: ${err.message}` });
      } else {
        res.destroy(err);
      }
    });
    req.pipe(upstream);
  };

  const serveFile = (res, root, relative) => {
    const path = normalize(join(root, relative));
    if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) {
      return sendJson(res, 404, { message: 'Not found' });
    }
    res.writeHead(200, {
      'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
    res.end(readFileSync(path));
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const path = url.pathname;
    const { role, language } = identity(req, url);
    try {
      if (path === '/api/health') {
        return sendJson(res, 200, { database: 'ok', version: '13.1.1 (DB Patrol preview)' });
      }
      if (path.startsWith('/api/') && !ROLES.includes(role)) {
        return sendJson(res, 401, { message: 'Unauthorized' });
      }
      const appProxy = `/api/plugin-proxy/${appId}/`;
      if (path.startsWith(appProxy)) {
        return proxy(req, res, appJson.routes ?? [], path.slice(appProxy.length), url.search, role);
      }
      const dsProxy = `/api/datasources/proxy/uid/${DATASOURCE_UID}/`;
      if (path.startsWith(dsProxy)) {
        return proxy(req, res, dsJson.routes ?? [], path.slice(dsProxy.length), url.search, role);
      }
      if (path === `/api/plugins/${appId}/settings`) {
        if (req.method === 'GET') {
          return sendJson(res, 200, pluginMeta());
        }
        if (req.method === 'POST') {
          if (role !== 'Admin') {
            return sendJson(res, 403, { message: 'Permission denied' });
          }
          const body = JSON.parse((await readBody(req)) || '{}');
          if (body.jsonData !== undefined && (typeof body.jsonData !== 'object' || body.jsonData === null)) {
            return sendJson(res, 400, { message: 'jsonData must be an object' });
          }
          settings.jsonData = { ...settings.jsonData, ...(body.jsonData ?? {}) };
          if (typeof body.secureJsonData?.apiToken === 'string') {
            settings.secureJsonData.apiToken = body.secureJsonData.apiToken;
          }
          return sendJson(res, 200, { message: 'Plugin settings updated' });
        }
        return sendJson(res, 405, { message: 'Method not allowed' });
      }
      if (path.startsWith('/api/')) {
        return sendJson(res, 404, { message: 'Not found' });
      }
      if (path.startsWith('/harness/')) {
        const file = harness.files.get(path.slice('/harness/'.length));
        if (!file) {
          return sendJson(res, 404, { message: 'Not found' });
        }
        res.writeHead(200, { 'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream' });
        return res.end(file);
      }
      if (GRAFANA_PUBLIC && path.startsWith('/public/build/img/')) {
        return serveFile(res, join(GRAFANA_PUBLIC, 'img'), decodeURIComponent(path.slice('/public/build/img/'.length)));
      }
      if (GRAFANA_PUBLIC && path.startsWith('/public/img/')) {
        return serveFile(res, join(GRAFANA_PUBLIC, 'img'), decodeURIComponent(path.slice('/public/img/'.length)));
      }
      const publicBase = `/public/plugins/${appId}/`;
      if (path.startsWith(publicBase)) {
        return serveFile(res, DIST, decodeURIComponent(path.slice(publicBase.length)));
      }
      if (path === '/' || path === appBase || path === `${appBase}/`) {
        res.writeHead(302, { Location: `${appBase}/overview${url.search}` });
        return res.end();
      }
      if (path.startsWith(`${appBase}/`) || path === `/plugins/${appId}`) {
        if (!ROLES.includes(role)) {
          res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
          return res.end(`role must be one of ${ROLES.join(', ')}`);
        }
        if (!languages.includes(language)) {
          res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' });
          return res.end(`lang must be one of ${languages.join(', ')}`);
        }
        const setCookies = [
          `${ROLE_COOKIE}=${encodeURIComponent(role)}; Path=/; SameSite=Lax`,
          `${LANG_COOKIE}=${encodeURIComponent(language)}; Path=/; SameSite=Lax`,
        ];
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Set-Cookie': setCookies });
        return res.end(page(role, language));
      }
      return sendJson(res, 404, { message: 'Not found' });
    } catch (err) {
      if (!res.headersSent) {
        sendJson(res, 500, { message: String(err?.message ?? err) });
      }
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const previewUrl = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${actualPort}`;

  const stop = async () => {
    await new Promise((done) => server.close(() => done()));
    server.closeAllConnections?.();
    if (backend && backend.child.exitCode === null) {
      const exited = new Promise((done) => backend.child.once('exit', done));
      backend.child.kill('SIGTERM');
      const timer = setTimeout(() => backend.child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(workDir, { recursive: true, force: true });
  };
  return {
    url: previewUrl,
    appUrl: `${previewUrl}${appBase}`,
    apiUrl,
    harnessMs: harness.ms,
    ownBackend: !!backend,
    stop,
  };
}

async function main() {
  const port = Number(process.env.DBPATROL_PREVIEW_PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`DBPATROL_PREVIEW_PORT must be a port number, not ${process.env.DBPATROL_PREVIEW_PORT}`);
  }
  const apiUrl = process.env.DBPATROL_API_URL?.replace(/\/+$/, '');
  if (apiUrl && !process.env.DBPATROL_API_TOKEN) {
    throw new Error('DBPATROL_API_URL is set: DBPATROL_API_TOKEN must hold a token of that backend');
  }
  const preview = await startPreview({
    port,
    host: process.env.DBPATROL_PREVIEW_HOST ?? '127.0.0.1',
    apiUrl,
    apiToken: process.env.DBPATROL_API_TOKEN,
  });
  log('');
  log(
    `DB Patrol plugin preview (the built plugin/dist in a Grafana-like page, harness built in ${preview.harnessMs} ms)`
  );
  log(`  preview: ${preview.appUrl}/overview`);
  log(`  API:     ${preview.apiUrl}${preview.ownBackend ? ' (embedded store in a temporary directory)' : ''}`);
  log(`  role and language: add ?role=Viewer|Editor|Admin and ?lang=en-US|zh-Hans to any page`);
  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    preview.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`preview: ${err?.message ?? err}\n`);
    process.exit(1);
  });
}
