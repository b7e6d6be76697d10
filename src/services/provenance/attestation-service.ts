import { invalidState, notFound } from '../../domain/errors.js';
import { sha256Hex } from '../../domain/provenance/audit-event.js';
import type { DsseEnvelope } from '../../domain/provenance/dsse.js';
import { signEnvelope } from '../../domain/provenance/dsse.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  MODEL_VERSION_PREDICATE_TYPE,
  STATEMENT_TYPE,
  type Statement,
} from '../../domain/provenance/in-toto-statement.js';
import {
  type ArtifactDigest,
  builderOf,
  runPredicate,
  runStatement,
  subjectsOf,
} from '../../domain/provenance/run-provenance.js';
import { artifactFilesOf } from '../../store/repositories/artifact-repository.js';
import { insertAttestation, latestAttestation } from '../../store/repositories/provenance/attestation-repository.js';
import { lockAuditHead } from '../../store/repositories/provenance/audit-event-repository.js';
import { treeRoot } from '../../store/repositories/provenance/merkle-node-repository.js';
import { findModelRow } from '../../store/repositories/registry/model-repository.js';
import { findVersionRow } from '../../store/repositories/registry/version-repository.js';
import { findRunRow, hydrateRuns } from '../../store/repositories/run-repository.js';
import type { Executor } from '../../store/store.js';
import { newId } from '../ids.js';
import { currentContext } from '../request-context.js';
import type { WriteScope } from '../unit-of-work.js';
import type { ProvenanceDeps } from './provenance-deps.js';

export const BUILDER_ID = 'https://mnemo.dev/builder/mnemo-server/v1';

export interface Attestation {
  attestationId: string;
  subjectKind: 'run' | 'model_version';
  subjectId: string;
  keyId: string;
  createdTime: number;
  envelope: DsseEnvelope;
}

/**
 * Issues in-toto statements in DSSE envelopes signed with the server key. Subjects are the files whose sha256 the
 * server computed when they were uploaded (artifacts) or registered (model version manifests), never digests a
 * client claimed. Each attestation is stored and logged.
 */
export class AttestationService {
  constructor(private readonly deps: ProvenanceDeps) {}

  async attestRun(runId: string): Promise<Attestation> {
    const signer = await this.deps.keys.signer();
    return this.deps.unitOfWork.write(async (scope) => {
      const row = await findRunRow(scope.db, runId);
      if (!row) throw notFound(`Run with id=${runId} not found`);
      const [run] = await hydrateRuns(scope.db, [row]);
      const files = await artifactFilesOf(scope.db, runId);
      if (files.length === 0) {
        throw invalidState(`Run ${runId} has no artifact files to attest; upload its artifacts first.`);
      }
      const issuer = await this.issuer(scope.db, signer.keyId);
      return this.store(scope, 'run', runId, runStatement(run!, files, issuer));
    });
  }

  /**
   * Attests a registered model version: subjects are the files of its manifest, the predicate names the model, its
   * manifest digest and, when it came from a run, that run's provenance. Call it inside the registering
   * transaction (with its scope) or on its own.
   */
  async attestModelVersion(modelName: string, version: number, scope?: WriteScope): Promise<Attestation> {
    const issue = async (inner: WriteScope) => {
      const signer = await this.deps.keys.signer(inner);
      const model = await findModelRow(inner.db, modelName);
      if (!model) throw notFound(`Registered Model with name=${modelName} not found`);
      const row = await findVersionRow(inner.db, model.model_id, version);
      if (!row || row.deleted_time !== null)
        throw notFound(`Model Version (name=${modelName}, version=${version}) not found`);
      const files = JSON.parse(row.manifest) as ArtifactDigest[];
      if (files.length === 0) throw invalidState(`Model version ${modelName}/${version} has no files to attest.`);
      const issuer = await this.issuer(inner.db, signer.keyId);
      const sourceRun = row.run_id ? await findRunRow(inner.db, row.run_id) : undefined;
      const [run] = sourceRun ? await hydrateRuns(inner.db, [sourceRun]) : [];
      const statement: Statement = {
        _type: STATEMENT_TYPE,
        subject: subjectsOf(files),
        predicateType: MODEL_VERSION_PREDICATE_TYPE,
        predicate: {
          model: {
            name: model.name,
            modelId: model.model_id,
            version,
            source: row.source,
            manifestDigest: row.manifest_digest,
            creationTime: row.creation_time,
          },
          sourceRun: run ? runPredicate(run) : null,
          builder: builderOf(issuer),
          auditLog: issuer.auditLog,
        },
      };
      return this.store(inner, 'model_version', `${model.model_id}/${version}`, statement);
    };
    return scope ? issue(scope) : this.deps.unitOfWork.write(issue);
  }

  async latestFor(subjectKind: 'run' | 'model_version', subjectId: string): Promise<Attestation> {
    const row = await latestAttestation(this.deps.store.db, subjectKind, subjectId);
    if (!row) throw notFound(`No attestation for ${subjectKind.replace('_', ' ')} ${subjectId}; create one first.`);
    return {
      attestationId: row.attestation_id,
      subjectKind,
      subjectId: row.subject_id,
      keyId: row.key_id,
      createdTime: row.created_time,
      envelope: JSON.parse(row.envelope) as DsseEnvelope,
    };
  }

  async latestForModelVersion(modelName: string, version: number): Promise<Attestation> {
    const model = await findModelRow(this.deps.store.db, modelName);
    if (!model) throw notFound(`Registered Model with name=${modelName} not found`);
    return this.latestFor('model_version', `${model.model_id}/${version}`);
  }

  private async issuer(db: Executor, keyId: string) {
    // Reading the head under its lock keeps the named tree size and root consistent with each other.
    const head = await lockAuditHead(db);
    const root = await treeRoot(db, head.lastSeq);
    return {
      builderId: BUILDER_ID,
      keyId,
      requestedBy: currentContext().actor,
      issuedTime: this.deps.now(),
      auditLog: { treeSize: head.lastSeq, rootHash: root.toString('hex') },
    };
  }

  private async store(
    scope: WriteScope,
    subjectKind: Attestation['subjectKind'],
    subjectId: string,
    statement: Statement,
  ): Promise<Attestation> {
    const signer = await this.deps.keys.signer(scope);
    const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), signer);
    const attestation: Attestation = {
      attestationId: newId(),
      subjectKind,
      subjectId,
      keyId: signer.keyId,
      createdTime: this.deps.now(),
      envelope,
    };
    const text = JSON.stringify(envelope);
    await insertAttestation(scope.db, {
      attestation_id: attestation.attestationId,
      subject_kind: subjectKind,
      subject_id: subjectId,
      key_id: signer.keyId,
      envelope: text,
      created_time: attestation.createdTime,
    });
    scope.audit({
      action: 'attestation.create',
      entityKind: 'attestation',
      entityId: attestation.attestationId,
      state: { subjectKind, subjectId, keyId: signer.keyId, envelopeDigest: sha256Hex(text) },
    });
    return attestation;
  }
}
