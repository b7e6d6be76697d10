import { Type } from '@sinclair/typebox';
import type { Services } from '../../services/services.js';
import { experimentAt, modelAt } from '../access/locators.js';
import { ADMIN, access, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { ModelParams } from './registry/registry-schemas.js';
import { IdParams } from './schemas.js';

const tags = ['encryption'];
const SensitiveKeysJson = Type.Object({
  experimentId: Type.String(),
  /** The experiment's own patterns. */
  patterns: Type.Array(Type.String()),
  /** `--sensitive-keys`: patterns in force on every experiment. */
  serverPatterns: Type.Array(Type.String()),
  encryptionKeyConfigured: Type.Boolean(),
});
const ModelSensitiveKeysJson = Type.Object({
  name: Type.String(),
  /** The model's own patterns: they apply to its tags and metadata fields and to those of its versions. */
  patterns: Type.Array(Type.String()),
  serverPatterns: Type.Array(Type.String()),
  encryptionKeyConfigured: Type.Boolean(),
});
const SetSensitiveKeysBody = Type.Object(
  { patterns: Type.Array(Type.String({ maxLength: 250 }), { maxItems: 100 }) },
  { additionalProperties: false },
);
const RotationJson = Type.Object({
  currentKeyId: Type.Union([Type.String(), Type.Null()]),
  retiringKeyIds: Type.Array(Type.String()),
  running: Type.Boolean(),
  resealed: Type.Integer(),
  leftPlain: Type.Integer(),
  startTime: Type.Union([Type.Integer(), Type.Null()]),
  endTime: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
const EncryptionStatusReply = Type.Object({
  rotation: RotationJson,
  serverPatterns: Type.Array(Type.String()),
  /** How many stored values are sealed under each key id. */
  sealedValues: Type.Record(Type.String(), Type.Integer()),
});

/** Which keys are sensitive per experiment and per registered model, and the data keys' rotation (admins only). */
export async function encryptionRoutes(app: TypedApp, { services }: { services: Services }) {
  const { experiments, encryption } = services;
  const models = services.registry.models;

  app.get(
    '/experiments/:experimentId/sensitive-keys',
    {
      config: access(needs('read', experimentAt('params', 'experimentId'))),
      schema: { tags, params: IdParams('experimentId'), response: { 200: SensitiveKeysJson } },
    },
    async (request) => experiments.sensitiveKeys(request.params.experimentId),
  );

  app.put(
    '/experiments/:experimentId/sensitive-keys',
    {
      // Removing a pattern leaves later values of those keys in plain text: as much as the experiment's owner decides.
      config: access(needs('manage', experimentAt('params', 'experimentId'))),
      schema: {
        tags,
        params: IdParams('experimentId'),
        body: SetSensitiveKeysBody,
        response: { 200: SensitiveKeysJson },
      },
    },
    async (request) => experiments.setSensitiveKeys(request.params.experimentId, request.body.patterns),
  );

  app.get(
    '/registered-models/:name/sensitive-keys',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, response: { 200: ModelSensitiveKeysJson } },
    },
    async (request) => models.sensitiveKeys(request.params.name),
  );

  app.put(
    '/registered-models/:name/sensitive-keys',
    {
      // As for experiments: removing a pattern leaves later values in plain text, so the model's managers decide.
      config: access(needs('manage', modelAt('params', 'name'))),
      schema: { tags, params: ModelParams, body: SetSensitiveKeysBody, response: { 200: ModelSensitiveKeysJson } },
    },
    async (request) => models.setSensitiveKeys(request.params.name, request.body.patterns),
  );

  app.get(
    '/encryption',
    { config: access(ADMIN), schema: { tags, response: { 200: EncryptionStatusReply } } },
    async () => ({
      rotation: encryption.rotation.status(),
      serverPatterns: [...encryption.sensitive.serverKeys.patterns],
      sealedValues: await encryption.rotation.sealedValueCounts(),
    }),
  );

  app.post(
    '/encryption/rotate',
    { config: access(ADMIN), schema: { tags, response: { 202: Type.Object({ rotation: RotationJson }) } } },
    async (_request, reply) => reply.status(202).send({ rotation: encryption.rotation.start() }),
  );
}
