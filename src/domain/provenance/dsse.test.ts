import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkpointProblem, signCheckpoint } from './checkpoint.js';
import { pae, signEnvelope, verifyEnvelope } from './dsse.js';
import { describePublicKey, keyIdOf, parsePrivateKey, strictBase64 } from './signing-key.js';
import { parseTrustedKeys } from './trusted-keys.js';

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
};

describe('DSSE', () => {
  it('encodes PAE as the spec does', () => {
    expect(pae('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe(
      'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
    );
    // Lengths count bytes, not characters.
    expect(pae('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('signs and verifies, and rejects every alteration with a reason', () => {
    const signer = pair();
    const keys = new Map([[signer.keyId, signer.publicKey]]);
    const envelope = signEnvelope('application/x-test', Buffer.from('{"a":1}'), signer);
    const ok = verifyEnvelope(envelope, keys, 'application/x-test');
    expect(ok).toMatchObject({ ok: true, keyId: signer.keyId });

    const otherPayload = { ...envelope, payload: Buffer.from('{"a":2}').toString('base64') };
    expect(verifyEnvelope(otherPayload, keys)).toMatchObject({ ok: false, reason: /no signature verifies/ });
    const otherType = { ...envelope, payloadType: 'application/y' };
    expect(verifyEnvelope(otherType, keys)).toMatchObject({ ok: false });
    expect(verifyEnvelope(envelope, keys, 'application/y')).toMatchObject({ ok: false, reason: /payloadType/ });
    const stranger = pair();
    expect(verifyEnvelope(envelope, new Map([[stranger.keyId, stranger.publicKey]]))).toMatchObject({ ok: false });
    const resigned = signEnvelope('application/x-test', Buffer.from('{"a":1}'), { ...stranger, keyId: signer.keyId });
    expect(verifyEnvelope(resigned, keys)).toMatchObject({ ok: false });
    expect(verifyEnvelope({ ...envelope, signatures: [] }, keys)).toMatchObject({ ok: false, reason: /no signatures/ });
    expect(verifyEnvelope({ ...envelope, payload: 'not base64!' }, keys)).toMatchObject({ ok: false });
    expect(verifyEnvelope('x', keys)).toMatchObject({ ok: false });
  });

  it('decodes only strict base64', () => {
    expect(strictBase64('aGk=')?.toString()).toBe('hi');
    expect(strictBase64('aGk')?.toString()).toBe('hi');
    expect(strictBase64('aG k=')).toBeUndefined();
    expect(strictBase64('aGl=')).toBeUndefined();
  });
});

describe('keys and checkpoints', () => {
  it('reads keys as PEM, raw base64 and key documents, and refuses mismatched ids', () => {
    const signer = pair();
    const info = describePublicKey(signer.privateKey);
    expect(info.keyId).toBe(signer.keyId);
    expect(info.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect([...parseTrustedKeys(info.publicKeyPem).keys()]).toEqual([signer.keyId]);
    expect([...parseTrustedKeys(info.publicKey).keys()]).toEqual([signer.keyId]);
    expect([...parseTrustedKeys(JSON.stringify({ keys: [info] })).keys()]).toEqual([signer.keyId]);
    expect(() => parseTrustedKeys(JSON.stringify({ keys: [{ ...info, keyId: '00' }] }))).toThrow(/does not match/);
    const pem = signer.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const der = signer.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    expect(keyIdOf(parsePrivateKey(pem))).toBe(signer.keyId);
    expect(keyIdOf(parsePrivateKey(der))).toBe(signer.keyId);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    expect(() => parsePrivateKey(rsa.export({ format: 'pem', type: 'pkcs8' }).toString())).toThrow(/Ed25519/);
  });

  it('verifies a checkpoint only with its key and only unchanged', () => {
    const signer = pair();
    const keys = new Map([[signer.keyId, signer.publicKey]]);
    const checkpoint = signCheckpoint(
      { treeSize: 5, rootHash: 'ab'.repeat(32), time: 1_700_000_000_000, keyId: signer.keyId },
      signer.privateKey,
    );
    expect(checkpointProblem(checkpoint, keys)).toBeUndefined();
    expect(checkpointProblem({ ...checkpoint, treeSize: 6 }, keys)).toMatch(/does not verify/);
    expect(checkpointProblem({ ...checkpoint, rootHash: 'cd'.repeat(32) }, keys)).toMatch(/does not verify/);
    expect(checkpointProblem({ ...checkpoint, time: 1 }, keys)).toMatch(/does not verify/);
    expect(checkpointProblem(checkpoint, new Map())).toMatch(/not among the trusted keys/);
  });
});
