import { readFileSync } from 'node:fs';

import { InputError } from '../errors/domain-errors.js';

import { DEFAULT_PORTS, targetSpecSchema } from './target-spec.js';
import type { Engine, TargetSpec, TlsOptions } from './target-spec.js';

const SCHEMES: Record<string, Engine> = {
  mysql: 'mysql',
  mariadb: 'mariadb',
  postgres: 'postgres',
  postgresql: 'postgres',
};

/** libpq's `sslmode` values and MySQL's `ssl-mode` spellings. */
const TLS_MODES: Record<string, TlsOptions['mode']> = {
  disable: 'disable',
  prefer: 'prefer',
  require: 'require',
  'verify-ca': 'verify-ca',
  'verify-full': 'verify-full',
  disabled: 'disable',
  preferred: 'prefer',
  required: 'require',
  verify_ca: 'verify-ca',
  verify_identity: 'verify-full',
};

const PARAMETERS = ['sslmode', 'ssl-mode', 'sslrootcert', 'ssl-ca', 'database', 'connect_timeout', 'application_name'];

const fail = (message: string) => InputError.field('url', message);

function decode(text: string, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw fail(`malformed percent-encoding in the ${what}`);
  }
}

function parseHostPort(hostport: string, engine: Engine): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw fail('IPv6 address is missing its closing ]');
    host = hostport.slice(1, close);
    const after = hostport.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw fail(`unexpected '${after}' after the IPv6 address`);
    portText = after === '' ? undefined : after.slice(1);
  } else {
    if (hostport.includes(',')) throw fail('multiple hosts are not supported');
    const parts = hostport.split(':');
    if (parts.length > 2) throw fail('IPv6 addresses must be in brackets, e.g. [::1]:5432');
    host = parts[0] ?? '';
    portText = parts[1];
  }
  if (host === '') throw fail('host is missing');
  if (host.includes('%')) throw fail('Unix socket paths are not supported; give a host name or IP address');
  if (!/^[A-Za-z0-9._:-]+$/.test(host)) throw fail(`invalid host '${host}'`);
  if (portText === undefined) return { host, port: DEFAULT_PORTS[engine] };
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 1 && port <= 65535)) throw fail(`port must be a number from 1 to 65535, got '${portText}'`);
  return { host, port };
}

function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  if (query === '') return params;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), 'parameter names');
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1), `value of '${key}'`);
    if (!PARAMETERS.includes(key)) {
      throw fail(`unknown parameter '${key}' (supported: ${PARAMETERS.join(', ')})`);
    }
    if (params.has(key)) throw fail(`parameter '${key}' is given twice`);
    params.set(key, value);
  }
  return params;
}

function readCa(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch {
    throw fail(`cannot read the CA certificate file '${path}'`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw fail(`'${path}' is not a PEM certificate file`);
  return pem;
}

function parseTls(params: Map<string, string>): TlsOptions | undefined {
  if (params.has('sslmode') && params.has('ssl-mode')) throw fail("give either 'sslmode' or 'ssl-mode', not both");
  if (params.has('sslrootcert') && params.has('ssl-ca')) throw fail("give either 'sslrootcert' or 'ssl-ca', not both");
  const modeText = params.get('sslmode') ?? params.get('ssl-mode');
  const caPath = params.get('sslrootcert') ?? params.get('ssl-ca');
  let mode: TlsOptions['mode'] | undefined;
  if (modeText !== undefined) {
    mode = TLS_MODES[modeText.toLowerCase()];
    if (!mode) throw fail(`sslmode '${modeText}' is not one of disable, prefer, require, verify-ca, verify-full`);
  }
  if (caPath === undefined) return mode ? { mode } : undefined;
  if (caPath === '') throw fail('the CA certificate path is empty');
  // A CA without a mode means the operator wants it used, as MySQL's client reads --ssl-ca alone.
  return { mode: mode ?? 'verify-ca', ca: readCa(caPath) };
}

/**
 * Reads `mysql://`, `mariadb://`, `postgres://` or `postgresql://user:password@host:port/database?sslmode=…`.
 * User, password and database are percent-decoded; `sslrootcert`/`ssl-ca` name a PEM file that is read here.
 * Throws an `InputError` on `url` saying what is wrong.
 */
export function parseTargetUrl(url: string): TargetSpec {
  const schemeMatch = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([\s\S]*)$/.exec(url.trim());
  if (!schemeMatch?.[1] || schemeMatch[2] === undefined) {
    throw fail('must look like mysql://user:password@host:port/database');
  }
  const scheme = schemeMatch[1].toLowerCase();
  const engine = SCHEMES[scheme];
  if (!engine) throw fail(`unsupported scheme '${scheme}:' (use mysql://, mariadb://, postgres:// or postgresql://)`);

  let rest = schemeMatch[2];
  if (rest.includes('#')) throw fail("must not contain '#'; percent-encode it as %23 in a password");
  const queryAt = rest.indexOf('?');
  const params = parseQuery(queryAt < 0 ? '' : rest.slice(queryAt + 1));
  rest = queryAt < 0 ? rest : rest.slice(0, queryAt);
  const slashAt = rest.indexOf('/');
  const authority = slashAt < 0 ? rest : rest.slice(0, slashAt);
  const path = slashAt < 0 ? '' : rest.slice(slashAt + 1);

  const atAt = authority.lastIndexOf('@');
  if (atAt < 0) {
    if (path.includes('@')) throw fail("user or password contains a reserved character; percent-encode '/' as %2F");
    throw fail('user is missing (mysql://user:password@host/…)');
  }
  const userinfo = authority.slice(0, atAt);
  const colonAt = userinfo.indexOf(':');
  const user = decode(colonAt < 0 ? userinfo : userinfo.slice(0, colonAt), 'user');
  const password = colonAt < 0 ? undefined : decode(userinfo.slice(colonAt + 1), 'password');
  if (user === '') throw fail('user is missing (mysql://user:password@host/…)');
  const { host, port } = parseHostPort(authority.slice(atAt + 1), engine);

  if (path.includes('/')) throw fail('the path must be a single database name; percent-encode / as %2F');
  const pathDatabase = path === '' ? undefined : decode(path, 'database name');
  const paramDatabase = params.get('database');
  if (pathDatabase !== undefined && paramDatabase !== undefined && pathDatabase !== paramDatabase) {
    throw fail(`database is given twice: '${pathDatabase}' in the path and '${paramDatabase}' as a parameter`);
  }
  const database = pathDatabase ?? (paramDatabase === '' ? undefined : paramDatabase);

  let connectTimeoutMs: number | undefined;
  const timeoutText = params.get('connect_timeout');
  if (timeoutText !== undefined) {
    if (!/^\d{1,6}$/.test(timeoutText) || Number(timeoutText) < 1) {
      throw fail(`connect_timeout must be a whole number of seconds, got '${timeoutText}'`);
    }
    connectTimeoutMs = Number(timeoutText) * 1000;
  }
  const applicationName = params.get('application_name');
  const tls = parseTls(params);

  const spec: TargetSpec = {
    engine,
    host,
    port,
    user,
    ...(password ? { password } : {}),
    ...(database !== undefined ? { database } : {}),
    ...(tls ? { tls } : {}),
    ...(connectTimeoutMs !== undefined ? { connectTimeoutMs } : {}),
    ...(applicationName !== undefined ? { applicationName } : {}),
  };
  const checked = targetSpecSchema.safeParse(spec);
  if (!checked.success) {
    throw new InputError(
      checked.error.issues.map((i) => ({ path: 'url', message: `${i.path.join('.') || 'value'} ${i.message}` })),
    );
  }
  return spec;
}
