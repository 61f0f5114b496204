import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 'v1';

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * AES-256-GCM sealing of credentials at rest. Sealed text is `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url),
 * so several keys can be held during a rotation and each value opens with the key it was sealed with.
 */
export class Sealer {
  private readonly keys = new Map<string, Buffer>();
  readonly currentKeyId: string;

  constructor(
    private readonly current: Buffer,
    previous: Buffer[] = [],
  ) {
    for (const k of [current, ...previous]) {
      if (k.length !== 32) throw new Error('a sealing key must be 32 bytes');
      this.keys.set(keyId(k), k);
    }
    this.currentKeyId = keyId(current);
  }

  seal(plaintext: string, aad = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current, iv);
    cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ct].map((b) => b.toString('base64url'));
    return [VERSION, this.currentKeyId, ...parts].join(':');
  }

  open(sealed: string, aad = ''): string {
    const [version, kid, iv, tag, ct] = sealed.split(':');
    if (version !== VERSION || !kid || iv === undefined || tag === undefined || ct === undefined) {
      throw new Error('sealed value has an unknown format');
    }
    const key = this.keys.get(kid);
    if (!key) throw new Error(`sealed with key ${kid}, which is not loaded`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  sealedWithCurrent(sealed: string): boolean {
    return sealed.split(':')[1] === this.currentKeyId;
  }
}
