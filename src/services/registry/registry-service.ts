import { AliasService } from './alias-service.js';
import { ModelService } from './model-service.js';
import type { RegistryDeps } from './registry-deps.js';
import { StageService } from './stage-service.js';
import { VersionService } from './version-service.js';

/** The model registry's use cases, grouped by what they act on. */
export class RegistryService {
  readonly models: ModelService;
  readonly versions: VersionService;
  readonly stages: StageService;
  readonly aliases: AliasService;

  constructor(deps: RegistryDeps) {
    this.models = new ModelService(deps);
    this.versions = new VersionService(deps);
    this.stages = new StageService(deps);
    this.aliases = new AliasService(deps);
  }
}
