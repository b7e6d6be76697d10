import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type RunningServer, type ServerConfig, startServer } from '../../src/api/server.js';
import type { TestBackend } from './backends.js';

export interface TestServer {
  url: string;
  server: RunningServer;
  artifactsDir: string;
  backendUri: string;
  /** JSON request helper: returns status and parsed body. */
  call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

/** Starts a real server on a free port over a fresh database for the enclosing describe block. */
export function useTestServer(
  backend: TestBackend,
  options: { artifactsDestination?: () => string; server?: Partial<ServerConfig> } = {},
): TestServer {
  const handle = {} as TestServer;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const db = await backend.createMigrated();
    drop = db.drop;
    handle.artifactsDir = await mkdtemp(join(tmpdir(), 'mnemo-test-artifacts-'));
    handle.backendUri = db.uri;
    handle.server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: db.uri,
      artifactsDestination: options.artifactsDestination?.() ?? handle.artifactsDir,
      ...options.server,
    });
    handle.url = handle.server.url;
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
  });
  afterAll(async () => {
    await handle.server?.close();
    await drop?.();
    await rm(handle.artifactsDir, { recursive: true, force: true });
  });
  return handle;
}
