import type { TokenRepository } from '../store/store.js';
import type { ApiToken, ApiTokenRecord } from './token.types.js';

/**
 * How long a token found in the store is trusted without asking again. Every API request authenticates, and under
 * Grafana's refreshes that store round trip was a fixed share of each request (npm run bench -- load). A token
 * deleted through this process stops working at once; one deleted through another process (another API replica, the
 * CLI) stops within this time.
 */
export const TOKEN_CACHE_MS = 5_000;
/** Tokens remembered at most (a store holds a handful; the bound keeps a flood of distinct valid tokens harmless). */
const MAX_ENTRIES = 1_000;

/**
 * The token repository with `findByHash` answered from memory for {@link TOKEN_CACHE_MS}. Only found tokens are
 * remembered (an unknown secret always reaches the store); `delete` forgets the token before it returns.
 */
export class CachingTokenRepository implements TokenRepository {
  readonly #entries = new Map<string, { record: ApiTokenRecord; until: number }>();

  constructor(
    private readonly inner: TokenRepository,
    private readonly ttlMs = TOKEN_CACHE_MS,
    private readonly now: () => number = () => Date.now(),
  ) {}

  async findByHash(hash: string): Promise<ApiTokenRecord | null> {
    const at = this.now();
    const hit = this.#entries.get(hash);
    if (hit && hit.until > at) return hit.record;
    this.#entries.delete(hash);
    const record = await this.inner.findByHash(hash);
    if (record) {
      if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
      this.#entries.set(hash, { record, until: at + this.ttlMs });
    }
    return record;
  }

  async delete(id: string): Promise<void> {
    this.#forget(id);
    await this.inner.delete(id);
    // A lookup that started before the delete may have put the token back: forget it again.
    this.#forget(id);
  }

  insert(token: ApiTokenRecord): Promise<ApiToken> {
    return this.inner.insert(token);
  }

  list(): Promise<ApiToken[]> {
    return this.inner.list();
  }

  markUsed(id: string, at: string): Promise<void> {
    return this.inner.markUsed(id, at);
  }

  count(): Promise<number> {
    return this.inner.count();
  }

  #forget(id: string): void {
    for (const [hash, entry] of this.#entries) if (entry.record.id === id) this.#entries.delete(hash);
  }
}
