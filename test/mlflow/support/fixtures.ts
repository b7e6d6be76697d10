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

const FIXTURES_DIR = new URL('../../fixtures/mlflow/official-client/', import.meta.url);

export function loadExchanges(): Exchange[] {
  const dir = FIXTURES_DIR.pathname;
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(dir, file), 'utf8')) as Omit<Exchange, 'file'>) }));
}
