import { readFileSync } from 'node:fs';

/** The backend package version (read once; the file sits two folders above src/ and dist/). */
export const VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
