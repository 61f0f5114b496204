import type { Role } from '../http/roles.js';

export type { Role };

/** A stored API token: only the SHA-256 of the secret is kept. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  role: Role;
  hash: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt?: string;
}

export type ApiToken = Omit<ApiTokenRecord, 'hash'>;
