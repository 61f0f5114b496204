import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from '../errors/domain-errors.js';
import { checkExportOptions } from '../reports/export/export-report.js';
import { verifyReportJson } from '../reports/export/verify.js';

export interface ReportsExportOptions {
  format: string;
  out?: string;
  lang: string;
  tz?: string;
  url: string;
  token?: string;
}

/** Exit codes of `dbpatrol reports verify`. */
export const VERIFY_EXIT = { intact: 0, altered: 1, usage: 2 } as const;

const CLI_FIELDS: Record<string, string> = { format: '--format', lang: '--lang', timeZone: '--tz', tz: '--tz' };

async function apiGet(base: string, route: string, token: string, query: URLSearchParams): Promise<Response> {
  const url = `${base.replace(/\/+$/, '')}/api/v1${route}?${query}`;
  return fetch(url, { headers: { authorization: `Bearer ${token}` } });
}

async function errorText(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string } };
    return body.error?.message ?? text;
  } catch {
    return text.slice(0, 200);
  }
}

/**
 * Exports a report or a whole inspection through the REST API: the id is tried as a report, then as an inspection.
 * Returns what was written where, for the caller to print.
 */
export async function runReportsExport(id: string, o: ReportsExportOptions): Promise<string> {
  try {
    checkExportOptions({ format: o.format, lang: o.lang, ...(o.tz !== undefined ? { timeZone: o.tz } : {}) });
  } catch (err) {
    if (err instanceof InputError) {
      throw new InputError(err.details.map((d) => ({ ...d, path: CLI_FIELDS[d.path] ?? d.path })));
    }
    throw err;
  }
  const token = o.token ?? process.env.DBPATROL_TOKEN;
  if (!token) throw InputError.field('--token', 'is required (or set DBPATROL_TOKEN)');
  let base: URL;
  try {
    base = new URL(o.url);
  } catch {
    throw InputError.field('--url', 'must be the API base URL, e.g. http://localhost:8080');
  }
  const query = new URLSearchParams({ format: o.format, lang: o.lang, ...(o.tz ? { tz: o.tz } : {}) });
  const path = encodeURIComponent(id);
  let res = await apiGet(base.href, `/reports/${path}/export`, token, query);
  if (res.status === 404) res = await apiGet(base.href, `/inspections/${path}/export`, token, query);
  if (res.status === 404) throw InputError.field('id', `no report or inspection with id ${id}`);
  if (res.status === 400) throw InputError.field('request', await errorText(res));
  if (!res.ok) throw new Error(`the API answered ${res.status}: ${await errorText(res)}`);
  const body = Buffer.from(await res.arrayBuffer());
  const disposition = res.headers.get('content-disposition') ?? '';
  const suggested = /filename="([^"]+)"/.exec(disposition)?.[1];
  const out = o.out ?? suggested ?? `${id}.${o.format}`;
  if (out === '-') {
    process.stdout.write(body);
    return '';
  }
  await writeFile(out, body);
  return `${out} (${body.length} bytes)\n`;
}

/** Recomputes the content hash of an exported JSON report; prints one line per report. */
export async function runReportsVerify(file: string): Promise<{ exitCode: number; text: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { exitCode: VERIFY_EXIT.usage, text: `cannot read ${file}: ${(err as Error).message}\n` };
  }
  const result = verifyReportJson(text);
  if (result.error) return { exitCode: VERIFY_EXIT.usage, text: `${file}: ${result.error}\n` };
  const lines = result.reports.map(
    (r) =>
      `${r.intact ? 'intact ' : 'ALTERED'} ${r.instance ?? r.id ?? '?'} recorded ${r.recorded || '(none)'}` +
      (r.intact ? '' : ` computed ${r.computed}`),
  );
  lines.push(result.intact ? `${file}: intact` : `${file}: ALTERED since it was exported`);
  return { exitCode: result.intact ? VERIFY_EXIT.intact : VERIFY_EXIT.altered, text: lines.join('\n') + '\n' };
}
