import { type Static, Type } from '@sinclair/typebox';

/** Request and response shapes of the audit, key and attestation endpoints. */

const Count = Type.String({ pattern: '^[0-9]{1,15}$' });
const Seq = Type.String({ pattern: '^[1-9][0-9]{0,14}$', description: 'event sequence number (1, 2, …)' });
const Hex = Type.String({ pattern: '^[0-9a-f]{64}$' });

export const AuditEventJson = Type.Object({
  seq: Type.Integer(),
  time: Type.Integer(),
  actor: Type.String(),
  action: Type.String(),
  entityKind: Type.String(),
  entityId: Type.String(),
  stateDigest: Type.String(),
  requestId: Type.String(),
  prevHash: Type.String(),
  hash: Type.String(),
});

export const AuditEventWithStateJson = Type.Intersect([
  AuditEventJson,
  Type.Object({
    state: Type.Unknown({ description: 'the recorded state; null for events logged before states were kept' }),
  }),
]);

export const CheckpointJson = Type.Object({
  treeSize: Type.Integer(),
  rootHash: Hex,
  time: Type.Integer(),
  keyId: Type.String(),
  signature: Type.String({ description: 'Ed25519 over DSSE PAE(application/vnd.mnemo.checkpoint+json, body), base64' }),
});

export const AuditFilterQuery = {
  entityKind: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  entityId: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  actor: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  from: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'earliest event time, epoch ms' })),
  to: Type.Optional(Type.String({ pattern: '^[0-9]{1,15}$', description: 'events before this time, epoch ms' })),
};

export const AuditEventsQuery = Type.Object(
  {
    ...AuditFilterQuery,
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    pageToken: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const AuditExportQuery = Type.Object(AuditFilterQuery, { additionalProperties: false });
export type AuditExportQuery = Static<typeof AuditExportQuery>;

export const SeqParams = Type.Object({ seq: Seq });

export const ProofQuery = Type.Object({ treeSize: Type.Optional(Count) }, { additionalProperties: false });

export const ConsistencyQuery = Type.Object({ from: Count, to: Count }, { additionalProperties: false });

export const InclusionProofJson = Type.Object({
  format: Type.String(),
  event: AuditEventJson,
  leafIndex: Type.Integer(),
  treeSize: Type.Integer(),
  inclusionPath: Type.Array(Hex),
  checkpoint: CheckpointJson,
});

export const ConsistencyProofJson = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  fromRoot: Hex,
  toRoot: Hex,
  proof: Type.Array(Hex),
  fromCheckpoint: Type.Union([CheckpointJson, Type.Null()]),
  toCheckpoint: Type.Union([CheckpointJson, Type.Null()]),
});

export const CheckpointListQuery = Type.Object(
  {
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    pageToken: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const PublicKeyJson = Type.Object({
  keyId: Type.String(),
  algorithm: Type.Literal('ed25519'),
  publicKey: Type.String({ description: 'raw 32-byte Ed25519 public key, base64' }),
  publicKeyPem: Type.String(),
  createdTime: Type.Integer(),
  retiredTime: Type.Union([Type.Integer(), Type.Null()]),
  current: Type.Boolean(),
});

export const DsseEnvelopeJson = Type.Object({
  payload: Type.String(),
  payloadType: Type.String(),
  signatures: Type.Array(Type.Object({ keyid: Type.String(), sig: Type.String() })),
});

export const AttestationJson = Type.Object({
  attestationId: Type.String(),
  subjectKind: Type.String(),
  subjectId: Type.String(),
  keyId: Type.String(),
  createdTime: Type.Integer(),
  envelope: DsseEnvelopeJson,
});
