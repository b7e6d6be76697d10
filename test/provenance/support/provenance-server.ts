import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type RunningServer, type ServerConfig, startServer } from '../../../src/api/server.js';
import type { TestBackend } from '../../support/backends.js';

export interface ProvenanceTestServer {
  url: string;
  server: RunningServer;
  backendUri: string;
  /** A private directory for this server: artifacts, its signing key, files a test writes. */
  dir: string;
  keyFile: string;
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  upload(runId: string, path: string, bytes: string | Buffer): Promise<void>;
  /** Stops and starts the server again over the same database and key file. */
  restart(overrides?: Partial<ServerConfig>): Promise<void>;
}

/**
 * A real server over a fresh database whose signing key lives in a temporary directory (never in the working tree),
 * with the periodic checkpoint timer off unless a test turns it on.
 */
export function useProvenanceServer(backend: TestBackend, config: Partial<ServerConfig> = {}): ProvenanceTestServer {
  const handle = {} as ProvenanceTestServer;
  let drop: () => Promise<void>;
  const start = async (overrides: Partial<ServerConfig>) => {
    handle.server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: handle.backendUri,
      artifactsDestination: join(handle.dir, 'artifacts'),
      signingKeyFile: handle.keyFile,
      checkpointIntervalMinutes: 0,
      ...config,
      ...overrides,
    });
    handle.url = handle.server.url;
  };
  beforeAll(async () => {
    const db = await backend.createMigrated();
    drop = db.drop;
    handle.backendUri = db.uri;
    handle.dir = await mkdtemp(join(tmpdir(), 'mnemo-provenance-'));
    handle.keyFile = join(handle.dir, 'keys', 'signing-key.pem');
    await start({});
    handle.restart = async (overrides = {}) => {
      await handle.server.close();
      await start(overrides);
    };
    handle.call = async (method, path, body) => {
      const response = await fetch(`${handle.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? {} : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as never };
    };
    handle.upload = async (runId, path, bytes) => {
      const response = await fetch(`${handle.url}/api/v1/runs/${runId}/artifacts/${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      if (response.status !== 201) throw new Error(`upload failed: ${response.status} ${await response.text()}`);
    };
  });
  afterAll(async () => {
    await handle.server?.close();
    await drop?.();
    await rm(handle.dir, { recursive: true, force: true });
  });
  return handle;
}
