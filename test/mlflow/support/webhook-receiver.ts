import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  body: string;
  json: { entity: string; action: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * How the receiver answers one request: a status (and body), once `after` settles when given, or never (the
 * connection is left hanging).
 */
export type Answer =
  | { status: number; body?: string; headers?: Record<string, string>; after?: Promise<unknown> }
  | 'hang';

/**
 * A real HTTP receiver on loopback, as a team's CI endpoint would be: it records every delivery and answers from a
 * script (200 once the script runs out).
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private script: Answer[] = [];
  private server!: Server;
  private readonly hanging = new Set<() => void>();
  url = '';

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.received.push({ headers: request.headers, body, json: JSON.parse(body) });
        const answer = this.script.shift() ?? { status: 200, body: 'ok' };
        if (answer === 'hang') {
          this.hanging.add(() => response.destroy());
          return;
        }
        void (answer.after ?? Promise.resolve()).then(() => {
          response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
          response.end(answer.body ?? '');
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
    return this;
  }

  /** The next requests get these answers, in order. */
  answerWith(...answers: Answer[]): void {
    this.script.push(...answers);
  }

  reset(): void {
    this.received.length = 0;
    this.script = [];
  }

  /** Waits until at least `count` deliveries arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedDelivery[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${this.received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    for (const cut of this.hanging) cut();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Checks a delivery's signature as a receiver following MLflow's documentation does: HMAC-SHA256 with the secret over
 * `<delivery id>.<timestamp>.<raw body>`, base64, after `v1,`. Written here from that description, independently
 * of the server's code.
 */
export function signatureValid(delivery: ReceivedDelivery, secret: string): boolean {
  const id = delivery.headers['x-mlflow-delivery-id'];
  const timestamp = delivery.headers['x-mlflow-timestamp'];
  const signature = delivery.headers['x-mlflow-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const expected = `v1,${createHmac('sha256', secret).update(`${id}.${timestamp}.${delivery.body}`).digest('base64')}`;
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}
