import { NO_PROTECTION } from '../../domain/registry/approvals/protection.js';
import { AliasService } from './alias-service.js';
import { ApprovalService, type ApprovalSettings, DEFAULT_REQUEST_TTL_MS } from './approvals/approval-service.js';
import { CompletenessService } from './completeness-service.js';
import { EvaluationService } from './evaluation-service.js';
import { GovernanceService } from './governance-service.js';
import { ModelService } from './model-service.js';
import type { RegistryDeps } from './registry-deps.js';
import { RevalidationService } from './revalidation-service.js';
import { SchemaService } from './schema-service.js';
import { StageService } from './stage-service.js';
import { VersionService } from './version-service.js';

/** Nothing protected: a registry made without settings (tests of other parts, tools) never asks for approval. */
export const DEFAULT_APPROVAL_SETTINGS: ApprovalSettings = {
  serverDefault: NO_PROTECTION,
  requestTtlMs: DEFAULT_REQUEST_TTL_MS,
};

/** The model registry's use cases, grouped by what they act on. */
export class RegistryService {
  readonly models: ModelService;
  readonly versions: VersionService;
  readonly stages: StageService;
  readonly aliases: AliasService;
  readonly evaluations: EvaluationService;
  /** Versions flagged because something they were trained on changed upstream. */
  readonly revalidation: RevalidationService;
  readonly schemas: SchemaService;
  readonly governance: GovernanceService;
  readonly completeness: CompletenessService;
  readonly approvals: ApprovalService;

  constructor(deps: RegistryDeps, approvalSettings: ApprovalSettings = DEFAULT_APPROVAL_SETTINGS) {
    this.approvals = new ApprovalService(deps, approvalSettings);
    this.models = new ModelService(deps);
    this.versions = new VersionService(deps);
    this.stages = new StageService(deps, this.approvals);
    this.aliases = new AliasService(deps, this.approvals);
    this.approvals.bind({
      stage: (scope, input, applying) => this.stages.applyApproved(scope, input, applying),
      alias: (scope, name, alias, version, applying) =>
        this.aliases.applyApproved(scope, name, alias, version, applying),
    });
    this.revalidation = new RevalidationService(deps);
    this.evaluations = new EvaluationService(deps, this.revalidation);
    this.schemas = new SchemaService(deps);
    this.governance = new GovernanceService(deps);
    this.completeness = new CompletenessService(deps);
  }
}
