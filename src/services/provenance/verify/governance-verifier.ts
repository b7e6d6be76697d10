import type { ProblemLog } from '../../../domain/provenance/verification-report.js';
import type { Executor } from '../../../store/store.js';
import {
  metadataSchemaKind,
  namingRuleKind,
  policyKind,
  runRequirementsKind,
  vocabularyKind,
} from './governance-kinds.js';
import { verifyMetadataSubjects } from './metadata-subject-verifier.js';
import { verifyRecordedRows } from './recorded-rows.js';

/**
 * The registry's governance against its events: metadata schema subjects and every schema version (the rules model
 * metadata is validated with), tag vocabularies, naming rules, what scopes require of runs and promotion policies.
 * Returns how many rows were checked.
 */
export async function verifyGovernance(db: Executor, problems: ProblemLog): Promise<number> {
  return (
    (await verifyMetadataSubjects(db, problems)) +
    (await verifyRecordedRows(db, problems, metadataSchemaKind)) +
    (await verifyRecordedRows(db, problems, vocabularyKind)) +
    (await verifyRecordedRows(db, problems, namingRuleKind)) +
    (await verifyRecordedRows(db, problems, runRequirementsKind)) +
    (await verifyRecordedRows(db, problems, policyKind))
  );
}
