import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/services.js';
import { ADMIN, access, SIGNED_IN } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { PublicKeyJson } from './provenance-schemas.js';

const tags = ['keys'];

/** The public half of every signing key the server used; the private key is never served. */
export async function keyRoutes(app: TypedApp, { services }: { services: Services }) {
  const keys = services.provenance.keys;

  app.get(
    '/keys',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Every Ed25519 public key that ever signed a checkpoint or attestation, with its key id',
        response: { 200: Type.Object({ keys: Type.Array(PublicKeyJson) }) },
      },
    },
    async () => ({ keys: await keys.list() }),
  );

  app.post(
    '/keys/rotate',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Switch to a new signing key; old keys stay listed so what they signed keeps verifying',
        response: { 201: Type.Object({ key: PublicKeyJson }) },
      },
    },
    async (_request, reply) => reply.status(201).send({ key: await keys.rotate() }),
  );
}
