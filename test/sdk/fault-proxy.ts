import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the proxy does with one request: pass it through, forward it but destroy the connection instead of
 * answering (the server acted, the client never hears), forward it but answer 503, answer 503 without
 * forwarding, or forward it and never answer.
 */
export type Fault = 'pass' | 'drop-answer' | 'forward-then-503' | 'refuse-503' | 'hang';

export interface SeenRequest {
  method: string;
  path: string;
  body: string;
  authorization: string | undefined;
}

export interface FaultProxy {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

/** A real HTTP proxy on 127.0.0.1 in front of a Mnemo server, injecting the faults `plan` chooses per request. */
export async function startFaultProxy(
  target: string,
  plan: (request: SeenRequest, index: number) => Fault,
): Promise<FaultProxy> {
  const seen: SeenRequest[] = [];
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const entry = {
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      body: body.toString('utf8'),
      authorization: request.headers.authorization,
    };
    seen.push(entry);
    const fault = plan(entry, seen.length - 1);
    const unavailable = () =>
      response
        .writeHead(503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error_code: 'TEMPORARILY_UNAVAILABLE', message: 'injected outage' }));
    if (fault === 'refuse-503') return unavailable();
    const forwarded = await fetch(`${target}${entry.path}`, {
      method: entry.method,
      headers: {
        'content-type': request.headers['content-type'] ?? 'application/json',
        ...(entry.authorization ? { authorization: entry.authorization } : {}),
      },
      body: body.length > 0 ? body : undefined,
    });
    const answer = Buffer.from(await forwarded.arrayBuffer());
    if (fault === 'drop-answer') return request.socket.destroy();
    if (fault === 'forward-then-503') return unavailable();
    if (fault === 'hang') return;
    response.writeHead(forwarded.status, { 'content-type': forwarded.headers.get('content-type') ?? 'text/plain' });
    response.end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
