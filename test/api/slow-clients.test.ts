import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../src/api/server.js';

/** Resolves with everything the server sent once it closes the connection. */
function closed(socket: Socket): Promise<string> {
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  return new Promise((resolve) => socket.on('close', () => resolve(received)));
}

describe('clients that trickle or crowd', () => {
  let dir: string;
  let server: RunningServer;
  let port: number;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mnemo-slow-'));
    server = await startServer({
      host: '127.0.0.1',
      port: 0,
      backendStoreUri: join(dir, 'mnemo.db'),
      artifactsDestination: join(dir, 'artifacts'),
      checkpointIntervalMinutes: 0,
      connectionLimits: { headersTimeoutMs: 500, requestTimeoutMs: 1_000, maxConnections: 3 },
    });
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('closes a connection whose headers never finish', async () => {
    const socket = connect(port, '127.0.0.1');
    const done = closed(socket);
    socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const timer = setInterval(() => socket.write('X-Slow: 1\r\n'), 100);
    const answer = await done;
    clearInterval(timer);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('closes a connection whose body never finishes', async () => {
    const socket = connect(port, '127.0.0.1');
    const done = closed(socket);
    socket.write(
      'POST /api/v1/experiments HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{',
    );
    const timer = setInterval(() => socket.write(' '), 100);
    const answer = await done;
    clearInterval(timer);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('closes connections beyond the cap and keeps serving the ones it holds', async () => {
    const held = await Promise.all(
      [0, 1, 2].map(
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(port, '127.0.0.1', () => resolve(socket));
          }),
      ),
    );
    const extra = connect(port, '127.0.0.1');
    expect(await closed(extra)).toBe('');
    for (const socket of held) socket.destroy();
    // Once they are gone, new clients are served again.
    let health = 0;
    for (let attempt = 0; attempt < 50 && health !== 200; attempt++) {
      health = (await fetch(`${server.url}/health`).catch(() => ({ status: 0 }))).status;
      if (health !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(health).toBe(200);
  });
});
