import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE, loadSealer, prepareNextKey } from './key-file.js';
import { Sealer } from './sealer.js';

describe('Sealer', () => {
  const key = randomBytes(32);

  it.each(['', 'p@ss:w/rd', '密码-パスワード', 'x'.repeat(1000)])('round-trips %j and never shows it', (secret) => {
    const s = new Sealer(key);
    const sealed = s.seal(secret, 'instance:1');
    if (secret.length > 3) expect(sealed).not.toContain(secret);
    expect(sealed).toMatch(/^v1:[0-9a-f]{12}:/);
    expect(s.open(sealed, 'instance:1')).toBe(secret);
  });

  it('seals the same text differently each time', () => {
    const s = new Sealer(key);
    expect(s.seal('same')).not.toBe(s.seal('same'));
  });

  it.each([
    ['another row (AAD)', (s: Sealer, v: string) => s.open(v, 'instance:2')],
    [
      'a tampered ciphertext',
      (s: Sealer, v: string) => s.open(v.slice(0, -2) + (v.endsWith('A') ? 'BB' : 'AA'), 'instance:1'),
    ],
    ['an unknown key', (_s: Sealer, v: string) => new Sealer(randomBytes(32)).open(v, 'instance:1')],
    ['garbage', (s: Sealer) => s.open('nonsense', 'instance:1')],
  ])('refuses to open a value moved to %s', (_what, attempt) => {
    const s = new Sealer(key);
    const v = s.seal('secret', 'instance:1');
    expect(() => attempt(s, v)).toThrow();
  });

  it('opens values sealed with a previous key during rotation', () => {
    const old = new Sealer(key);
    const v = old.seal('secret', 'a');
    const rotated = new Sealer(randomBytes(32), [key]);
    expect(rotated.open(v, 'a')).toBe('secret');
    expect(rotated.sealedWithCurrent(v)).toBe(false);
    expect(rotated.sealedWithCurrent(rotated.seal('x'))).toBe(true);
  });
});

describe('key file', () => {
  it('creates a 0600 key file on first load and reuses it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-key-'));
    try {
      const first = await loadSealer(dir);
      const mode = (await stat(path.join(dir, KEY_FILE))).mode & 0o777;
      expect(mode).toBe(0o600);
      expect(Buffer.from((await readFile(path.join(dir, KEY_FILE), 'utf8')).trim(), 'base64')).toHaveLength(32);
      const second = await loadSealer(dir);
      expect(second.currentKeyId).toBe(first.currentKeyId);
      const next = await prepareNextKey(dir);
      const third = await loadSealer(dir);
      expect(third.open(new Sealer(next).seal('v'))).toBe('v');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prefers DBPATROL_SECRET_KEY and writes no file then', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-key-'));
    try {
      const envKey = randomBytes(32);
      const s = await loadSealer(dir, envKey);
      expect(s.open(new Sealer(envKey).seal('v'))).toBe('v');
      await expect(stat(path.join(dir, KEY_FILE))).rejects.toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
