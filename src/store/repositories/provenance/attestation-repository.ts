import type { AttestationsTable } from '../../schema-provenance.js';
import type { Executor } from '../../store.js';

export async function insertAttestation(db: Executor, row: AttestationsTable): Promise<void> {
  await db.insertInto('attestations').values(row).execute();
}

export async function latestAttestation(
  db: Executor,
  subjectKind: string,
  subjectId: string,
): Promise<AttestationsTable | undefined> {
  return db
    .selectFrom('attestations')
    .selectAll()
    .where('subject_kind', '=', subjectKind)
    .where('subject_id', '=', subjectId)
    .orderBy('created_time', 'desc')
    .orderBy('attestation_id', 'desc')
    .limit(1)
    .executeTakeFirst();
}
