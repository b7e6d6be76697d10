import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/services.js';
import { modelAt, runAt } from '../../access/locators.js';
import { access, needs } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { IdParams } from '../schemas.js';
import { AttestationJson, DsseEnvelopeJson } from './provenance-schemas.js';

const tags = ['attestations'];
const VersionParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 256 }),
  version: Type.String({ pattern: '^[1-9][0-9]{0,8}$' }),
});

/**
 * Signed in-toto attestations. POST issues one; GET downloads the latest DSSE envelope as is, ready for
 * `mnemo attest verify`.
 */
export async function attestationRoutes(app: TypedApp, { services }: { services: Services }) {
  const attestations = services.provenance.attestations;

  app.post(
    '/runs/:runId/attestation',
    {
      config: access(needs('edit', runAt('params', 'runId'))),
      schema: {
        tags,
        summary: "Attest a run's artifact files and how they were produced (in-toto Statement v1 in DSSE)",
        params: IdParams('runId'),
        response: { 201: Type.Object({ attestation: AttestationJson }) },
      },
    },
    async (request, reply) =>
      reply.status(201).send({ attestation: await attestations.attestRun(request.params.runId) }),
  );

  app.get(
    '/runs/:runId/attestation',
    {
      config: access(needs('read', runAt('params', 'runId'))),
      schema: {
        tags,
        summary: "The run's latest attestation: a DSSE envelope",
        params: IdParams('runId'),
        response: { 200: DsseEnvelopeJson },
      },
    },
    async (request) => (await attestations.latestFor('run', request.params.runId)).envelope,
  );

  app.post(
    '/registered-models/:name/versions/:version/attestation',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: "Attest a model version's manifest files and their provenance",
        params: VersionParams,
        response: { 201: Type.Object({ attestation: AttestationJson }) },
      },
    },
    async (request, reply) =>
      reply.status(201).send({
        attestation: await attestations.attestModelVersion(request.params.name, Number(request.params.version)),
      }),
  );

  app.get(
    '/registered-models/:name/versions/:version/attestation',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: "The model version's latest attestation: a DSSE envelope",
        params: VersionParams,
        response: { 200: DsseEnvelopeJson },
      },
    },
    async (request) =>
      (await attestations.latestForModelVersion(request.params.name, Number(request.params.version))).envelope,
  );
}
