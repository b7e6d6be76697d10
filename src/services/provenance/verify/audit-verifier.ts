import { RunExpectations } from '../../../domain/provenance/run-expectations.js';
import type { TrustedKeys } from '../../../domain/provenance/trusted-keys.js';
import { ProblemLog, type VerificationReport } from '../../../domain/provenance/verification-report.js';
import type { Executor } from '../../../store/store.js';
import { verifyAccessControl } from './access-kinds.js';
import { verifyApprovals } from './approval-kinds.js';
import { verifyCollaboration } from './collaboration-kinds.js';
import { declaredDependenciesKind } from './declared-dependencies-kind.js';
import { verifyExperiments } from './experiment-verifier.js';
import { verifyGovernance } from './governance-verifier.js';
import { verifyLineage } from './lineage-verifier.js';
import { verifyLog } from './log-verifier.js';
import { loggedModelFileKind, loggedModelKind, runModelLinkKind } from './logged-model-kinds.js';
import { verifyModels } from './model-verifier.js';
import { verifyModelVersions } from './model-version-verifier.js';
import { verifyRecordedRows } from './recorded-rows.js';
import { verifyRequirementIndex } from './requirement-index-check.js';
import { revalidationFlagKind } from './revalidation-kind.js';
import { verifyRuns } from './run-verifier.js';
import { verifySearchSettings } from './search-kinds.js';
import { verifyTargetEnvironmentHistories } from './target-environment-history.js';
import { verifyWebhooks } from './webhook-kinds.js';

/**
 * Recorded values (params, tags, metric batches, artifacts, inputs) gathered for all runs during the log walk, a
 * few hundred bytes each; a database whose runs record more has each run's history read back on its own instead.
 */
const RUN_VALUES_GATHERED = 500_000;

/**
 * Checks a database against its own audit log: the log itself (hashes, chain, Merkle tree, signed checkpoints,
 * stored states), then the experiments, runs, registered models, model versions and aliases, the lineage graph and
 * the registry's governance (metadata schemas, vocabularies, naming rules), declared dependencies and target
 * environment histories against what the log recorded about them.
 * Reads straight from the database, so it sees edits made behind the server's back.
 */
export async function verifyAuditTrail(
  db: Executor,
  options: {
    trustedKeys?: TrustedKeys | undefined;
    onProgress?: ((message: string) => void) | undefined;
    /** How many recorded run values the log walk may gather (the memory bound); beyond it runs read their own. */
    runValuesGathered?: number | undefined;
  } = {},
): Promise<VerificationReport> {
  const problems = new ProblemLog();
  const runExpectations = new RunExpectations(options.runValuesGathered ?? RUN_VALUES_GATHERED);
  const log = await verifyLog(db, problems, {
    trustedKeys: options.trustedKeys,
    onProgress: (events) => options.onProgress?.(`${events} events checked`),
    onEvent: (event) => {
      if (event.entityKind === 'run') runExpectations.add(event.entityId, event.seq, event.action, event.state);
    },
  });
  options.onProgress?.(`log checked (${log.events} events, ${log.checkpoints} checkpoints); checking entities`);
  const experiments = await verifyExperiments(db, problems);
  const runs = await verifyRuns(db, problems, runExpectations);
  const models = await verifyModels(db, problems);
  const versions = await verifyModelVersions(db, problems);
  options.onProgress?.('checking the lineage graph and the governance rules');
  const lineage = await verifyLineage(db, problems);
  const governance = await verifyGovernance(db, problems);
  const webhooks = await verifyWebhooks(db, problems);
  // MLflow 3 LoggedModels, their files and their links to runs.
  const loggedModels =
    (await verifyRecordedRows(db, problems, loggedModelKind)) +
    (await verifyRecordedRows(db, problems, loggedModelFileKind)) +
    (await verifyRecordedRows(db, problems, runModelLinkKind));
  const access = await verifyAccessControl(db, problems);
  const approvals = await verifyApprovals(db, problems);
  const revalidations = await verifyRecordedRows(db, problems, revalidationFlagKind);
  const collaboration = await verifyCollaboration(db, problems);
  const searchSettings = await verifySearchSettings(db, problems);
  // What each model version declares it needs (and the index by package derived from it), and the history of each
  // deployment target's environment.
  const dependencies =
    (await verifyRecordedRows(db, problems, declaredDependenciesKind)) +
    (await verifyTargetEnvironmentHistories(db, problems));
  // Derived from the declarations just checked, so not counted again.
  await verifyRequirementIndex(db, problems);
  return {
    events: log.events,
    checkpoints: log.checkpoints,
    entities:
      experiments +
      runs +
      models +
      versions +
      webhooks +
      loggedModels +
      access +
      approvals +
      revalidations +
      collaboration +
      searchSettings +
      dependencies,
    lineage,
    governance,
    problems: problems.sorted(),
    truncated: problems.truncated,
  };
}
