import { Agent, request } from 'node:http';

export interface HttpResponse {
  status: number;
  body: string;
}

/**
 * A keep-alive HTTP client with as little overhead as Node allows, so the load generator (which shares the CPU
 * with the server) spends its time waiting, not working. Bodies may be prepared in advance as Buffers.
 */
export class HttpClient {
  private readonly agent: Agent;
  private readonly base: URL;

  constructor(
    baseUrl: string,
    connections: number,
    /** Sent with every request (an Authorization header, say). */
    private readonly headers: Record<string, string> = {},
  ) {
    this.base = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  send(method: string, path: string, body?: Buffer | string): Promise<HttpResponse> {
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    return this.attempt(method, path, payload).catch((error: Error & { code?: string; reusedSocket?: boolean }) => {
      // A kept-alive connection left idle past the server's keep-alive timeout (as while a scenario loads data for
      // minutes) may be closed just as a request goes out on it; the server never saw that request, so it is sent
      // again on a new connection, as Node's documentation advises.
      if (error.reusedSocket && error.code === 'ECONNRESET') return this.attempt(method, path, payload);
      throw error;
    });
  }

  private attempt(method: string, path: string, payload: Buffer | undefined): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.base.hostname,
          port: this.base.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...this.headers,
            ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', (error: Error & { reusedSocket?: boolean }) => {
        error.reusedSocket = req.reusedSocket;
        reject(error);
      });
      req.end(payload);
    });
  }

  /** Sends and parses JSON, failing loudly on anything but the expected status. */
  async json<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const response = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body));
    if (response.status !== expected) {
      throw new Error(`${method} ${path} answered ${response.status}: ${response.body.slice(0, 500)}`);
    }
    return JSON.parse(response.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
