import { Type } from '@sinclair/typebox';
import type { PolicyService } from '../../../services/governance/policy-service.js';
import { modelAt, server } from '../../access/locators.js';
import { access, allOf, needs, type ResourceLocator, SIGNED_IN } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { VersionParams } from './registry-schemas.js';

const tags = ['registry governance'];
const TargetJson = Type.Object(
  {
    stage: Type.Optional(Type.String({ maxLength: 32, description: 'None, Staging, Production or Archived' })),
    alias: Type.Optional(Type.String({ maxLength: 255 })),
  },
  { additionalProperties: false, description: 'exactly one of stage or alias' },
);
const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    expression: Type.String({ minLength: 1, maxLength: 4000, description: 'a CEL expression that must be true' }),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
  },
  { additionalProperties: false },
);
const Rules = Type.Array(RuleBody, { minItems: 1, maxItems: 100 });
const PutPolicyBody = Type.Object(
  {
    description: Type.Optional(Type.Union([Type.String({ maxLength: 5000 }), Type.Null()])),
    model: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 500 }), Type.Null()])),
    target: TargetJson,
    rules: Rules,
  },
  { additionalProperties: false },
);
const PolicyJson = Type.Object({
  name: Type.String(),
  version: Type.Integer(),
  description: Type.Union([Type.String(), Type.Null()]),
  model: Type.Union([Type.String(), Type.Null()]),
  builtin: Type.Boolean(),
  target: Type.Object({ stage: Type.Optional(Type.String()), alias: Type.Optional(Type.String()) }),
  rules: Type.Array(
    Type.Object({
      name: Type.String(),
      expression: Type.String(),
      description: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  creationTime: Type.Integer(),
  lastUpdatedTime: Type.Integer(),
});
const FailureJson = Type.Object({
  policy: Type.String(),
  policyVersion: Type.Integer(),
  builtin: Type.Boolean(),
  rule: Type.String(),
  expression: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  seen: Type.Record(Type.String(), Type.Unknown()),
});
const VerdictJson = Type.Object({
  passed: Type.Boolean(),
  policies: Type.Array(
    Type.Object({
      name: Type.String(),
      version: Type.Integer(),
      builtin: Type.Boolean(),
      passed: Type.Boolean(),
      rules: Type.Integer(),
      failed: Type.Integer(),
    }),
  ),
  failures: Type.Array(FailureJson),
});
const GateJson = Type.Object({
  passed: Type.Boolean(),
  model: Type.String(),
  version: Type.Integer(),
  target: Type.Object({ stage: Type.Optional(Type.String()), alias: Type.Optional(Type.String()) }),
  verdict: VerdictJson,
  approval: Type.Union([
    Type.Object({
      required: Type.Boolean(),
      approvals: Type.Integer(),
      needed: Type.Integer(),
      pendingRequestId: Type.Optional(Type.String()),
      satisfied: Type.Boolean(),
    }),
    Type.Null(),
  ]),
});
const NameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) });
const ListQuery = Type.Object(
  { model: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })) },
  { additionalProperties: false },
);
const TestBody = Type.Object(
  {
    policy: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a stored policy to try' })),
    rules: Type.Optional(Rules),
    target: Type.Optional(TargetJson),
  },
  { additionalProperties: false },
);
const path = '/registered-models/:name/versions/:version';

/**
 * Promotion policies (CEL rules on a stage or alias), trying them against a version, and the gate CI/CD asks
 * before deploying. Writing a global policy needs the manager role on the whole registry; one for a model needs it
 * on that model. The gate needs read access; trying rules on a version needs edit access to its model.
 */
export async function policyRoutes(app: TypedApp, { policies }: { policies: PolicyService }) {
  /** The model a stored policy is for (the server as a whole for a global one); `missing` when there is none. */
  const storedPolicy: ResourceLocator = async (request) => {
    const found = await policies.modelOf((request.params as { name: string }).name);
    if (found === undefined) return 'missing';
    return found === 'global' ? { kind: 'global' } : { kind: 'model', ...found };
  };
  /** The model a policy body names, or the server as a whole when it names none. */
  const bodyScope: ResourceLocator = async (request, policy) => {
    const model = (request.body as { model?: string | null } | undefined)?.model;
    return model ? modelAt('body', 'model')(request, policy) : server(request, policy);
  };

  app.get(
    '/policies',
    {
      config: access(SIGNED_IN),
      schema: { tags, querystring: ListQuery, response: { 200: Type.Object({ policies: Type.Array(PolicyJson) }) } },
    },
    async (request) => ({ policies: await policies.list({ model: request.query.model }) }),
  );

  app.get(
    '/policies/:name',
    {
      config: access(needs('read', storedPolicy)),
      schema: { tags, params: NameParams, response: { 200: PolicyJson } },
    },
    async (request) => policies.get(request.params.name),
  );

  app.put(
    '/policies/:name',
    {
      config: access(allOf(needs('manage', storedPolicy), needs('manage', bodyScope))),
      schema: { tags, params: NameParams, body: PutPolicyBody, response: { 200: PolicyJson } },
    },
    async (request) => policies.put(request.params.name, request.body),
  );

  app.delete(
    '/policies/:name',
    {
      config: access(needs('manage', storedPolicy)),
      schema: { tags, params: NameParams, response: { 200: Type.Object({}) } },
    },
    async (request) => {
      await policies.delete(request.params.name);
      return {};
    },
  );

  app.post(
    `${path}/gate`,
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: 'Would this version pass onto a stage or alias now? Changes nothing',
        params: VersionParams,
        body: TargetJson,
        response: { 200: GateJson },
      },
    },
    async (request) => policies.gate(request.params.name, request.params.version, request.body),
  );

  app.post(
    `${path}/policy-test`,
    {
      // Trying rules is writing them: arbitrary expressions cost evaluation time, so readers get the gate only.
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: 'Evaluate given rules or a stored policy against a version, saving nothing',
        params: VersionParams,
        body: TestBody,
        response: { 200: VerdictJson },
      },
    },
    async (request) => policies.test(request.params.name, request.params.version, request.body),
  );
}
