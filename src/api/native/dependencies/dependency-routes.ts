import { Type } from '@sinclair/typebox';
import { REPORT_FORMATS } from '../../../domain/dependencies/read-dependency-files.js';
import type { Services } from '../../../services/services.js';
import { modelAt, server } from '../../access/locators.js';
import { access, needs, SIGNED_IN } from '../../access/route-access.js';
import { literalUnion } from '../../literal-union.js';
import type { TypedApp } from '../../typed-app.js';

const tags = ['dependencies'];
const Name = Type.String({ minLength: 1, maxLength: 256 });
const VersionParams = Type.Object({ name: Name, version: Type.String({ minLength: 1, maxLength: 12 }) });
const TargetParams = Type.Object({ target: Name });
const Text = (maxLength: number) => Type.String({ maxLength });
const Declaration = Type.Object(
  {
    kind: Type.String({ minLength: 1, maxLength: 20 }),
    name: Type.String({ maxLength: 214 }),
    specifier: Type.Optional(Text(1000)),
    marker: Type.Optional(Text(1000)),
    columns: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 2000 })),
  },
  { additionalProperties: false },
);
const DependencyFile = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 256 }), content: Text(5_000_000) },
  { additionalProperties: false },
);
const SetDependenciesBody = Type.Object(
  {
    dependencies: Type.Optional(Type.Array(Declaration, { maxItems: 5000 })),
    files: Type.Optional(Type.Array(DependencyFile, { maxItems: 10 })),
  },
  { additionalProperties: false },
);
const SetEnvironmentBody = Type.Object(
  {
    file: Type.String({ minLength: 1, maxLength: 256 }),
    content: Text(5_000_000),
    format: Type.Optional(literalUnion(REPORT_FORMATS)),
    os: Type.Optional(Text(200)),
    runtime: Type.Optional(Text(200)),
    hardware: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Union([Text(200), Type.Number()]))),
    containerImageDigest: Type.Optional(Type.Union([Text(80), Type.Null()])),
  },
  { additionalProperties: false },
);
const Change = Type.Object(
  {
    kind: Type.Optional(literalUnion(['pypi', 'npm', 'runtime'] as const)),
    name: Type.String({ minLength: 1, maxLength: 214 }),
    version: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
const WhatIfBody = Type.Object(
  {
    target: Type.Optional(Name),
    allTargets: Type.Optional(Type.Boolean()),
    changes: Type.Array(Change, { minItems: 1, maxItems: 100 }),
  },
  { additionalProperties: false },
);

const DependentsQuery = Type.Object(
  {
    package: Type.String({ minLength: 1, maxLength: 214 }),
    specifier: Type.Optional(Text(1000)),
    kind: Type.Optional(literalUnion(['pypi', 'npm'] as const)),
    stage: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    alias: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { additionalProperties: false },
);

const Columns = Type.Record(Type.String({ minLength: 1, maxLength: 256 }), Type.String({ maxLength: 200 }), {
  maxProperties: 5000,
});
const SchemaImpactBody = Type.Object(
  { dataset: Type.String({ minLength: 1, maxLength: 256 }), before: Columns, after: Columns },
  { additionalProperties: false },
);

/**
 * Dependencies of model versions and environments of deployment targets, and the checks between them. Answers that
 * span models (what-if, resolve, conflicts) only consider model versions the caller may read.
 */
export async function dependencyRoutes(app: TypedApp, { services }: { services: Services }) {
  const dependencies = services.dependencies;

  app.get(
    '/registered-models/:name/versions/:version/dependencies',
    { config: access(needs('read', modelAt('params', 'name'))), schema: { tags, params: VersionParams } },
    async (request) => ({ dependencies: await dependencies.getDeclared(request.params.name, request.params.version) }),
  );

  app.put(
    '/registered-models/:name/versions/:version/dependencies',
    {
      config: access(needs('edit', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: "Declare or correct a version's dependencies",
        params: VersionParams,
        body: SetDependenciesBody,
      },
    },
    async (request) => ({
      dependencies: await dependencies.setDeclared(request.params.name, request.params.version, request.body),
    }),
  );

  app.get(
    '/registered-models/:name/versions/:version/compatibility',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: {
        tags,
        params: VersionParams,
        querystring: Type.Object({ target: Name }, { additionalProperties: true }),
      },
    },
    async (request) => ({
      compatibility: await dependencies.check(request.params.name, request.params.version, request.query.target),
    }),
  );

  app.get(
    '/registered-models/:name/versions/:version/compatibility/all-targets',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: 'The version checked against every deployment target that has an environment (at most 50, by name)',
        params: VersionParams,
      },
    },
    async (request) => dependencies.checkAllTargets(request.params.name, request.params.version),
  );

  app.put(
    '/deployment-targets/:target/environment',
    {
      config: access(needs('edit', server)),
      schema: {
        tags,
        summary: "Set a target's environment from a report",
        params: TargetParams,
        body: SetEnvironmentBody,
      },
    },
    async (request, reply) => {
      const { changed, ...environment } = await dependencies.setTargetEnvironment(request.params.target, request.body);
      return reply.status(changed ? 201 : 200).send({ environment, changed });
    },
  );

  app.get(
    '/deployment-targets/:target/environment',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "A target's environment now, or at a moment (at: milliseconds since the epoch)",
        params: TargetParams,
        querystring: Type.Object({ at: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$' })) }),
      },
    },
    async (request) => ({
      environment: await dependencies.getTargetEnvironment(
        request.params.target,
        request.query.at === undefined ? undefined : Number(request.query.at),
      ),
    }),
  );

  app.get(
    '/deployment-targets/:target/conflicts',
    { config: access(SIGNED_IN), schema: { tags, params: TargetParams } },
    async (request) => ({
      conflicts: await dependencies.coDeploymentConflicts(request.params.target, await request.readable('model')),
    }),
  );

  app.get(
    '/deployment-targets/:target/resolve',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        params: TargetParams,
        querystring: Type.Object({ pre: Type.Optional(literalUnion(['true', 'false'] as const)) }),
      },
    },
    async (request) => ({
      resolution: await dependencies.resolve(
        request.params.target,
        request.query.pre === 'true',
        await request.readable('model'),
      ),
    }),
  );

  app.post(
    '/dependencies/what-if',
    { config: access(SIGNED_IN), schema: { tags, summary: 'What an upgrade would break', body: WhatIfBody } },
    async (request) => {
      const { changes, ...where } = request.body;
      return dependencies.whatIf(
        { ...where, changes: changes.map((c) => ({ kind: c.kind ?? 'pypi', name: c.name, version: c.version })) },
        await request.readable('model'),
      );
    },
  );

  app.get(
    '/dependencies/dependents',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Model versions and deployments that depend on a package at versions in a range',
        querystring: DependentsQuery,
      },
    },
    async (request) => {
      const q = request.query;
      return dependencies.dependents(
        {
          kind: q.kind ?? 'pypi',
          name: q.package,
          specifier: q.specifier ?? '',
          ...(q.stage !== undefined ? { stage: q.stage } : {}),
          ...(q.alias !== undefined ? { alias: q.alias } : {}),
        },
        await request.readable('model'),
      );
    },
  );

  app.post(
    '/dependencies/schema-impact',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: "The model versions that read a column a dataset's schema change removes or retypes",
        body: SchemaImpactBody,
      },
    },
    async (request) => dependencies.schemaImpact(request.body, await request.readable('model')),
  );
}
