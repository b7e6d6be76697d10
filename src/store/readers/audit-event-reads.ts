import type { Executor } from '../store.js';

/** An audit event as the verifier compares it: its action, digest and the state kept beside it (null when not). */
export interface EventWithState {
  seq: number;
  action: string;
  state_digest: string;
  state: string | null;
}

/** An entity's events after `afterSeq`, in seq order, with their states. */
export function entityEventsAfter(
  db: Executor,
  entityKind: string,
  entityId: string,
  afterSeq: number,
  limit: number,
): Promise<EventWithState[]> {
  return db
    .selectFrom('audit_events')
    .leftJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
    .select(['audit_events.seq', 'audit_events.action', 'audit_events.state_digest', 'audit_states.state'])
    .where('entity_kind', '=', entityKind)
    .where('entity_id', '=', entityId)
    .where('audit_events.seq', '>', afterSeq)
    .orderBy('audit_events.seq')
    .limit(limit)
    .execute();
}

/** The entities of a kind the log speaks of whose id sorts after `afterId`, in id order, each with its first event. */
export async function entitiesAfter(
  db: Executor,
  entityKind: string,
  afterId: string,
  limit: number,
): Promise<{ entity_id: string; seq: number }[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(['entity_id'])
    .select((eb) => eb.fn.min('seq').as('seq'))
    .where('entity_kind', '=', entityKind)
    .where('entity_id', '>', afterId)
    .groupBy('entity_id')
    .orderBy('entity_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ entity_id: row.entity_id, seq: Number(row.seq) }));
}

/**
 * The latest event of each of these entities of one kind, with its state, in one query over the
 * (entity kind, entity id, seq) index rather than one query per entity. Entities without events are left out.
 */
export function latestEventsOf(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
): Promise<(EventWithState & { entity_id: string })[]> {
  const newest = db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('entity_kind', '=', entityKind)
    .where('entity_id', 'in', [...new Set(entityIds)])
    .groupBy('entity_id');
  return db
    .selectFrom('audit_events')
    .leftJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
    .select([
      'audit_events.seq',
      'audit_events.entity_id',
      'audit_events.action',
      'audit_events.state_digest',
      'audit_states.state',
    ])
    .where('audit_events.seq', 'in', newest)
    .execute();
}

/** The latest event of each of these entities of one kind, without its state. */
export function latestEventDigestsOf(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
): Promise<{ entity_id: string; action: string; state_digest: string }[]> {
  const newest = db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('entity_kind', '=', entityKind)
    .where('entity_id', 'in', [...entityIds])
    .groupBy('entity_id');
  return db
    .selectFrom('audit_events')
    .select(['entity_id', 'action', 'state_digest'])
    .where('seq', 'in', newest)
    .execute();
}

/** The latest event, with its state, of any of these entities of one kind (of one of these actions, when given). */
export function latestEventAmong(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
  actions?: readonly string[],
): Promise<{ seq: number; entity_id: string; action: string; state: string | null } | undefined> {
  return db
    .selectFrom('audit_events')
    .leftJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
    .select(['audit_events.seq', 'audit_events.entity_id', 'audit_events.action', 'audit_states.state'])
    .where('entity_kind', '=', entityKind)
    .where('entity_id', 'in', [...entityIds])
    .$if(actions !== undefined, (qb) => qb.where('action', 'in', [...actions!]))
    .orderBy('audit_events.seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The events of these entities of one kind that took one action. */
export function eventsWithAction(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
  action: string,
): Promise<{ seq: number; entity_id: string }[]> {
  return db
    .selectFrom('audit_events')
    .select(['seq', 'entity_id'])
    .where('entity_kind', '=', entityKind)
    .where('entity_id', 'in', [...entityIds])
    .where('action', '=', action)
    .execute();
}

/** The first event of an entity after `afterSeq` that took one action, if any did. */
export async function firstActionAfter(
  db: Executor,
  entityKind: string,
  entityId: string,
  action: string,
  afterSeq: number,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('audit_events')
    .select('seq')
    .where('entity_kind', '=', entityKind)
    .where('entity_id', '=', entityId)
    .where('action', '=', action)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return row?.seq;
}

/** Which of these entities of one kind have any event. */
export async function entitiesWithEvents(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
): Promise<Set<string>> {
  const rows = await db
    .selectFrom('audit_events')
    .select('entity_id')
    .distinct()
    .where('entity_kind', '=', entityKind)
    .where('entity_id', 'in', [...entityIds])
    .execute();
  return new Set(rows.map((row) => row.entity_id));
}

/**
 * Up to `limit` events of these entities of one kind that took one action, with their states, after the given
 * event, in (entity id, seq) order: each entity's events in the order they were written, entity after entity.
 */
export function actionEventsAfter(
  db: Executor,
  entityKind: string,
  entityIds: readonly string[],
  action: string,
  after: { entityId: string; seq: number },
  limit: number,
): Promise<(EventWithState & { entity_id: string })[]> {
  return db
    .selectFrom('audit_events')
    .leftJoin('audit_states', 'audit_states.seq', 'audit_events.seq')
    .select([
      'audit_events.seq',
      'audit_events.entity_id',
      'audit_events.action',
      'audit_events.state_digest',
      'audit_states.state',
    ])
    .where('entity_kind', '=', entityKind)
    .where('entity_id', 'in', [...entityIds])
    .where('action', '=', action)
    .where((eb) =>
      eb.or([
        eb('entity_id', '>', after.entityId),
        eb.and([eb('entity_id', '=', after.entityId), eb('audit_events.seq', '>', after.seq)]),
      ]),
    )
    .orderBy('entity_id')
    .orderBy('audit_events.seq')
    .limit(limit)
    .execute();
}

/** Up to `limit` ids of entities of one kind with an event of one action whose id sorts after `afterId`. */
export async function entitiesWithActionAfter(
  db: Executor,
  entityKind: string,
  action: string,
  afterId: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select('entity_id')
    .distinct()
    .where('entity_kind', '=', entityKind)
    .where('action', '=', action)
    .where('entity_id', '>', afterId)
    .orderBy('entity_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.entity_id);
}
