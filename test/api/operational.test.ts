import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { readAuditHead } from '../../src/store/repositories/provenance/audit-event-repository.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

describe.each(backends)('health, metrics and OpenAPI on $name', (backend) => {
  const api = useTestServer(backend);

  it('reports health', async () => {
    const { status, body } = await api.call<{ status: string }>('GET', '/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
  });

  it('exposes Prometheus metrics labelled by route pattern', async () => {
    await api.call('GET', '/api/v1/experiments/0');
    const response = await fetch(`${api.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(
      /mnemo_http_requests_total\{method="GET",route="\/api\/v1\/experiments\/:experimentId",status="200"\} \d+/,
    );
    expect(text).toContain('mnemo_process_resident_memory_bytes');
  });

  it("reports the outboxes' backlog and the audit log's length to Prometheus", async () => {
    const store = await openStore(api.backendUri);
    const now = Date.now();
    const email = (id: string, status: 'PENDING' | 'FAILED', createdTime: number) => ({
      email_id: id,
      notification_id: `n-${id}`,
      to_address: 'ana@example.com',
      subject: 'subject',
      body: 'body',
      status,
      attempts: status === 'FAILED' ? 4 : 0,
      // Not due for a day: no sender claims them while the test reads the gauges.
      next_attempt_time: now + 86_400_000,
      claimed_until: null,
      last_error: null,
      created_time: createdTime,
      sent_time: null,
    });
    try {
      await store.db
        .insertInto('email_outbox')
        .values([
          email('e1', 'PENDING', now - 120_000),
          email('e2', 'PENDING', now - 5_000),
          email('e3', 'FAILED', now - 600_000),
        ])
        .execute();
      await api.call('POST', '/api/v1/experiments', { name: 'counted-in-the-audit-log' });
      const text = await (await fetch(`${api.url}/metrics`)).text();
      const sample = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      expect(sample('mnemo_queue_pending\\{queue="emails"\\}')).toBe(2);
      expect(sample('mnemo_queue_failed\\{queue="emails"\\}')).toBe(1);
      const waited = sample('mnemo_queue_oldest_pending_seconds\\{queue="emails"\\}');
      expect(waited).toBeGreaterThanOrEqual(120);
      expect(waited).toBeLessThan(600);
      expect(sample('mnemo_queue_pending\\{queue="webhook_deliveries"\\}')).toBe(0);
      expect(sample('mnemo_queue_oldest_pending_seconds\\{queue="webhook_events"\\}')).toBe(0);
      const head = await readAuditHead(store.db);
      expect(sample('mnemo_audit_log_events')).toBe(Number(head.lastSeq));
      expect(Number(head.lastSeq)).toBeGreaterThan(0);
    } finally {
      await store.db.deleteFrom('email_outbox').where('email_id', 'in', ['e1', 'e2', 'e3']).execute();
      await store.close();
    }
  });

  it('serves an OpenAPI 3.1 document describing the native API', async () => {
    const { status, body } = await api.call<{
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown }>>;
    }>('GET', '/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/experiments',
        '/experiments/{experimentId}',
        '/runs',
        '/runs/search',
        '/runs/{runId}/batch',
      ]),
    );
    expect(body.paths['/runs/{runId}/batch']?.post?.requestBody).toBeTruthy();
    expect(Object.keys(body.paths).some((p) => p.includes('mlflow'))).toBe(false);
  });

  it('answers unknown endpoints with a JSON 404 and echoes request ids', async () => {
    const response = await fetch(`${api.url}/api/v1/nothing-here`, { headers: { 'x-request-id': 'req-123' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-client-request-id')).toBe('req-123');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
  });

  it("records the server's request id in the audit log, never the client's", async () => {
    const ids: string[] = [];
    for (const name of ['same-id-1', 'same-id-2']) {
      const response = await fetch(`${api.url}/api/v1/experiments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'chosen-by-client' },
        body: JSON.stringify({ name }),
      });
      expect(response.status).toBe(201);
      ids.push(response.headers.get('x-request-id')!);
    }
    expect(ids[0]).not.toBe(ids[1]);
    const events = await api.call<{ events: { requestId: string; action: string }[] }>(
      'GET',
      '/api/v1/audit/events?entityKind=experiment',
    );
    const recorded = events.body.events.map((e) => e.requestId);
    expect(recorded).not.toContain('chosen-by-client');
    expect(recorded).toEqual(expect.arrayContaining(ids));
  });
});
