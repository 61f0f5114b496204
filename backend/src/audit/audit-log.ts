import { randomUUID } from 'node:crypto';
import type { AuditRepository } from '../store/store.js';
import type { AuditActor } from './audit.types.js';

export interface AuditTarget {
  type: string;
  id?: string;
  name?: string;
}

/** Records writes; the details passed here must never hold secrets (callers pass field names, not values). */
export class AuditLog {
  constructor(
    private readonly repo: AuditRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  // Generic so callers may pass a richer actor (an HTTP actor with its role) as an object literal too.
  async record<A extends AuditActor>(
    actor: A,
    action: string,
    target: AuditTarget,
    details?: Record<string, unknown>,
  ): Promise<void> {
    await this.repo.append({
      id: randomUUID(),
      at: this.now().toISOString(),
      actor: actor.name,
      ...(actor.grafanaUser ? { grafanaUser: actor.grafanaUser } : {}),
      action,
      targetType: target.type,
      ...(target.id ? { targetId: target.id } : {}),
      ...(target.name ? { targetName: target.name } : {}),
      ...(details ? { details } : {}),
    });
  }
}
