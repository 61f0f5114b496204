import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/audit-log.js';
import type { Actor } from '../http/actor.js';
import type { TokenRepository } from '../store/store.js';
import { generateTokenSecret, hashToken } from './token-secret.js';
import type { ApiToken, Role } from './token.types.js';

export interface CreatedToken extends ApiToken {
  /** The secret, shown once; only its hash is stored. */
  token: string;
}

export class TokensService {
  constructor(
    private readonly repo: TokenRepository,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): Promise<ApiToken[]> {
    return this.repo.list();
  }

  async create(actor: Actor, input: { name: string; role: Role }): Promise<CreatedToken> {
    const token = generateTokenSecret();
    const saved = await this.repo.insert({
      id: randomUUID(),
      name: input.name,
      role: input.role,
      hash: hashToken(token),
      createdAt: this.now().toISOString(),
      createdBy: actor.grafanaUser ? `${actor.name} (${actor.grafanaUser})` : actor.name,
    });
    await this.audit.record(
      actor,
      'token.create',
      { type: 'token', id: saved.id, name: saved.name },
      { role: saved.role },
    );
    return { ...saved, token };
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.repo.delete(id);
    await this.audit.record(actor, 'token.delete', { type: 'token', id });
  }

  /** On a store with no token at all, creates the first admin token; returns its secret, or null if any exists. */
  async bootstrapAdmin(actor: Actor): Promise<CreatedToken | null> {
    if ((await this.repo.count()) > 0) return null;
    try {
      return await this.create(actor, { name: 'admin', role: 'admin' });
    } catch (err) {
      if ((err as { code?: string }).code === 'conflict') return null;
      throw err;
    }
  }
}
