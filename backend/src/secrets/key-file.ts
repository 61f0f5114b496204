import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Sealer } from './sealer.js';

export const KEY_FILE = 'secret.key';
export const NEXT_KEY_FILE = 'secret.key.next';

async function readKey(file: string): Promise<Buffer | undefined> {
  try {
    const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a base64 32-byte key`);
    return key;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function writeKey(file: string, key: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, key.toString('base64') + '\n', { mode: 0o600, flag: 'w' });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}

/**
 * The sealer for this process: `DBPATROL_SECRET_KEY` when given, else `<dataDir>/secret.key`, created (mode 0600)
 * on first start. A leftover `secret.key.next` from an interrupted rotation is loaded too, so nothing sealed by
 * either key is ever unreadable.
 */
export async function loadSealer(dataDir: string, envKey?: Buffer): Promise<Sealer> {
  const next = await readKey(path.join(dataDir, NEXT_KEY_FILE));
  if (envKey) return new Sealer(envKey, next ? [next] : []);
  const file = path.join(dataDir, KEY_FILE);
  let key = await readKey(file);
  if (!key) {
    key = randomBytes(32);
    await writeKey(file, key);
  }
  return new Sealer(key, next ? [next] : []);
}

export function readNextKey(dataDir: string): Promise<Buffer | undefined> {
  return readKey(path.join(dataDir, NEXT_KEY_FILE));
}

/** Step 1 of a rotation: the new key is on disk before anything is sealed with it. */
export async function prepareNextKey(dataDir: string): Promise<Buffer> {
  const key = randomBytes(32);
  await writeKey(path.join(dataDir, NEXT_KEY_FILE), key);
  return key;
}

/** Step 3 of a rotation: the new key becomes the current one; the old key is gone. */
export async function promoteNextKey(dataDir: string): Promise<void> {
  await rename(path.join(dataDir, NEXT_KEY_FILE), path.join(dataDir, KEY_FILE));
}
