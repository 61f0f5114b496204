import { spawn, type ChildProcess } from 'child_process';
import { resolve } from 'path';

const SERVER = resolve(__dirname, '../preview/server.mjs');

export interface RunningPreview {
  /** http://127.0.0.1:<port> */
  url: string;
  apiUrl: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** `node preview/server.mjs` on a free port with its own backend on the embedded store, as `npm run preview` runs it. */
export async function startPreview(timeoutMs = 150_000): Promise<RunningPreview> {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [SERVER], {
    env: { ...process.env, DBPATROL_PREVIEW_PORT: '0', DBPATROL_API_URL: '', DBPATROL_API_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const ready = new Promise<{ url: string; apiUrl: string }>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`the preview did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const preview = /preview: (http:\/\/\S+?)\/a\//.exec(output);
      const api = /API: +(http:\/\/\S+)/.exec(output);
      if (preview?.[1] && api?.[1]) {
        clearTimeout(timer);
        ok({ url: preview[1], apiUrl: api[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the preview exited with ${code}:\n${output}`));
    });
  });
  try {
    const { url, apiUrl } = await ready;
    return { url, apiUrl, output: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
