import { request } from 'node:http';
import type { TestServer } from '../../support/test-server.js';

export type Body = Record<string, unknown>;
export interface Reply<T = Body> {
  status: number;
  body: T;
}

/** Calls the MLflow API the way the official client does: JSON bodies for writes, query strings for reads. */
export function mlflowCalls(api: Pick<TestServer, 'call'>, prefix = '/api/2.0/mlflow') {
  return {
    post: <T = Body>(path: string, body: unknown): Promise<Reply<T>> => api.call<T>('POST', `${prefix}/${path}`, body),
    patch: <T = Body>(path: string, body: unknown): Promise<Reply<T>> =>
      api.call<T>('PATCH', `${prefix}/${path}`, body),
    delete: <T = Body>(path: string, body: unknown): Promise<Reply<T>> =>
      api.call<T>('DELETE', `${prefix}/${path}`, body),
    get: <T = Body>(path: string, query: Record<string, string | string[]> = {}): Promise<Reply<T>> => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
      }
      return api.call<T>('GET', `${prefix}/${path}?${params}`);
    },
  };
}

/**
 * Sends a request with its path exactly as written: fetch() normalises `..` and `%2e%2e` away before sending,
 * which would hide exactly the requests a traversal test must make.
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  rawPath: string,
  body?: string,
): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: rawPath,
        headers: body ? { 'content-type': 'text/plain' } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Creates an experiment and a run in it through the MLflow API; returns their ids. */
export async function newRun(api: TestServer, name: string): Promise<{ experimentId: string; runId: string }> {
  const mlflow = mlflowCalls(api);
  const created = await mlflow.post<{ experiment_id: string }>('experiments/create', { name });
  if (created.status !== 200) throw new Error(`experiment not created: ${JSON.stringify(created.body)}`);
  const run = await mlflow.post<{ run: { info: { run_id: string } } }>('runs/create', {
    experiment_id: created.body.experiment_id,
    start_time: 1_700_000_000_000,
  });
  if (run.status !== 200) throw new Error(`run not created: ${JSON.stringify(run.body)}`);
  return { experimentId: created.body.experiment_id, runId: run.body.run.info.run_id };
}
