import type { Actor } from '../http/actor.js';
import type { AuditLog } from '../audit/audit-log.js';
import { passwordAad } from '../inventory/instance-target.js';
import type { InventoryRepository } from '../store/store.js';
import { prepareNextKey, promoteNextKey, readNextKey } from './key-file.js';
import { Sealer } from './sealer.js';

export interface RotateOptions {
  dataDir: string;
  current: Sealer;
  /** With `DBPATROL_SECRET_KEY` the operator supplies the new key (and then sets it in the environment). */
  newKey?: Buffer;
}

/**
 * Re-seals every stored credential with a new key. The new key is written before anything is sealed with it and
 * the re-sealing is one atomic store write, so a crash at any step leaves every value readable.
 */
export async function rotateSecrets(
  repo: InventoryRepository,
  audit: AuditLog,
  actor: Actor,
  options: RotateOptions,
): Promise<{ resealed: number; keyId: string }> {
  const fromFile = !options.newKey;
  // An interrupted rotation left its key behind: finish with that key, since values may already be sealed with it.
  const next = options.newKey ?? (await readNextKey(options.dataDir)) ?? (await prepareNextKey(options.dataDir));
  const target = new Sealer(next);
  const { instances } = await repo.snapshot();
  const resealed = instances
    .filter((i) => i.passwordSealed !== undefined)
    .map((i) => {
      const aad = passwordAad(i.id);
      return { id: i.id, passwordSealed: target.seal(options.current.open(i.passwordSealed!, aad), aad) };
    });
  await repo.replaceSealedPasswords(resealed);
  if (fromFile) await promoteNextKey(options.dataDir);
  await audit.record(
    actor,
    'secrets.rotate',
    { type: 'secrets' },
    { resealed: resealed.length, keyId: target.currentKeyId },
  );
  return { resealed: resealed.length, keyId: target.currentKeyId };
}
