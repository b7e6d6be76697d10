import { type Static, Type } from '@sinclair/typebox';
import type { Services } from '../../services/services.js';
import { experimentAt, modelAt } from '../access/locators.js';
import { access, needs, SIGNED_IN } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { IdParams } from './schemas.js';
import { ParamSuggestionsJson, SimilarModelsJson } from './search-schemas.js';

const tags = ['search'];

const Ranking = {
  metric: Type.Optional(Type.String({ minLength: 1, maxLength: 250 })),
  limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}$' })),
};
const ExperimentSuggestionQuery = Type.Object(Ranking, { additionalProperties: false });

const Repeated = (maxLength: number) =>
  Type.Union([Type.String({ maxLength }), Type.Array(Type.String({ maxLength }), { maxItems: 50 })]);
const DescriptionQuery = Type.Object(
  {
    ...Ranking,
    dataset: Type.Optional(Repeated(500)),
    taskType: Type.Optional(Type.String({ maxLength: 250 })),
    tag: Type.Optional(Repeated(1000)),
  },
  { additionalProperties: false },
);

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const limitOf = (limit: string | undefined) => (limit === undefined ? undefined : Number(limit));

const description =
  'Past experiments are alike when their runs read the same datasets (logged inputs or lineage; counts 3), they share the `task_type` tag (2) ' +
  'or other tags (1 each). Of each alike experiment the finished run with params that reached the best `metric` ' +
  '(losses and errors lowest, others highest; by default the metric most alike experiments report) is proposed, ' +
  'most alike first, each with the reasons it was chosen. Only experiments the caller may read are compared.';

/**
 * Experiment starters (params of the best runs of similar past experiments, ready to copy into a new run) and similar
 * registered models.
 */
export async function suggestionRoutes(app: TypedApp, { services }: { services: Services }) {
  app.get(
    '/experiments/:experimentId/suggested-params',
    {
      config: access(needs('read', experimentAt('params', 'experimentId'))),
      schema: {
        tags,
        summary: 'Params of the best runs of experiments similar to this one',
        description,
        params: IdParams('experimentId'),
        querystring: ExperimentSuggestionQuery,
        response: { 200: ParamSuggestionsJson },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof ExperimentSuggestionQuery>;
      return services.paramSuggestions.forExperiment(request.params.experimentId, {
        metric: query.metric,
        limit: limitOf(query.limit),
        visible: await request.readable('experiment'),
        visibleDatasets: await request.readable('dataset'),
      });
    },
  );

  app.get(
    '/suggested-params',
    {
      config: access(SIGNED_IN),
      schema: {
        tags,
        summary: 'Params of the best runs of past experiments on these datasets, task type or tags',
        description: `\`dataset\` and \`tag\` (\`key=value\`) repeat; at least one of them or \`taskType\` is needed. ${description}`,
        querystring: DescriptionQuery,
        response: { 200: ParamSuggestionsJson },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof DescriptionQuery>;
      return services.paramSuggestions.forDescription(
        { datasets: list(query.dataset), taskType: query.taskType, tags: list(query.tag) },
        {
          metric: query.metric,
          limit: limitOf(query.limit),
          visible: await request.readable('experiment'),
          visibleDatasets: await request.readable('dataset'),
        },
      );
    },
  );

  app.get(
    '/registered-models/:name/similar',
    {
      config: access(needs('read', modelAt('params', 'name'))),
      schema: {
        tags,
        summary: 'Registered models similar to this one, each with why',
        description:
          'Models are alike when their versions were trained on the same datasets (counts 3) or features (2, both ' +
          'through the runs and lineage), share task type or algorithm family (2 each) or tags (1 each). Restricted ' +
          'models the caller may not read never appear.',
        params: Type.Object({ name: Type.String({ minLength: 1, maxLength: 500 }) }),
        querystring: Type.Object(
          { limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,2}$' })) },
          { additionalProperties: false },
        ),
        response: { 200: SimilarModelsJson },
      },
    },
    async (request) => {
      const query = request.query as { limit?: string };
      return services.similarModels.similarTo(request.params.name, {
        limit: limitOf(query.limit),
        visible: await request.readable('model'),
        visibleDatasets: await request.readable('dataset'),
      });
    },
  );
}
