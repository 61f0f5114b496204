import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';

import type { SslOptions } from 'mysql2';

import type { TlsOptions } from './target-spec.js';

/**
 * mysql2's `ssl`. Neither driver can fall back to plaintext by itself, so `prefer` is TLS without verification
 * here and the targets retry without TLS when the server says it has none.
 */
export function mysqlSslOptions(tls: TlsOptions): SslOptions | undefined {
  switch (tls.mode) {
    case 'disable':
      return undefined;
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, verifyIdentity: false, ...(tls.ca ? { ca: tls.ca } : {}) };
    case 'verify-full':
      return { rejectUnauthorized: true, verifyIdentity: true, ...(tls.ca ? { ca: tls.ca } : {}) };
  }
}

/** node-postgres' `ssl` (handed to `tls.connect`, which checks the host name unless told otherwise). */
export function pgSslOptions(tls: TlsOptions): TlsConnectionOptions | false {
  switch (tls.mode) {
    case 'disable':
      return false;
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined, ...(tls.ca ? { ca: tls.ca } : {}) };
    case 'verify-full':
      return { rejectUnauthorized: true, ...(tls.ca ? { ca: tls.ca } : {}) };
  }
}
