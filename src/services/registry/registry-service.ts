import { AliasService } from './alias-service.js';
import { CompletenessService } from './completeness-service.js';
import { EvaluationService } from './evaluation-service.js';
import { GovernanceService } from './governance-service.js';
import { ModelService } from './model-service.js';
import type { RegistryDeps } from './registry-deps.js';
import { SchemaService } from './schema-service.js';
import { StageService } from './stage-service.js';
import { VersionService } from './version-service.js';

/** The model registry's use cases, grouped by what they act on. */
export class RegistryService {
  readonly models: ModelService;
  readonly versions: VersionService;
  readonly stages: StageService;
  readonly aliases: AliasService;
  readonly evaluations: EvaluationService;
  readonly schemas: SchemaService;
  readonly governance: GovernanceService;
  readonly completeness: CompletenessService;

  constructor(deps: RegistryDeps) {
    this.models = new ModelService(deps);
    this.versions = new VersionService(deps);
    this.stages = new StageService(deps);
    this.aliases = new AliasService(deps);
    this.evaluations = new EvaluationService(deps);
    this.schemas = new SchemaService(deps);
    this.governance = new GovernanceService(deps);
    this.completeness = new CompletenessService(deps);
  }
}
