import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import { secretKeyIdOf } from '../../../domain/webhooks/secret-box.js';
import { keyedPages } from '../../../store/readers/keyed-table-pages.js';
import type { SecretKeysTable, WebhooksTable } from '../../../store/schema-webhooks.js';
import type { Executor } from '../../../store/store.js';
import { webhookAuditState } from '../../webhooks/webhook-service.js';
import { type RecordedRowKind, verifyRecordedRows } from './recorded-rows.js';

/**
 * A webhook decides where registry events are sent and what they are signed with, so an edit behind the server's back
 * (a URL pointed elsewhere, events added, a disabled hook enabled, its sealed secret swapped or removed) must show.
 * Each write records the webhook whole with the digest of its sealed secret; a delete removes it.
 */
export const webhookKind: RecordedRowKind<WebhooksTable> = {
  entityKind: 'webhook',
  noun: 'webhook',
  ...keyedPages('webhooks'),
  entityId: (row) => row.webhook_id,
  label: (row) => `webhook ${row.webhook_id}`,
  current: (row) => webhookAuditState(row),
  deleteAction: 'webhook.delete',
};

/**
 * A generated secret key is recorded (its id, never its bytes) when it is made. Its id is its digest, so replaced
 * key material no longer matches the recorded id.
 */
export const secretKeyKind: RecordedRowKind<SecretKeysTable> = {
  entityKind: 'secret_key',
  noun: 'secret key',
  ...keyedPages('secret_keys'),
  entityId: (row) => row.key_id,
  label: (row) => `secret key ${row.key_id}`,
  current: (row) => ({
    keyId: secretKeyIdOf(Buffer.from(row.key_material, 'base64')),
    creationTime: Number(row.creation_time),
  }),
};

/** Webhooks and the generated keys their secrets are sealed with, against their events. Returns the rows checked. */
export async function verifyWebhooks(db: Executor, problems: ProblemLog): Promise<number> {
  return (
    (await verifyRecordedRows(db, problems, webhookKind)) + (await verifyRecordedRows(db, problems, secretKeyKind))
  );
}
