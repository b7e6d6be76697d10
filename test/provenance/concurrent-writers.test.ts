import { describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import { auditEventHash } from '../../src/domain/provenance/audit-event.js';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useProvenanceServer } from './support/provenance-server.js';

type Event = { seq: number; prevHash: string; hash: string; [field: string]: unknown };

describe.each(backends)('concurrent writers on $name', (backend) => {
  const api = useProvenanceServer(backend);
  // A second server process-alike over the same database: two replicas appending at once.
  const replica = useProvenanceServer(backend);

  it('get gapless sequence numbers and one unbroken chain, and the result verifies', async () => {
    // Point the replica at the first server's database.
    await replica.restart({ backendStoreUri: api.backendUri, signingKeyFile: api.keyFile });
    const { experimentId } = await given(api).experiment('race');
    const runIds = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const target = i % 2 === 0 ? api : replica;
        return (await given(target).inExperiment(experimentId).run()).runId;
      }),
    );
    const writes = runIds.flatMap((runId, i) =>
      Array.from({ length: 10 }, (_, j) =>
        (j % 2 === 0 ? api : replica).call('POST', `/api/v1/runs/${runId}/batch`, {
          params: { [`p${j}`]: String(i * j) },
          metrics: [{ key: 'loss', value: j, step: j }],
        }),
      ),
    );
    const checkpoints = Array.from({ length: 4 }, (_, i) =>
      (i % 2 ? api : replica).call('POST', '/api/v1/audit/checkpoints'),
    );
    const results = await Promise.all([...writes, ...checkpoints]);
    expect(results.map((r) => r.status).filter((s) => s >= 300)).toEqual([]);
    // Checkpoint requests that share one commit sign the same tree and get the same checkpoint; each distinct one is
    // stored once.
    const signed = new Set(
      results.slice(writes.length).map((r) => (r.body as { checkpoint: { treeSize: number } }).checkpoint.treeSize),
    );

    const events: Event[] = [];
    let token: string | undefined;
    do {
      const page = await api.call<{ events: Event[]; nextPageToken?: string }>(
        'GET',
        `/api/v1/audit/events?maxResults=1000${token ? `&pageToken=${token}` : ''}`,
      );
      events.push(...page.body.events);
      token = page.body.nextPageToken;
    } while (token);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    let prev = '0'.repeat(64);
    for (const { hash, state: _state, ...fields } of events) {
      expect(fields.prevHash).toBe(prev);
      expect(auditEventHash(fields as unknown as Parameters<typeof auditEventHash>[0])).toBe(hash);
      prev = hash;
    }
    expect(events.filter((e) => e.action === 'run.log_batch')).toHaveLength(80);
    const verified = await auditVerify({ backendStoreUri: api.backendUri });
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toMatch(new RegExp(`${signed.size} checkpoints?\\b`));
    expect(events.filter((e) => e.action === 'audit.checkpoint')).toHaveLength(signed.size);
  }, 60_000);
});
