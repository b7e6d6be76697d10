import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SearchResults } from '../../src/sdk/wire/search-shapes.js';
import { backends } from '../support/backends.js';
import { given, ok } from '../support/builders.js';
import { CLI_BUNDLE } from '../support/cli-bundle.js';
import { useTestServer } from '../support/test-server.js';

const root = join(import.meta.dirname, '../..');

function mnemo(url: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('MLFLOW_') && !key.startsWith('MNEMO_')),
  );
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], {
    cwd: root,
    env: { ...inherited, MNEMO_TRACKING_URI: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(backends)('mnemo search on $name', (backend) => {
  const api = useTestServer(backend);

  it('searches with types and facets, as a table or JSON, and names a facet that does not parse', {
    timeout: 60_000,
  }, async () => {
    await given(api).registeredModel('fraud-detector', { description: 'Scores payments for fraud', ownerTeam: 'risk' });
    await given(api).registeredModel('fraud-rules', { ownerTeam: 'ops' });
    await given(api).experiment('fraud-experiments');
    await ok(api, 'GET', '/api/v1/search?q=fraud');

    const table = await mnemo(api.url, ['search', 'fraud']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('3 results for "fraud"');
    expect(table.stdout).toMatch(/model \(2\)[\s\S]*fraud-detector/);
    expect(table.stdout).toContain('*fraud*');
    expect(table.stdout).toContain('team: ops (1), risk (1)');

    const json = await mnemo(api.url, ['search', 'fraud', '--type', 'model', '--facet', 'team=risk', '--json']);
    expect(json.code).toBe(0);
    const results = JSON.parse(json.stdout) as SearchResults;
    expect(results.hits.map((h) => h.name)).toEqual(['fraud-detector']);

    const bad = await mnemo(api.url, ['search', 'fraud', '--facet', 'metric.auc=high..1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("'high'");
  });
});
