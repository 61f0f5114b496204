export const ROLES = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

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
