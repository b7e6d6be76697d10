import { sql } from 'kysely';

/**
 * The current access generation as a column of the query that authenticates a request, so learning it costs no round
 * trip of its own. Triggers move it on with every change to role bindings and restrictions (migration 0030).
 */
export const currentAccessGeneration = sql<number>`(select generation from access_generation where id = 1)`.as(
  'access_generation',
);
