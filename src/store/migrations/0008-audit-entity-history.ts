import type { Kysely } from 'kysely';

/**
 * An entity's events are read in seq order a page at a time (`mnemo audit verify`, the audit query API), and the
 * entities of a kind are listed with their first event. Indexed on (entity_kind, entity_id) alone, every page had
 * to fetch and sort the entity's whole history — quadratic in its length — and the listing went to the table for
 * each event's seq. With seq in the index both are one ordered range scan. The new index serves every query the old
 * one did, so the old one is dropped rather than kept beside it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('audit_events_entity_seq')
    .on('audit_events')
    .columns(['entity_kind', 'entity_id', 'seq'])
    .execute();
  await db.schema.dropIndex('audit_events_entity').execute();
}
