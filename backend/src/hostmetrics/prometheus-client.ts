import { readFile } from 'node:fs/promises';

/** One sample of an instant vector. */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

export interface PrometheusClientOptions {
  url: string;
  /** File holding a bearer token (read per client, never logged). */
  tokenFile?: string;
  timeoutMs?: number;
}

/** The Prometheus HTTP API, instant queries only, each bounded by a timeout. */
export class PrometheusClient {
  private token: Promise<string | undefined> | undefined;

  constructor(private readonly o: PrometheusClientOptions) {}

  /** The base URL without credentials, for messages. */
  get display(): string {
    const u = new URL(this.o.url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  }

  private bearer(): Promise<string | undefined> {
    this.token ??= this.o.tokenFile
      ? readFile(this.o.tokenFile, 'utf8').then((t) => t.trim() || undefined)
      : Promise.resolve(undefined);
    return this.token;
  }

  async query(promql: string, at: Date): Promise<PromSample[]> {
    const url = new URL('api/v1/query', this.o.url.endsWith('/') ? this.o.url : `${this.o.url}/`);
    const body = new URLSearchParams({ query: promql, time: (at.getTime() / 1000).toFixed(3) });
    const token = await this.bearer();
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body,
      signal: AbortSignal.timeout(this.o.timeoutMs ?? 10_000),
    });
    const json = (await res.json().catch(() => undefined)) as
      { status?: string; error?: string; data?: { resultType?: string; result?: unknown } } | undefined;
    if (!res.ok || json?.status !== 'success') {
      throw new Error(`Prometheus answered ${res.status}${json?.error ? `: ${json.error}` : ''}`);
    }
    if (json.data?.resultType !== 'vector' || !Array.isArray(json.data.result)) return [];
    return (json.data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      labels: r.metric,
      value: Number(r.value[1]),
    }));
  }
}
