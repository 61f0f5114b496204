import { TargetUnreachableError } from '../errors/domain-errors.js';
import { scrubCredentials } from '../logging/logger.js';

import type { TargetSpec } from './target-spec.js';

interface DriverError {
  code?: unknown;
  errno?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** What the connection was trying to reach; enough to word a message, never the password's place in one. */
export type ConnectionContext = Pick<TargetSpec, 'engine' | 'host' | 'port' | 'user' | 'password' | 'database'> & {
  connectTimeoutMs: number;
  tlsMode: string;
};

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'EAI_FAIL',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'HANDSHAKE_NO_SSL_SUPPORT',
]);

const TLS_VERIFY_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function fields(err: unknown): { code: string; errno?: number; message: string } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as DriverError;
  return {
    code: typeof e.code === 'string' ? e.code : '',
    errno: typeof e.errno === 'number' ? e.errno : undefined,
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

/** The driver's "server has no TLS" answer, on which `prefer` retries in plaintext. */
export function isNoTlsSupportError(err: unknown): boolean {
  const { code, message } = fields(err);
  return code === 'HANDSHAKE_NO_SSL_SUPPORT' || message === 'The server does not support SSL connections';
}

/** Errors that mean the connection itself failed or died, as opposed to a statement failing on a live one. */
/**
 * A connection attempt refused because the server is restarting: nothing listens yet (ECONNREFUSED), the server
 * is starting up or shutting down (PostgreSQL 57P03 cannot_connect_now, 57P01/57P02 shutdown), or it hung up during
 * the handshake. Worth retrying briefly on a server that answered before; never a timeout (a hung server).
 */
export function isRestartingError(err: unknown): boolean {
  const { code, message } = fields(err);
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'PROTOCOL_CONNECTION_LOST') return true;
  if (code === '57P01' || code === '57P02' || code === '57P03') return true;
  return /^Connection terminated unexpectedly/i.test(message);
}

export function isConnectionError(err: unknown): boolean {
  if (err instanceof TargetUnreachableError) return true;
  const { code, message } = fields(err);
  if (NETWORK_CODES.has(code) || TLS_VERIFY_CODES.has(code)) return true;
  return /^(Connection terminated|Connection lost|timeout expired|Client has encountered a connection error|Can.t add new command when connection is in closed state)/i.test(
    message,
  );
}

function hidePassword(text: string, password: string | undefined): string {
  const scrubbed = scrubCredentials(text);
  return password ? scrubbed.split(password).join('***') : scrubbed;
}

/**
 * Rewords a driver's connection failure. Drivers sometimes echo their configuration or a URL in messages, so the
 * message is built from the error code; server text is used only where servers write it themselves.
 */
export function toUnreachableError(err: unknown, ctx: ConnectionContext): TargetUnreachableError {
  if (err instanceof TargetUnreachableError) return err;
  const { code, errno, message } = fields(err);
  const causeCode = fields((err as DriverError | undefined)?.cause).code;
  const at = `${ctx.host}:${ctx.port}`;
  const details = { code: code || causeCode || undefined, errno };
  const fail = (text: string) => new TargetUnreachableError(hidePassword(text, ctx.password), details);

  if (code === 'ECONNREFUSED' || causeCode === 'ECONNREFUSED') return fail(`connection refused at ${at}`);
  if (code === 'ETIMEDOUT' || /timeout expired|due to connection timeout/i.test(message)) {
    return fail(`timed out after ${ctx.connectTimeoutMs} ms connecting to ${at}`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_NONAME' || code === 'EAI_FAIL') return fail(`unknown host '${ctx.host}'`);
  if (code === 'EAI_AGAIN') return fail(`could not resolve host '${ctx.host}' (temporary DNS failure)`);
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN')
    return fail(`host ${ctx.host} is unreachable`);
  if (isNoTlsSupportError(err)) return fail(`server at ${at} does not support TLS (tls mode '${ctx.tlsMode}')`);
  if (TLS_VERIFY_CODES.has(code)) return fail(`TLS certificate verification failed for ${at} (${code})`);
  if (
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'PROTOCOL_CONNECTION_LOST' ||
    /^Connection terminated/i.test(message)
  ) {
    return fail(`connection to ${at} was closed by the server`);
  }

  // MySQL/MariaDB server errors (errno) and PostgreSQL SQLSTATEs.
  if (errno === 1045 || code === '28P01') return fail(`authentication failed for user '${ctx.user}'`);
  if (/client password must be a string|password authentication failed/i.test(message)) {
    return fail(`authentication failed for user '${ctx.user}' (no or wrong password)`);
  }
  if (code === '28000') return fail(`access rejected for user '${ctx.user}': ${message}`);
  if (errno === 1044 || code === '42501')
    return fail(`user '${ctx.user}' may not use database '${ctx.database ?? ''}'`);
  if (errno === 1049 || code === '3D000') return fail(`database '${ctx.database ?? ''}' does not exist at ${at}`);
  if (errno === 1130) return fail(`host is not allowed to connect to ${at} as '${ctx.user}'`);
  if (errno === 1251 || code === 'ER_NOT_SUPPORTED_AUTH_MODE') {
    return fail(`authentication method of user '${ctx.user}' is not supported by the client`);
  }
  if (errno === 1040 || code === '53300') return fail(`too many connections at ${at}`);
  if (code === '57P03') return fail(`server at ${at} is not accepting connections: ${message}`);
  return fail(`could not connect to ${at}: ${code ? `${code} ` : ''}${message}`);
}
