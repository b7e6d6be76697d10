import { stateDigest } from '../../domain/provenance/audit-event.js';
import { latestEventDigestsOf } from '../../store/readers/audit-event-reads.js';
import type { WebhooksTable } from '../../store/schema-webhooks.js';
import type { Executor } from '../../store/store.js';
import { webhookAuditState } from './webhook-service.js';

/**
 * Splits webhook rows into those that are exactly as their latest audit event recorded them and those that are not.
 * Someone able to write to the database but not through the server could otherwise point a webhook at their own
 * URL, subscribe it to more events or enable it, and receive the registry's events (signed, even) until the next
 * `mnemo audit verify`. The comparison is with the state digest inside the hash-chained event, not with the stored
 * copy of the state, so editing both row and stored state is not enough either.
 */
export async function checkAgainstAudit(
  db: Executor,
  rows: readonly WebhooksTable[],
): Promise<{ recorded: WebhooksTable[]; altered: WebhooksTable[] }> {
  if (rows.length === 0) return { recorded: [], altered: [] };
  const ids = rows.map((row) => row.webhook_id);
  const events = await latestEventDigestsOf(db, 'webhook', ids);
  const latest = new Map(events.map((e) => [e.entity_id, e]));
  const recorded: WebhooksTable[] = [];
  const altered: WebhooksTable[] = [];
  for (const row of rows) {
    const event = latest.get(row.webhook_id);
    let matches = false;
    try {
      matches =
        event !== undefined &&
        event.action !== 'webhook.delete' &&
        event.state_digest === stateDigest(webhookAuditState(row));
    } catch {
      // A column that no longer parses was edited.
    }
    (matches ? recorded : altered).push(row);
  }
  return { recorded, altered };
}
