import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../errors/domain-errors.js';
import { openEmbeddedStore } from './embedded-store.js';

describe('embedded store', () => {
  it('refuses a second opener of the same data directory and keeps data across restarts', async () => {
    const d = await mkdtemp(path.join(tmpdir(), 'dbpatrol-embedded-lock-'));
    try {
      const first = await openEmbeddedStore({ dataDir: d });
      await first.migrate();
      await first.tokens.insert({
        id: 't1',
        name: 'kept',
        role: 'viewer',
        hash: 'h1',
        createdAt: new Date().toISOString(),
        createdBy: 'test',
      });
      await expect(openEmbeddedStore({ dataDir: d })).rejects.toBeInstanceOf(ConflictError);
      await first.close();
      const second = await openEmbeddedStore({ dataDir: d });
      await second.migrate();
      expect((await second.tokens.findByHash('h1'))?.name).toBe('kept');
      await second.close();
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
