import { Type } from '@sinclair/typebox';
import type { RegistryService } from '../../../services/registry/registry-service.js';
import { server } from '../../access/locators.js';
import { access, needs, SIGNED_IN } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';

const tags = ['registry governance'];
const TermJson = Type.Object(
  {
    value: Type.String({ minLength: 1, maxLength: 5000 }),
    description: Type.Union([Type.String({ maxLength: 2000 }), Type.Null()]),
  },
  { additionalProperties: false },
);
const VocabularyJson = Type.Object({
  tagKey: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  terms: Type.Array(Type.Object({ value: Type.String(), description: Type.Union([Type.String(), Type.Null()]) })),
});
const PutVocabularyBody = Type.Object(
  {
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    terms: Type.Array(TermJson, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
const RuleJson = Type.Object({
  entityKind: Type.String(),
  pattern: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
});
const PutRuleBody = Type.Object(
  {
    pattern: Type.String({ minLength: 1, maxLength: 500, description: 'a regular expression, e.g. ^[a-z][a-z0-9-]*$' }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const KeyParams = Type.Object({ tagKey: Type.String({ minLength: 1, maxLength: 250 }) });
const KindParams = Type.Object({ entityKind: Type.String({ maxLength: 32 }) });

/** Controlled vocabularies for tag values and naming rules per entity kind. */
export async function governanceRoutes(app: TypedApp, { registry }: { registry: RegistryService }) {
  const governance = registry.governance;

  app.get(
    '/vocabularies',
    {
      config: access(SIGNED_IN),
      schema: { tags, response: { 200: Type.Object({ vocabularies: Type.Array(VocabularyJson) }) } },
    },
    async () => ({ vocabularies: await governance.vocabularies() }),
  );

  app.get(
    '/vocabularies/:tagKey',
    { config: access(SIGNED_IN), schema: { tags, params: KeyParams, response: { 200: VocabularyJson } } },
    async (request) => governance.vocabulary(request.params.tagKey),
  );

  app.put(
    '/vocabularies/:tagKey',
    {
      config: access(needs('manage', server)),
      schema: { tags, params: KeyParams, body: PutVocabularyBody, response: { 200: VocabularyJson } },
    },
    async (request) =>
      governance.putVocabulary(request.params.tagKey, request.body.description ?? null, request.body.terms),
  );

  app.delete(
    '/vocabularies/:tagKey',
    {
      config: access(needs('manage', server)),
      schema: { tags, params: KeyParams, response: { 200: Type.Object({}) } },
    },
    async (request) => {
      await governance.deleteVocabulary(request.params.tagKey);
      return {};
    },
  );

  app.get(
    '/naming-rules',
    {
      config: access(SIGNED_IN),
      schema: { tags, response: { 200: Type.Object({ namingRules: Type.Array(RuleJson) }) } },
    },
    async () => ({ namingRules: await governance.namingRules() }),
  );

  app.put(
    '/naming-rules/:entityKind',
    {
      config: access(needs('manage', server)),
      schema: { tags, params: KindParams, body: PutRuleBody, response: { 200: RuleJson } },
    },
    async (request) =>
      governance.putNamingRule(request.params.entityKind, request.body.pattern, request.body.description ?? null),
  );

  app.delete(
    '/naming-rules/:entityKind',
    {
      config: access(needs('manage', server)),
      schema: { tags, params: KindParams, response: { 200: Type.Object({}) } },
    },
    async (request) => {
      await governance.deleteNamingRule(request.params.entityKind);
      return {};
    },
  );
}
