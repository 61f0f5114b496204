import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore } from './embedded-store.js';

const BACKEND_DIR = fileURLToPath(new URL('../../../', import.meta.url));
const STORE_MODULE = fileURLToPath(new URL('./embedded-store.ts', import.meta.url));

// The child writes businesses one by one and prints each name once its insert has returned (acknowledged).
const WRITER = `
const { openEmbeddedStore } = await import(${JSON.stringify(STORE_MODULE)});
const store = await openEmbeddedStore({ dataDir: process.argv[1] });
await store.migrate();
for (let i = 0; ; i++) {
  const now = new Date().toISOString();
  const name = 'crash-' + i;
  await store.inventory.insertBusiness({ id: 'b' + i, name, createdAt: now, updatedAt: now });
  process.stdout.write('ack ' + name + '\\n');
}`;

describe('the embedded store after kill -9', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('opens without repair and keeps every acknowledged write', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dbpatrol-crash-'));
    dirs.push(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER, dir], {
      cwd: BACKEND_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const acked: string[] = [];
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no 40 acknowledged writes in 90 s: ${stderr}`)), 90_000);
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (!line.startsWith('ack ')) return;
        acked.push(line.slice(4));
        if (acked.length === 40) {
          clearTimeout(timer);
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => reject(new Error(`the writer exited early: ${stderr}`)));
    });
    expect(await exited).toBe('SIGKILL');

    const store = await openEmbeddedStore({ dataDir: dir });
    try {
      await store.migrate();
      const names = new Set((await store.inventory.listBusinesses()).map((b) => b.name));
      for (const name of acked) expect(names.has(name), `${name} was acknowledged before the crash`).toBe(true);
      const now = new Date().toISOString();
      await store.inventory.insertBusiness({ id: 'after', name: 'after-crash', createdAt: now, updatedAt: now });
      expect((await store.inventory.getBusiness('after'))?.name).toBe('after-crash');
    } finally {
      await store.close();
    }
  }, 150_000);
});
