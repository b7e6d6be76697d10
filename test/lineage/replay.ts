import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestServer } from '../support/test-server.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'openlineage');

export async function loadEvents(file: string): Promise<Record<string, unknown>[]> {
  return JSON.parse(await readFile(join(FIXTURES, file), 'utf8')) as Record<string, unknown>[];
}

/** Posts every event of a fixture file in file order (which is not always event-time order) and checks each is taken. */
export async function replay(api: TestServer, file: string): Promise<{ runId: string; olRunId: string }[]> {
  const results: { runId: string; olRunId: string }[] = [];
  for (const event of await loadEvents(file)) {
    const { status, body } = await api.call<{ runId: string; olRunId: string }>('POST', '/api/v1/lineage', event);
    if (status !== 201) throw new Error(`${file}: event refused with ${status}: ${JSON.stringify(body)}`);
    results.push(body);
  }
  return results;
}
