import { Type } from '@sinclair/typebox';
import { notFound } from '../../../domain/errors.js';
import type { Services } from '../../../services/services.js';
import { datasetAt, experimentAt } from '../../access/locators.js';
import { access, needs, SIGNED_IN } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { IdParams, OwnersJson } from '../schemas.js';

const tags = ['owners'];

const OwnerField = (what: string) =>
  Type.Optional(
    Type.Union([Type.String({ maxLength: 1000 }), Type.Null()], {
      description: `the owning ${what}'s name; null clears it, absent keeps it`,
    }),
  );
const OwnerChangeBody = Type.Object(
  { user: OwnerField('user'), team: OwnerField('team') },
  { additionalProperties: false },
);
const OwnersReply = Type.Object({ owners: OwnersJson });
const DatasetQuery = Type.Object(
  { dataset: Type.String({ minLength: 3, maxLength: 2001, description: '<namespace>:<name>' }) },
  { additionalProperties: false },
);
const SuggestQuery = Type.Object(
  {
    prefix: Type.String({ minLength: 1, maxLength: 64, description: 'the start of a user name, any case' }),
  },
  { additionalProperties: false },
);
const SuggestionsReply = Type.Object({
  users: Type.Array(Type.Object({ name: Type.String(), displayName: Type.Union([Type.String(), Type.Null()]) })),
});

/**
 * Owners of experiments and datasets: readers see them, editors set and clear them, as they rename or tag. Also the
 * names a mention box or an owner field suggests: active users by the start of their name, a handful at a time,
 * to anyone signed in, who sees the same names in every team's member list.
 */
export async function ownerRoutes(app: TypedApp, { services }: { services: Services }) {
  const owners = services.owners;
  const datasetId = async (name: string) => {
    const found = await services.access.policy.datasetNamed(name);
    if (!found) throw notFound(`Dataset '${name}' does not exist`);
    return found.id;
  };

  const experiment = experimentAt('params', 'experimentId');
  app.get(
    '/experiments/:experimentId/owners',
    {
      config: access(needs('read', experiment)),
      schema: {
        tags,
        summary: "An experiment's owners",
        params: IdParams('experimentId'),
        response: { 200: OwnersReply },
      },
    },
    async (request) => ({ owners: await owners.owners('experiment', request.params.experimentId) }),
  );
  app.put(
    '/experiments/:experimentId/owners',
    {
      config: access(needs('edit', experiment)),
      schema: {
        tags,
        summary: "Sets or clears an experiment's owner user and owner team",
        params: IdParams('experimentId'),
        body: OwnerChangeBody,
        response: { 200: OwnersReply },
      },
    },
    async (request) => ({
      owners: await owners.set(request.principal!, 'experiment', request.params.experimentId, request.body),
    }),
  );

  const dataset = datasetAt('query', 'dataset');
  app.get(
    '/lineage/dataset-owners',
    {
      config: access(needs('read', dataset)),
      schema: { tags, summary: "A dataset's owners", querystring: DatasetQuery, response: { 200: OwnersReply } },
    },
    async (request) => ({ owners: await owners.owners('dataset', await datasetId(request.query.dataset)) }),
  );
  app.put(
    '/lineage/dataset-owners',
    {
      // As registering its versions: a role bound to the dataset, or a global one.
      config: access(needs('edit', dataset)),
      schema: {
        tags,
        summary: "Sets or clears a dataset's owner user and owner team",
        querystring: DatasetQuery,
        body: OwnerChangeBody,
        response: { 200: OwnersReply },
      },
    },
    async (request) => ({
      owners: await owners.set(request.principal!, 'dataset', await datasetId(request.query.dataset), request.body),
    }),
  );

  app.get(
    '/users/suggestions',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Active users whose name starts with a prefix, by name, at most 10',
        querystring: SuggestQuery,
        response: { 200: SuggestionsReply },
      },
    },
    async (request) => ({ users: await owners.suggestUsers(request.query.prefix) }),
  );
}
