import { Type } from '@sinclair/typebox';
import type { Comment } from '../../../domain/collaboration/comment.js';
import { notFound } from '../../../domain/errors.js';
import type { CommentTarget } from '../../../services/collaboration/comment-target.js';
import type { Services } from '../../../services/services.js';
import { datasetAt, modelAt, runAt } from '../../access/locators.js';
import { access, allOf, needs, type RouteAccess, SIGNED_IN_WRITER } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import { VersionParams } from '../registry/registry-schemas.js';
import { IdParams } from '../schemas.js';

const tags = ['comments'];

const CommentJson = Type.Object({
  id: Type.String(),
  entity: Type.Object({ kind: Type.String(), id: Type.String() }),
  author: Type.String({ description: "the author's user name" }),
  body: Type.String({ description: 'Markdown' }),
  createdAt: Type.Integer({ description: 'epoch ms' }),
  updatedAt: Type.Integer({ description: 'epoch ms' }),
});

const Body = Type.Object(
  // The domain's limit answers with its own message; this only stops a body far past it from being parsed.
  { body: Type.String({ maxLength: 20_000, description: 'Markdown; `@name` notifies that user if they may read it' }) },
  { additionalProperties: false },
);
const PageQuery = Type.Object(
  {
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const DatasetQuery = Type.Object(
  {
    dataset: Type.String({ minLength: 3, maxLength: 2001, description: '<namespace>:<name>' }),
    maxResults: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$' })),
    pageToken: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
const ListJson = Type.Object({ comments: Type.Array(CommentJson), nextPageToken: Type.Optional(Type.String()) });
const OneJson = Type.Object({ comment: CommentJson });

const present = (c: Comment) => ({
  id: c.commentId,
  entity: c.entity,
  author: c.authorName,
  body: c.body,
  createdAt: c.creationTime,
  updatedAt: c.lastUpdatedTime,
});

/**
 * Comments on runs, model versions and datasets. Whoever may read the subject reads its comments, and — signed in
 * with a token that allows writes — may comment: review is open to every reader, as a code review is. Editing is
 * the author's; deleting the author's or the subject's managers'. `@name` notifies that user, when they may read the
 * subject.
 */
export async function commentRoutes(app: TypedApp, { services }: { services: Services }) {
  const comments = services.comments;
  const readerWrites = (read: RouteAccess) => allOf(read, SIGNED_IN_WRITER);

  const listed = async (target: CommentTarget, query: { maxResults?: string; pageToken?: string }) => {
    const result = await comments.list(target, {
      maxResults: query.maxResults === undefined ? undefined : Number(query.maxResults),
      pageToken: query.pageToken,
    });
    return {
      comments: result.comments.map(present),
      ...(result.nextPageToken ? { nextPageToken: result.nextPageToken } : {}),
    };
  };

  const run = needs('read', runAt('params', 'runId'));
  app.get(
    '/runs/:runId/comments',
    {
      config: access(run),
      schema: {
        tags,
        summary: "A run's comments, oldest first",
        params: IdParams('runId'),
        querystring: PageQuery,
        response: { 200: ListJson },
      },
    },
    async (request) => listed({ kind: 'run', runId: request.params.runId }, request.query),
  );
  app.post(
    '/runs/:runId/comments',
    {
      config: access(readerWrites(run)),
      schema: { tags, summary: 'Comments on a run', params: IdParams('runId'), body: Body, response: { 201: OneJson } },
    },
    async (request, reply) => {
      const target: CommentTarget = { kind: 'run', runId: request.params.runId };
      const comment = await comments.create(request.principal!, target, request.body.body);
      return reply.status(201).send({ comment: present(comment) });
    },
  );

  const model = needs('read', modelAt('params', 'name'));
  app.get(
    '/registered-models/:name/versions/:version/comments',
    {
      config: access(model),
      schema: {
        tags,
        summary: "A model version's comments, oldest first",
        params: VersionParams,
        querystring: PageQuery,
        response: { 200: ListJson },
      },
    },
    async (request) =>
      listed(
        { kind: 'model_version', modelName: request.params.name, version: Number(request.params.version) },
        request.query,
      ),
  );
  app.post(
    '/registered-models/:name/versions/:version/comments',
    {
      config: access(readerWrites(model)),
      schema: {
        tags,
        summary: 'Comments on a model version',
        params: VersionParams,
        body: Body,
        response: { 201: OneJson },
      },
    },
    async (request, reply) => {
      const target: CommentTarget = {
        kind: 'model_version',
        modelName: request.params.name,
        version: Number(request.params.version),
      };
      const comment = await comments.create(request.principal!, target, request.body.body);
      return reply.status(201).send({ comment: present(comment) });
    },
  );

  // Datasets are named `<namespace>:<name>` everywhere in the lineage API, so here too, in the query.
  const dataset = needs('read', datasetAt('query', 'dataset'));
  const datasetTarget = async (name: string): Promise<CommentTarget> => {
    const found = await services.access.policy.datasetNamed(name);
    if (!found) throw notFound(`Dataset '${name}' does not exist`);
    return { kind: 'dataset', datasetId: found.id };
  };
  app.get(
    '/lineage/dataset-comments',
    {
      config: access(dataset),
      schema: {
        tags,
        summary: "A dataset's comments, oldest first",
        querystring: DatasetQuery,
        response: { 200: ListJson },
      },
    },
    async (request) => listed(await datasetTarget(request.query.dataset), request.query),
  );
  app.post(
    '/lineage/dataset-comments',
    {
      config: access(readerWrites(dataset)),
      schema: {
        tags,
        summary: 'Comments on a dataset',
        querystring: Type.Object({ dataset: DatasetQuery.properties.dataset }, { additionalProperties: false }),
        body: Body,
        response: { 201: OneJson },
      },
    },
    async (request, reply) => {
      const target = await datasetTarget(request.query.dataset);
      const comment = await comments.create(request.principal!, target, request.body.body);
      return reply.status(201).send({ comment: present(comment) });
    },
  );

  // A comment by id: the service answers 404 to whoever may not read its subject, so no subject is located here.
  const ById = IdParams('commentId');
  app.patch(
    '/comments/:commentId',
    {
      config: access(SIGNED_IN_WRITER),
      schema: { tags, summary: "Edits the caller's own comment", params: ById, body: Body, response: { 200: OneJson } },
    },
    async (request) => ({
      comment: present(await comments.update(request.principal!, request.params.commentId, request.body.body)),
    }),
  );
  app.delete(
    '/comments/:commentId',
    {
      config: access(SIGNED_IN_WRITER),
      schema: {
        tags,
        summary: "Deletes a comment: the author's own, or any on what the caller manages",
        params: ById,
        response: { 200: Type.Object({}) },
      },
    },
    async (request) => {
      await comments.delete(request.principal!, request.params.commentId);
      return {};
    },
  );
}
