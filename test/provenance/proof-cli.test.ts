import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditProve, auditRotateKey, auditVerifyProof } from '../../src/cli/audit-command.js';
import { backends } from '../support/backends.js';
import { useProvenanceServer } from './support/provenance-server.js';

describe.each(backends)('mnemo audit prove / verify-proof on $name', (backend) => {
  // A short interval so the server's own timer signs checkpoints during the test.
  const api = useProvenanceServer(backend, { checkpointIntervalMinutes: 0.002 });

  it('signs checkpoints on its own only when the log grew', async () => {
    await api.call('POST', '/api/v1/experiments', { name: 'timer' });
    const latest = async () =>
      (await api.call<{ checkpoint?: { treeSize: number } }>('GET', '/api/v1/audit/checkpoints/latest')).body
        .checkpoint;
    const count = async () =>
      (await api.call<{ checkpoints: unknown[] }>('GET', '/api/v1/audit/checkpoints')).body.checkpoints.length;
    for (let i = 0; i < 100 && ((await latest())?.treeSize ?? 0) < 2; i++) await new Promise((r) => setTimeout(r, 50));
    const first = await latest();
    expect(first?.treeSize).toBeGreaterThanOrEqual(2);
    const signed = await count();
    await new Promise((r) => setTimeout(r, 600));
    // Only checkpoint events were logged since: the timer signs nothing new.
    expect(await count()).toBe(signed);
    await api.call('POST', '/api/v1/experiments', { name: 'timer-2' });
    for (let i = 0; i < 100 && (await latest())!.treeSize === first!.treeSize; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await latest())!.treeSize).toBeGreaterThan(first!.treeSize);
  });

  it('writes a proof file that verifies offline with the published key and fails when altered', async () => {
    const checkpoint = (await api.call<{ checkpoint: { treeSize: number } }>('POST', '/api/v1/audit/checkpoints')).body
      .checkpoint;
    const proof = await auditProve({ trackingUri: api.url, seq: '2', checkpoint: String(checkpoint.treeSize) });
    expect(proof.code).toBe(0);
    const proofFile = join(api.dir, 'proof.json');
    await writeFile(proofFile, proof.stdout);
    const keys = (await api.call('GET', '/api/v1/keys')).body;
    const keyFile = join(api.dir, 'keys.json');
    await writeFile(keyFile, JSON.stringify(keys));
    const verified = await auditVerifyProof(proofFile, keyFile);
    expect(verified.stderr).toBe('');
    expect(verified.stdout).toMatch(
      new RegExp(`^OK: event 2 \\(.+\\) is in the audit log of ${checkpoint.treeSize} events`),
    );

    const bundle = JSON.parse(proof.stdout) as { event: { entityId: string }; treeSize: number };
    await writeFile(proofFile, JSON.stringify({ ...bundle, event: { ...bundle.event, entityId: 'other' } }));
    expect(await auditVerifyProof(proofFile, keyFile)).toMatchObject({ code: 1, stderr: /event 2 .*edited/ });
    await writeFile(proofFile, proof.stdout.slice(0, 50));
    expect(await auditVerifyProof(proofFile, keyFile)).toMatchObject({ code: 1, stderr: /cannot read the proof/ });

    // A proof against an old checkpoint keeps verifying after the key is rotated, with the key document.
    expect((await auditRotateKey(api.url)).code).toBe(0);
    await writeFile(proofFile, proof.stdout);
    await writeFile(keyFile, JSON.stringify((await api.call('GET', '/api/v1/keys')).body));
    expect((await auditVerifyProof(proofFile, keyFile)).code).toBe(0);
    const newKeyOnly = (
      await api.call<{ keys: { publicKey: string; current: boolean }[] }>('GET', '/api/v1/keys')
    ).body.keys.find((k) => k.current)!.publicKey;
    expect(await auditVerifyProof(proofFile, newKeyOnly)).toMatchObject({
      code: 1,
      stderr: /not among the trusted keys/,
    });

    expect(await auditProve({ trackingUri: api.url, seq: '0' })).toMatchObject({ code: 1 });
    expect(await auditProve({ trackingUri: api.url, seq: '999999' })).toMatchObject({ code: 1, stderr: /404/ });
  });
});
