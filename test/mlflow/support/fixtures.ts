import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One recorded exchange between the official MLflow client and a real MLflow server (see the fixtures' README). */
export interface Exchange {
  file: string;
  method: string;
  path: string;
  query: Record<string, string>;
  request_content_type: string | null;
  request_body: unknown;
  status: number;
  response_content_type: string | null;
  response_body: unknown;
}

/** The recorded sessions: MLflow 2.9, 3.6 and 3.10 clients against servers of the same version. */
export type RecordedSession = 'official-client' | 'official-client-3' | 'official-client-3.10';

export function loadExchanges(session: RecordedSession = 'official-client'): Exchange[] {
  const dir = new URL(`../../fixtures/mlflow/${session}/`, import.meta.url).pathname;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Exchange, 'file'>) }));
}
