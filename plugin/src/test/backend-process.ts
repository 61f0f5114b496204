import { spawn, type ChildProcess } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { createServer } from 'net';
import { tmpdir } from 'os';
import { join, resolve } from 'path';

import { httpRequest } from './http';

const REPO = resolve(__dirname, '../../..');
const BIN = join(REPO, 'backend/bin/dbpatrol.js');

export interface RunningBackend {
  url: string;
  /** DBPATROL_API_TOKEN of this process: an admin token. */
  token: string;
  stop: () => Promise<void>;
  output: () => string;
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

/** Starts the real backend (`dbpatrol serve`) on the embedded store in a fresh temporary directory. */
export async function startBackend(timeoutMs = 90_000): Promise<RunningBackend> {
  if (!existsSync(join(REPO, 'backend/dist/main.js'))) {
    throw new Error('backend/dist is missing: run `npm run build -w backend` first');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'dbpatrol-plugin-test-'));
  const port = await freePort();
  const token = `plugin-test-${Math.random().toString(36).slice(2)}-token`;
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    cwd: dataDir,
    env: {
      ...process.env,
      DBPATROL_DATA_DIR: dataDir,
      DBPATROL_PORT: String(port),
      DBPATROL_HOST: '127.0.0.1',
      DBPATROL_API_TOKEN: token,
      DBPATROL_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`backend exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const res = await httpRequest(`${url}/healthz`);
      if (res.status === 200) {
        return { url, token, stop, output: () => output };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`backend did not answer within ${timeoutMs} ms:\n${output}`);
}
