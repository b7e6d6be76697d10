import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../src/api/server.js';
import { checkpointProblem, type SignedCheckpoint } from '../../src/domain/provenance/checkpoint.js';
import { inclusionBundleProblem } from '../../src/domain/provenance/inclusion-proof-bundle.js';
import { hashFromHex } from '../../src/domain/provenance/merkle-hash.js';
import { verifyConsistency } from '../../src/domain/provenance/merkle-verify.js';
import { keyIdOf } from '../../src/domain/provenance/signing-key.js';
import { parseTrustedKeys } from '../../src/domain/provenance/trusted-keys.js';
import { backends } from '../support/backends.js';
import { useProvenanceServer } from './support/provenance-server.js';

type Key = { keyId: string; publicKey: string; publicKeyPem: string; current: boolean; retiredTime: number | null };
type Event = { seq: number; action: string; entityKind: string; entityId: string; prevHash: string; hash: string };

describe.each(backends)('checkpoints, keys and proofs on $name', (backend) => {
  const api = useProvenanceServer(backend);

  const makeExperiment = async (name: string) =>
    (await api.call<{ experiment: { experimentId: string } }>('POST', '/api/v1/experiments', { name })).body.experiment
      .experimentId;

  it('describes the provenance endpoints in the OpenAPI document', async () => {
    const { status, body } = await api.call<{ paths: Record<string, unknown> }>('GET', '/api/v1/openapi.json');
    expect(status).toBe(200);
    for (const path of [
      '/audit/events',
      '/audit/events/{seq}/proof',
      '/audit/consistency',
      '/audit/checkpoints',
      '/keys',
      '/runs/{runId}/attestation',
    ]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
  });

  it('publishes the signing key with an id derived from the public key, never the private key', async () => {
    const { status, body } = await api.call<{ keys: Key[] }>('GET', '/api/v1/keys');
    expect(status).toBe(200);
    expect(body.keys).toHaveLength(1);
    const [key] = body.keys;
    expect(key!.current).toBe(true);
    expect(keyIdOf(createPublicKey(key!.publicKeyPem))).toBe(key!.keyId);
    expect(JSON.stringify(body)).not.toMatch(/PRIVATE/);
  });

  it('signs checkpoints over the Merkle root and proves inclusion of every event', async () => {
    for (let i = 0; i < 6; i++) await makeExperiment(`proof-${i}`);
    const created = await api.call<{ checkpoint: SignedCheckpoint }>('POST', '/api/v1/audit/checkpoints');
    expect(created.status).toBe(201);
    const checkpoint = created.body.checkpoint;
    const keys = parseTrustedKeys(JSON.stringify((await api.call('GET', '/api/v1/keys')).body));
    expect(checkpointProblem(checkpoint, keys)).toBeUndefined();
    expect(checkpoint.treeSize).toBeGreaterThanOrEqual(7);

    for (let seq = 1; seq <= checkpoint.treeSize; seq++) {
      const proof = await api.call('GET', `/api/v1/audit/events/${seq}/proof`);
      expect(proof.status).toBe(200);
      expect(inclusionBundleProblem(proof.body, keys)).toBeUndefined();
      // Any change to the event, the path or the checkpoint breaks the proof.
      const bundle = proof.body as { event: { actor: string }; inclusionPath: string[]; checkpoint: SignedCheckpoint };
      expect(inclusionBundleProblem({ ...bundle, event: { ...bundle.event, actor: 'mallory' } }, keys)).toMatch(
        /edited/,
      );
      if (bundle.inclusionPath.length > 0) {
        const path = [...bundle.inclusionPath];
        path[0] = path[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
        expect(inclusionBundleProblem({ ...bundle, inclusionPath: path }, keys)).toMatch(/does not lead/);
      }
      expect(
        inclusionBundleProblem({ ...bundle, checkpoint: { ...bundle.checkpoint, rootHash: 'f'.repeat(64) } }, keys),
      ).toMatch(/signature/);
    }
    // The checkpoint event itself comes after the tree it signs.
    const events = await api.call<{ events: Event[] }>('GET', '/api/v1/audit/events?action=audit.checkpoint');
    expect(events.body.events.at(-1)!.seq).toBe(checkpoint.treeSize + 1);
  });

  it('proves consistency between any two sizes of the log', async () => {
    const first = (await api.call<{ checkpoint: SignedCheckpoint }>('POST', '/api/v1/audit/checkpoints')).body
      .checkpoint;
    for (let i = 0; i < 5; i++) await makeExperiment(`consistency-${i}`);
    const second = (await api.call<{ checkpoint: SignedCheckpoint }>('POST', '/api/v1/audit/checkpoints')).body
      .checkpoint;
    const { status, body } = await api.call<{
      proof: string[];
      fromRoot: string;
      toRoot: string;
      fromCheckpoint: SignedCheckpoint;
      toCheckpoint: SignedCheckpoint;
    }>('GET', `/api/v1/audit/consistency?from=${first.treeSize}&to=${second.treeSize}`);
    expect(status).toBe(200);
    expect(body.fromRoot).toBe(first.rootHash);
    expect(body.toRoot).toBe(second.rootHash);
    expect(body.toCheckpoint).toEqual(second);
    const proof = body.proof.map((h) => hashFromHex(h)!);
    const verify = (p: Buffer[], a: string, b: string) =>
      verifyConsistency(first.treeSize, second.treeSize, p, hashFromHex(a)!, hashFromHex(b)!);
    expect(verify(proof, first.rootHash, second.rootHash)).toBe(true);
    expect(verify(proof.slice(1), first.rootHash, second.rootHash)).toBe(false);
    expect(verify(proof, second.rootHash, second.rootHash)).toBe(false);
    for (let from = 1; from <= second.treeSize; from += 3) {
      const any = await api.call<{ proof: string[]; fromRoot: string; toRoot: string }>(
        'GET',
        `/api/v1/audit/consistency?from=${from}&to=${second.treeSize}`,
      );
      const ok = verifyConsistency(
        from,
        second.treeSize,
        any.body.proof.map((h) => hashFromHex(h)!),
        hashFromHex(any.body.fromRoot)!,
        hashFromHex(second.rootHash)!,
      );
      expect(ok, `from ${from}`).toBe(true);
    }
  });

  it('answers bad proof requests with 4xx and a reason', async () => {
    const tooBig = await api.call('GET', '/api/v1/audit/consistency?from=5&to=999999');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect((await api.call('GET', '/api/v1/audit/consistency?from=9&to=3')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/audit/consistency?from=x&to=3')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/audit/events/0/proof')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/audit/events/999999/proof')).status).toBe(404);
    expect((await api.call('GET', '/api/v1/audit/events/1/proof?treeSize=2')).status).toBe(404);
    const latest = (await api.call<{ checkpoint: SignedCheckpoint }>('GET', '/api/v1/audit/checkpoints/latest')).body
      .checkpoint;
    const newer = await api.call('GET', `/api/v1/audit/events/${latest.treeSize + 1}/proof`);
    expect(newer.status).toBe(400);
    expect((await api.call('GET', '/api/v1/audit/checkpoints?pageToken=bogus')).status).toBe(400);
  });

  it('rotates the key: new checkpoints use the new key, old ones still verify with the old one', async () => {
    const before = (await api.call<{ checkpoint: SignedCheckpoint }>('POST', '/api/v1/audit/checkpoints')).body
      .checkpoint;
    const rotated = await api.call<{ key: Key }>('POST', '/api/v1/keys/rotate');
    expect(rotated.status).toBe(201);
    expect(rotated.body.key.keyId).not.toBe(before.keyId);
    const after = (await api.call<{ checkpoint: SignedCheckpoint }>('POST', '/api/v1/audit/checkpoints')).body
      .checkpoint;
    expect(after.keyId).toBe(rotated.body.key.keyId);
    const listed = (await api.call<{ keys: Key[] }>('GET', '/api/v1/keys')).body.keys;
    // The rotation's answer (built from what it committed) is the key as listed afterwards.
    expect(listed.find((k) => k.keyId === rotated.body.key.keyId)).toEqual(rotated.body.key);
    expect(listed.find((k) => k.keyId === before.keyId)).toMatchObject({ current: false });
    expect(listed.find((k) => k.keyId === before.keyId)!.retiredTime).toBeGreaterThan(0);
    const keys = parseTrustedKeys(JSON.stringify({ keys: listed }));
    expect(checkpointProblem(before, keys)).toBeUndefined();
    expect(checkpointProblem(after, keys)).toBeUndefined();
    const oldOnly = parseTrustedKeys(listed.find((k) => k.keyId === before.keyId)!.publicKeyPem);
    expect(checkpointProblem(after, oldOnly)).toMatch(/not among the trusted keys/);
    // The new key was written to the key file: a restart keeps signing with it.
    await api.restart();
    const again = (await api.call<{ keys: Key[] }>('GET', '/api/v1/keys')).body.keys.find((k) => k.current);
    expect(again!.keyId).toBe(rotated.body.key.keyId);
  });

  it('takes its key from MNEMO_SIGNING_KEY (PEM or base64 PKCS#8), refuses a bad one, and cannot rotate it', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const der = privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    await api.restart({ signingKey: der });
    try {
      const current = (await api.call<{ keys: Key[] }>('GET', '/api/v1/keys')).body.keys.find((k) => k.current);
      expect(current!.keyId).toBe(keyIdOf(privateKey));
      const rotate = await api.call('POST', '/api/v1/keys/rotate');
      expect(rotate.status).toBe(409);
      expect(rotate.body).toMatchObject({ error_code: 'INVALID_STATE', message: /MNEMO_SIGNING_KEY/ });
      const checkpoint = (await api.call<{ checkpoint: SignedCheckpoint }>('POST', '/api/v1/audit/checkpoints')).body
        .checkpoint;
      expect(checkpoint.keyId).toBe(keyIdOf(privateKey));
    } finally {
      await api.restart();
    }
    await expect(
      startServer({
        host: '127.0.0.1',
        port: 0,
        backendStoreUri: api.backendUri,
        artifactsDestination: api.dir,
        signingKey: 'not a key',
      }),
    ).rejects.toThrow(/cannot read the signing key from MNEMO_SIGNING_KEY/);
  });

  it('browses the log with filters and pages, and exports it as JSON Lines', async () => {
    const id = await makeExperiment('browse-me');
    await api.call('PATCH', `/api/v1/experiments/${id}`, { name: 'browse-me-2' });
    const byEntity = await api.call<{ events: (Event & { state: { name: string } })[] }>(
      'GET',
      `/api/v1/audit/events?entityKind=experiment&entityId=${id}`,
    );
    expect(byEntity.body.events.map((e) => e.action)).toEqual(['experiment.create', 'experiment.rename']);
    expect(byEntity.body.events[1]!.state.name).toBe('browse-me-2');

    const pages: Event[] = [];
    let token: string | undefined;
    do {
      const page = await api.call<{ events: Event[]; nextPageToken?: string }>(
        'GET',
        `/api/v1/audit/events?maxResults=4${token ? `&pageToken=${token}` : ''}`,
      );
      expect(page.status).toBe(200);
      pages.push(...page.body.events);
      token = page.body.nextPageToken;
    } while (token);
    expect(pages.map((e) => e.seq)).toEqual(pages.map((_, i) => i + 1));
    for (const [i, e] of pages.slice(1).entries()) expect(e.prevHash).toBe(pages[i]!.hash);

    const response = await fetch(`${api.url}/api/v1/audit/events.jsonl`);
    expect(response.headers.get('content-type')).toMatch(/ndjson/);
    const lines = (await response.text()).trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as Event).seq)).toEqual(pages.map((e) => e.seq));

    const now = Date.now();
    const none = await api.call<{ events: Event[] }>('GET', `/api/v1/audit/events?from=${now + 60_000}`);
    expect(none.body.events).toEqual([]);
    expect((await api.call('GET', '/api/v1/audit/events?from=9&to=3')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/audit/events?maxResults=0')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/audit/events?color=red')).status).toBe(400);
    expect((await api.call('GET', '/api/v1/audit/events.jsonl?from=9&to=3')).status).toBe(400);
  });
});
