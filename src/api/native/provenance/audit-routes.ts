import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { Services } from '../../../services/services.js';
import type { AuditEventFilter } from '../../../store/repositories/provenance/audit-event-repository.js';
import { server } from '../../access/locators.js';
import { ADMIN, access, needs } from '../../access/route-access.js';
import type { TypedApp } from '../../typed-app.js';
import {
  AuditEventsQuery,
  AuditEventWithStateJson,
  AuditExportQuery,
  CheckpointJson,
  CheckpointListQuery,
  ConsistencyProofJson,
  ConsistencyQuery,
  InclusionProofJson,
  ProofQuery,
  SeqParams,
} from './provenance-schemas.js';

const tags = ['audit'];
const optionalNumber = (value: string | undefined) => (value === undefined ? undefined : Number(value));

function filterOf(query: AuditExportQuery): AuditEventFilter {
  return {
    entityKind: query.entityKind,
    entityId: query.entityId,
    actor: query.actor,
    action: query.action,
    fromTime: optionalNumber(query.from),
    toTime: optionalNumber(query.to),
  };
}

/** Browsing, exporting and proving the audit log, and signing checkpoints of it. */
export async function auditRoutes(app: TypedApp, { services }: { services: Services }) {
  const { auditLog, checkpoints, proofs } = services.provenance;

  app.get(
    '/audit/events',
    {
      config: access(needs('read', server)),
      schema: {
        tags,
        summary: 'Audit events in sequence order, filtered by entity, actor, action and time',
        querystring: AuditEventsQuery,
        response: {
          200: Type.Object({
            events: Type.Array(AuditEventWithStateJson),
            nextPageToken: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (request) =>
      auditLog.page(filterOf(request.query), {
        maxResults: optionalNumber(request.query.maxResults),
        pageToken: request.query.pageToken,
      }),
  );

  app.get(
    '/audit/events.jsonl',
    {
      config: access(needs('read', server)),
      schema: {
        tags,
        summary: 'Every matching audit event as JSON Lines, streamed',
        querystring: AuditExportQuery,
      },
    },
    async (request, reply) => {
      const lines = auditLog.exportLines(filterOf(request.query));
      // Pull the first page before answering so a bad filter still gets a clean 400.
      const first = await lines.next();
      async function* all() {
        if (!first.done) yield first.value;
        yield* lines;
      }
      return reply.type('application/x-ndjson; charset=utf-8').send(Readable.from(all()));
    },
  );

  app.get(
    '/audit/events/:seq',
    {
      config: access(needs('read', server)),
      schema: { tags, params: SeqParams, response: { 200: Type.Object({ event: AuditEventWithStateJson }) } },
    },
    async (request) => ({ event: await auditLog.get(Number(request.params.seq)) }),
  );

  app.get(
    '/audit/events/:seq/proof',
    {
      config: access(needs('read', server)),
      schema: {
        tags,
        summary: 'Self-contained inclusion proof of an event against a signed checkpoint (the latest by default)',
        params: SeqParams,
        querystring: ProofQuery,
        response: { 200: InclusionProofJson },
      },
    },
    async (request) => proofs.inclusion(Number(request.params.seq), optionalNumber(request.query.treeSize)),
  );

  app.get(
    '/audit/consistency',
    {
      config: access(needs('read', server)),
      schema: {
        tags,
        summary: 'Consistency proof that the log of `to` events extends the log of `from` events (RFC 9162)',
        querystring: ConsistencyQuery,
        response: { 200: ConsistencyProofJson },
      },
    },
    async (request) => proofs.consistency(Number(request.query.from), Number(request.query.to)),
  );

  app.post(
    '/audit/checkpoints',
    {
      config: access(ADMIN),
      schema: {
        tags,
        summary: 'Sign a checkpoint of the current log (tree size, Merkle root, time, key id)',
        response: { 201: Type.Object({ checkpoint: CheckpointJson }) },
      },
    },
    async (_request, reply) => reply.status(201).send({ checkpoint: await checkpoints.create() }),
  );

  app.get(
    '/audit/checkpoints',
    {
      config: access(needs('read', server)),
      schema: {
        tags,
        querystring: CheckpointListQuery,
        response: {
          200: Type.Object({ checkpoints: Type.Array(CheckpointJson), nextPageToken: Type.Optional(Type.String()) }),
        },
      },
    },
    async (request) => checkpoints.page(optionalNumber(request.query.maxResults), request.query.pageToken),
  );

  app.get(
    '/audit/checkpoints/latest',
    {
      config: access(needs('read', server)),
      schema: { tags, response: { 200: Type.Object({ checkpoint: CheckpointJson }) } },
    },
    async () => ({ checkpoint: await checkpoints.latest() }),
  );
}
