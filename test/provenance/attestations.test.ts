import { createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { attestVerify } from '../../src/cli/attest-command.js';
import { backends } from '../support/backends.js';
import { given } from '../support/builders.js';
import { useProvenanceServer } from './support/provenance-server.js';
import { sha256 } from './support/sha256.js';

type Envelope = { payload: string; payloadType: string; signatures: { keyid: string; sig: string }[] };
type Statement = {
  _type: string;
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: { params: Record<string, string>; auditLog: { treeSize: number }; [field: string]: unknown };
};

/**
 * A minimal verifier written from the DSSE and in-toto specs alone, sharing no code with Mnemo: PAE is
 * "DSSEv1" SP len(type) SP type SP len(body) SP body with byte lengths in ASCII decimal, signed with Ed25519.
 */
function independentlyVerify(envelope: Envelope, publicKey: KeyObject): Statement | undefined {
  const body = Buffer.from(envelope.payload, 'base64');
  const type = Buffer.from(envelope.payloadType, 'utf8');
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
  const valid = envelope.signatures.some((s) => verify(null, pae, publicKey, Buffer.from(s.sig, 'base64')));
  if (!valid || envelope.payloadType !== 'application/vnd.in-toto+json') return undefined;
  const statement = JSON.parse(body.toString('utf8')) as Statement;
  return statement._type === 'https://in-toto.io/Statement/v1' ? statement : undefined;
}

const FILES = { 'model/weights.bin': 'binary weights v1', 'model/config.json': '{"layers": 3}', 'report.txt': 'ok' };

describe.each(backends)('attestations on $name', (backend) => {
  const api = useProvenanceServer(backend);
  let runId: string;
  let publicKey: KeyObject;
  let keyFile: string;
  let envelope: Envelope;
  let envelopeFile: string;
  let artifactsDir: string;

  const write = async (name: string, content: string | Envelope) => {
    const path = join(api.dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const reencode = (statement: unknown) => Buffer.from(JSON.stringify(statement)).toString('base64');

  beforeAll(async () => {
    const experiment = await given(api).experiment('attest');
    const run = await experiment.run({
      tags: { 'mlflow.source.git.commit': 'c0ffee', 'mlflow.source.git.repoURL': 'https://git.example/ml.git' },
    });
    runId = run.runId;
    await run.log({ params: { lr: '0.01', epochs: '3' }, metrics: [{ key: 'accuracy', value: 0.93, step: 3 }] });
    await run.inputs([
      {
        name: 'train',
        digest: 'd1g35t',
        sourceType: 's3',
        source: 's3://data/train',
        tags: { 'mlflow.data.context': 'training' },
      },
    ]);
    for (const [path, content] of Object.entries(FILES)) await api.upload(runId, path, content);
    const keys = (await api.call<{ keys: { publicKeyPem: string; current: boolean }[] }>('GET', '/api/v1/keys')).body
      .keys;
    const pem = keys.find((k) => k.current)!.publicKeyPem;
    publicKey = createPublicKey(pem);
    keyFile = await write('server-key.pem', pem);
    artifactsDir = join(api.dir, 'downloaded');
    for (const [path, content] of Object.entries(FILES)) {
      await mkdir(join(artifactsDir, path, '..'), { recursive: true });
      await writeFile(join(artifactsDir, path), content);
    }
  });

  it('issues a signed in-toto statement about the run that an independent verifier accepts', async () => {
    const created = await api.call<{ attestation: { envelope: Envelope; keyId: string } }>(
      'POST',
      `/api/v1/runs/${runId}/attestation`,
    );
    expect(created.status).toBe(201);
    const downloaded = await api.call<Envelope>('GET', `/api/v1/runs/${runId}/attestation`);
    expect(downloaded.status).toBe(200);
    envelope = downloaded.body;
    expect(envelope).toEqual(created.body.attestation.envelope);
    expect(envelope.signatures[0]!.keyid).toBe(created.body.attestation.keyId);

    const statement = independentlyVerify(envelope, publicKey);
    expect(statement).toBeDefined();
    expect(statement!.subject).toEqual(
      Object.entries(FILES)
        .map(([name, content]) => ({ name, digest: { sha256: sha256(content) } }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    );
    expect(statement!.predicateType).toMatch(/^https:\/\//);
    expect(statement!.predicate).toMatchObject({
      run: { runId, status: 'RUNNING' },
      params: { lr: '0.01', epochs: '3' },
      metrics: { accuracy: { value: 0.93, step: 3 } },
      datasets: [{ name: 'train', digest: 'd1g35t', source: 's3://data/train', context: 'training' }],
      code: { commit: 'c0ffee', repository: 'https://git.example/ml.git' },
      builder: { keyId: created.body.attestation.keyId },
    });
    expect(statement!.predicate.auditLog.treeSize).toBeGreaterThan(0);
    envelopeFile = await write('run.intoto.json', envelope);
  });

  it('fails the independent verifier when anything in the envelope changes', () => {
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as Statement;
    const forgedDigest = structuredClone(statement);
    forgedDigest.subject[0]!.digest.sha256 = 'f'.repeat(64);
    expect(independentlyVerify({ ...envelope, payload: reencode(forgedDigest) }, publicKey)).toBeUndefined();
    expect(independentlyVerify({ ...envelope, payloadType: 'application/json' }, publicKey)).toBeUndefined();
    const sig = Buffer.from(envelope.signatures[0]!.sig, 'base64');
    sig[5]! ^= 0xff;
    expect(
      independentlyVerify(
        { ...envelope, signatures: [{ ...envelope.signatures[0]!, sig: sig.toString('base64') }] },
        publicKey,
      ),
    ).toBeUndefined();
    expect(independentlyVerify(envelope, generateKeyPairSync('ed25519').publicKey)).toBeUndefined();
  });

  it('verifies with mnemo attest verify, including the downloaded files', async () => {
    const result = await attestVerify(envelopeFile, { key: keyFile, artifacts: artifactsDir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/all 3 file\(s\) .* match their digests/);
  });

  it('rejects forged, truncated, re-signed, mistyped envelopes, wrong keys and changed files with the reason', async () => {
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as Statement;
    statement.predicate.params.lr = '0.5';
    const forged = await write('forged.json', { ...envelope, payload: reencode(statement) });
    expect((await attestVerify(forged, { key: keyFile })).stderr).toMatch(/FAILED: no signature verifies/);

    const truncated = await write('truncated.json', JSON.stringify(envelope).slice(0, 120));
    expect(await attestVerify(truncated, { key: keyFile })).toMatchObject({ code: 1, stderr: /as JSON/ });

    const mallory = generateKeyPairSync('ed25519');
    const body = Buffer.from(envelope.payload, 'base64');
    const type = Buffer.from(envelope.payloadType);
    const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
    const resigned = await write('resigned.json', {
      ...envelope,
      signatures: [
        { keyid: envelope.signatures[0]!.keyid, sig: sign(null, pae, mallory.privateKey).toString('base64') },
      ],
    });
    expect((await attestVerify(resigned, { key: keyFile })).stderr).toMatch(/FAILED: no signature verifies/);

    const mistyped = await write('mistyped.json', { ...envelope, payloadType: 'application/json' });
    expect((await attestVerify(mistyped, { key: keyFile })).stderr).toMatch(/payloadType is 'application\/json'/);

    const otherKey = await write('other.pem', mallory.publicKey.export({ format: 'pem', type: 'spki' }).toString());
    expect((await attestVerify(envelopeFile, { key: otherKey })).stderr).toMatch(/FAILED: no signature verifies/);
    expect((await attestVerify(envelopeFile, { key: join(api.dir, 'no-such-key.pem') })).code).toBe(1);
    expect((await attestVerify(join(api.dir, 'missing.json'), { key: keyFile })).code).toBe(1);
    const notStatement = await write('not-statement.json', {
      ...envelope,
      payload: Buffer.from('[1,2]').toString('base64'),
      signatures: [{ keyid: 'x', sig: 'AAAA' }],
    });
    expect((await attestVerify(notStatement, { key: keyFile })).code).toBe(1);

    await writeFile(join(artifactsDir, 'model/weights.bin'), 'binary weights v2');
    const changed = await attestVerify(envelopeFile, { key: keyFile, artifacts: artifactsDir });
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(
      new RegExp(
        `model/weights.bin has sha256 ${sha256('binary weights v2')}, the attestation says ${sha256(FILES['model/weights.bin'])}`,
      ),
    );
    await writeFile(join(artifactsDir, 'model/weights.bin'), FILES['model/weights.bin']);

    // A file that is a link to somewhere outside the directory is not taken as the attested file.
    const outside = join(api.dir, 'outside.txt');
    await writeFile(outside, FILES['report.txt']);
    await rm(join(artifactsDir, 'report.txt'));
    await symlink(outside, join(artifactsDir, 'report.txt'));
    expect(await attestVerify(envelopeFile, { key: keyFile, artifacts: artifactsDir })).toMatchObject({
      code: 1,
      stderr: /report.txt is missing/,
    });
    await rm(join(artifactsDir, 'report.txt'));
    await writeFile(join(artifactsDir, 'report.txt'), FILES['report.txt']);
  });

  it('answers 4xx for runs it cannot attest', async () => {
    expect((await api.call('POST', '/api/v1/runs/0123456789abcdef0123456789abcdef/attestation')).status).toBe(404);
    const bare = (await api.call<{ run: { runId: string } }>('POST', '/api/v1/runs', { experimentId: '0' })).body.run
      .runId;
    const none = await api.call('POST', `/api/v1/runs/${bare}/attestation`);
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ error_code: 'INVALID_STATE' });
    expect((await api.call('GET', `/api/v1/runs/${bare}/attestation`)).status).toBe(404);
  });

  it('attests a model version when it is registered: subjects are its manifest files', async () => {
    expect((await api.call('POST', '/api/v1/registered-models', { name: 'classifier' })).status).toBe(201);
    const registered = await api.call<{ modelVersion: { version: number | string } }>(
      'POST',
      '/api/v1/registered-models/classifier/versions',
      { source: `runs:/${runId}/model`, runId },
    );
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    const version = registered.body.modelVersion.version;
    const downloaded = await api.call<Envelope>(
      'GET',
      `/api/v1/registered-models/classifier/versions/${version}/attestation`,
    );
    expect(downloaded.status).toBe(200);
    const statement = independentlyVerify(downloaded.body, publicKey);
    expect(statement!.subject.map((s) => s.name).sort()).toEqual(['config.json', 'weights.bin']);
    expect(statement!.subject.find((s) => s.name === 'weights.bin')!.digest.sha256).toBe(
      sha256(FILES['model/weights.bin']),
    );
    expect(statement!.predicate).toMatchObject({
      model: { name: 'classifier', version: Number(version) },
      sourceRun: { run: { runId }, params: { lr: '0.01' } },
    });
    const logged = await api.call<{ events: { action: string }[] }>(
      'GET',
      '/api/v1/audit/events?action=attestation.create',
    );
    expect(logged.body.events.length).toBeGreaterThanOrEqual(2);
    expect((await api.call('GET', '/api/v1/registered-models/classifier/versions/99/attestation')).status).toBe(404);
  });
});
