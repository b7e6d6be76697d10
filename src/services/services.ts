import type { RoleName } from '../domain/access/access-types.js';
import type { UploadLimits } from '../domain/artifacts/upload-limits.js';
import type { SensitiveKeys } from '../domain/encryption/sensitive-keys.js';
import type { UsageRetention } from '../domain/search/usage-retention.js';
import type { SecretKey } from '../domain/webhooks/secret-box.js';
import type { ArtifactStore } from '../store/artifacts/artifact-store.js';
import type { Store } from '../store/store.js';
import { type AccessServices, createAccessServices } from './access/access-services.js';
import { PrincipalNodeVisibility } from './access/principal-node-visibility.js';
import type { SsoConfig } from './access/sso/sso-config.js';
import { CommentService } from './collaboration/comment-service.js';
import { MilestoneService } from './collaboration/milestone-service.js';
import { OwnerService } from './collaboration/owner-service.js';
import { ReportService } from './collaboration/report-service.js';
import { DependencyService } from './dependencies/dependency-service.js';
import { applyLinkedRunEnvironment } from './dependencies/run-environment-declarations.js';
import type { EncryptionKeys } from './encryption/encryption-keys.js';
import { EncryptionRotation } from './encryption/encryption-rotation.js';
import { SensitiveValues } from './encryption/sensitive-values.js';
import { PolicyService } from './governance/policy-service.js';
import { type PolicyGuardDeps, PolicyPromotionGuard } from './governance/promotion-guard.js';
import { LineageQueryService } from './lineage/lineage-query-service.js';
import { LineageService } from './lineage/lineage-service.js';
import { OpenLineageIngestService } from './lineage/openlineage-ingest-service.js';
import { type EmailDeliveryOptions, EmailDispatcher, type MailSender } from './notifications/email-dispatcher.js';
import { NotificationService } from './notifications/notification-service.js';
import { type SmtpConfig, smtpSender } from './notifications/smtp-sender.js';
import { BacklogService } from './operations/backlog-service.js';
import { IdempotencyService } from './operations/idempotency-service.js';
import { ReadinessService } from './operations/readiness-service.js';
import { createProvenanceServices, type ProvenanceServices } from './provenance/provenance-services.js';
import type { SigningKey } from './provenance/signing-key-source.js';
import type { ApprovalSettings } from './registry/approvals/approval-service.js';
import { RegistryService } from './registry/registry-service.js';
import { VersionStatusService } from './registry/version-status-service.js';
import { DiscoveryService } from './search/discovery-service.js';
import { ParamSuggestionService } from './search/param-suggestion-service.js';
import { SavedSearchService } from './search/saved-search-service.js';
import { SavedSearchWatcher } from './search/saved-search-watcher.js';
import { SearchIndexer } from './search/search-indexer.js';
import { SearchUsageService } from './search/search-usage-service.js';
import { SimilarModelService } from './search/similar-model-service.js';
import type { ServiceDeps } from './service-deps.js';
import { ArtifactService } from './tracking/artifact-service.js';
import { ExperimentDashboardService } from './tracking/experiment-dashboard-service.js';
import { ExperimentOverviewService } from './tracking/experiment-overview-service.js';
import { ExperimentService } from './tracking/experiment-service.js';
import { LoggedModelService } from './tracking/logged-model-service.js';
import { MetricHistoryService } from './tracking/metric-history-service.js';
import { RunDiffService } from './tracking/run-diff-service.js';
import { RunRequirementService } from './tracking/run-requirement-service.js';
import { RunService } from './tracking/run-service.js';
import { TeamDashboardService } from './tracking/team-dashboard-service.js';
import { type AuditAppender, UnitOfWork } from './unit-of-work.js';
import type { DeliveryOptions } from './webhooks/webhook-dispatcher.js';
import { createWebhookServices, type WebhookServices } from './webhooks/webhook-services.js';

export interface Services {
  access: AccessServices;
  /** The one unit of work every service writes through (made here, once per store). */
  unitOfWork: UnitOfWork;
  experiments: ExperimentService;
  runs: RunService;
  runRequirements: RunRequirementService;
  /** The comparison of two runs (read-only). */
  runDiff: RunDiffService;
  loggedModels: LoggedModelService;
  metricHistory: MetricHistoryService;
  artifacts: ArtifactService;
  experimentOverview: ExperimentOverviewService;
  /** Trends, anomaly flags and failed checks over an experiment's runs (read-only). */
  experimentDashboard: ExperimentDashboardService;
  teamDashboard: TeamDashboardService;
  registry: RegistryService;
  /** Promotion policies and the gate that evaluates them without changing anything. */
  policies: PolicyService;
  /** Where each version of a model stands (metrics, completeness, flags, policies, approvals): the versions table. */
  versionStatus: VersionStatusService;
  provenance: ProvenanceServices;
  lineage: LineageService;
  /** Declared dependencies, target environments, compatibility, what-if and resolve. */
  dependencies: DependencyService;
  lineageQueries: LineageQueryService;
  /** One search across every entity, with facets and completion (see search/). */
  discovery: DiscoveryService;
  searchUsage: SearchUsageService;
  savedSearches: SavedSearchService;
  savedSearchWatcher: SavedSearchWatcher;
  /** Experiment starters: params of the best runs of similar past experiments. */
  paramSuggestions: ParamSuggestionService;
  /** Registered models like a given one, each with why. */
  similarModels: SimilarModelService;
  openLineage: OpenLineageIngestService;
  webhooks: WebhookServices;
  /** Sensitive values: what is sealed, and the background pass that moves them to the current key. */
  encryption: { sensitive: SensitiveValues; rotation: EncryptionRotation };
  /** People's inboxes; callable inside any write (see notify-api in README). */
  notifications: NotificationService;
  /** Sends the e-mails notifications owe; present when SMTP is configured. */
  emails?: EmailDispatcher;
  /** Idempotency-Key: which writes were applied already, and the answers they were given. */
  idempotency: IdempotencyService;
  /** Whether the database and the artifact store answer (`/ready`). */
  readiness: ReadinessService;
  backlog: BacklogService;
  /** Comments with @mentions on runs, model versions and datasets. */
  comments: CommentService;
  /** Targets on experiments and registered models, with progress from the best run so far. */
  milestones: MilestoneService;
  reports: ReportService;
  owners: OwnerService;
}

export function createServices(options: {
  store: Store;
  artifacts: ArtifactStore;
  audit: AuditAppender;
  now?: () => number;
  /** Size limits for artifact uploads; DEFAULT_UPLOAD_LIMITS when absent. */
  uploadLimits?: UploadLimits;
  /** The server's Ed25519 key for checkpoints and attestations; a fresh one per process when absent. */
  signingKey?: SigningKey;
  /** The operator's key for sealing secrets; without one a key is generated and kept in the database. */
  secretKey?: SecretKey;
  webhookDelivery?: Partial<DeliveryOptions>;
  /** `--smtp-url` / `--smtp-from`: notifications are e-mailed too when given. */
  smtp?: SmtpConfig;
  /** Retries of notification e-mails; defaults in DEFAULT_EMAIL_OPTIONS. */
  emailDelivery?: Partial<EmailDeliveryOptions>;
  /** Sends e-mail instead of SMTP (tests of failures); default: nodemailer over `smtp`. */
  mailSender?: MailSender;
  /** `--public-url`: turns the UI path of a notification into a link in its e-mail. */
  publicUrl?: string | undefined;
  /** The role of signed-in principals on resources without a binding (`--default-role`); null for none. */
  defaultRole?: RoleName | null;
  /** Single sign-on through an OpenID Connect provider (`--oidc-issuer` and its companions). */
  sso?: SsoConfig;
  /** `--sensitive-keys`: param and tag keys whose values are stored encrypted on every experiment. */
  sensitiveKeys?: SensitiveKeys;
  /** MNEMO_ENCRYPTION_KEY / --encryption-key-file: the data keys sensitive values are sealed with, current first. */
  encryptionKeys?: EncryptionKeys;
  /** Which transitions need approval when a model has no rule of its own, and how long requests stay open. */
  approvals?: ApprovalSettings;
  /** How long Idempotency-Keys are remembered; DEFAULT_IDEMPOTENCY_RETENTION_MS when absent. */
  idempotencyRetentionMs?: number;
  /** How long the query text of search opens, and the opens themselves, are kept; DEFAULT_USAGE_RETENTION when absent. */
  searchUsageRetention?: Partial<UsageRetention>;
}): Services {
  const sensitive = new SensitiveValues(options.sensitiveKeys, options.encryptionKeys);
  const deps: ServiceDeps = {
    store: options.store,
    artifacts: options.artifacts,
    unitOfWork: new UnitOfWork(options.store, options.audit, new SearchIndexer()),
    now: options.now ?? Date.now,
    uploadLimits: options.uploadLimits,
    sensitive,
  };
  const provenance = createProvenanceServices(deps, options.signingKey);
  const access = createAccessServices({ ...deps, defaultRole: options.defaultRole, sso: options.sso });
  const webhooks = createWebhookServices(deps, {
    secretKey: options.secretKey,
    delivery: options.webhookDelivery,
    audience: { policy: access.policy, authenticator: access.authenticator },
  });
  const notifications = new NotificationService(deps, {
    email: options.smtp !== undefined,
    publicUrl: options.publicUrl,
  });
  let emails: EmailDispatcher | undefined;
  if (options.smtp) {
    const sender = options.mailSender ?? smtpSender(options.smtp).send;
    emails = new EmailDispatcher(deps, sender, options.emailDelivery);
    const dispatcher = emails;
    deps.unitOfWork.afterEachCommit(() => dispatcher.wake());
  }
  const policyDeps: PolicyGuardDeps = {
    store: deps.store,
    unitOfWork: deps.unitOfWork,
    now: deps.now,
    // Read only outside write transactions (the gate, policy tests): see version-record-loader.ts.
    approvalState: ({ model, version, target }) => registry.approvals.stateFor(model, version, target),
    needsRevalidation: (db, { modelId, version }) => registry.revalidation.needsRevalidation(db, modelId, version),
    notify: (scope, input) => notifications.notify(scope, input),
    managersOfModel: (db, modelId) => notifications.managersOfModel(db, modelId),
    announcePolicyFailed: (scope, event) => webhooks.dispatcher.stage(scope, [{ kind: 'policy.failed', ...event }]),
  };
  const registry = new RegistryService(
    {
      ...deps,
      attestModelVersion: (scope, name, version) => provenance.attestations.attestModelVersion(name, version, scope),
      stageEvents: (scope, events) => webhooks.dispatcher.stage(scope, events),
      onCommitted: (event) => webhooks.dispatcher.notify(event),
      promotionGuard: new PolicyPromotionGuard(policyDeps),
      notify: (scope, input) => notifications.notify(scope, input),
      notificationRecipients: notifications,
      nodeVisibility: new PrincipalNodeVisibility({ policy: access.policy, authenticator: access.authenticator }),
    },
    options.approvals,
  );
  const policies = new PolicyService(policyDeps);
  const experimentDashboard = new ExperimentDashboardService(deps);
  const runs = new RunService({
    ...deps,
    stageEvents: (scope, events) => webhooks.dispatcher.stage(scope, events),
    onCommitted: (event) => webhooks.dispatcher.notify(event),
    upstreamChanges: registry.revalidation,
  });
  const discovery = new DiscoveryService(deps);
  const savedSearchWatcher = new SavedSearchWatcher(
    deps,
    discovery,
    notifications,
    { policy: access.policy, authenticator: access.authenticator },
    { stage: (scope, events) => webhooks.dispatcher.stage(scope, events), notify: () => webhooks.dispatcher.notify() },
  );
  deps.unitOfWork.afterEachCommit(() => savedSearchWatcher.wake());
  return {
    access,
    notifications,
    ...(emails ? { emails } : {}),
    unitOfWork: deps.unitOfWork,
    experiments: new ExperimentService(deps),
    runs,
    runRequirements: new RunRequirementService(deps),
    runDiff: new RunDiffService(deps, runs),
    loggedModels: new LoggedModelService(deps),
    metricHistory: new MetricHistoryService(deps),
    artifacts: new ArtifactService(deps),
    experimentOverview: new ExperimentOverviewService(deps),
    experimentDashboard,
    teamDashboard: new TeamDashboardService(deps, experimentDashboard),
    registry,
    policies,
    versionStatus: new VersionStatusService(deps, registry.approvals, policies),
    provenance,
    lineage: new LineageService({
      ...deps,
      upstreamChanges: registry.revalidation,
      runEnvironmentLinked: (scope, link) => applyLinkedRunEnvironment(scope, link, deps.now()),
    }),
    dependencies: new DependencyService({ ...deps, upstreamChanges: registry.revalidation }),
    lineageQueries: new LineageQueryService(deps),
    discovery,
    searchUsage: new SearchUsageService(deps, options.searchUsageRetention),
    savedSearches: new SavedSearchService(deps),
    savedSearchWatcher,
    paramSuggestions: new ParamSuggestionService(deps),
    similarModels: new SimilarModelService(deps),
    openLineage: new OpenLineageIngestService({ ...deps, upstreamChanges: registry.revalidation }),
    webhooks,
    encryption: { sensitive, rotation: new EncryptionRotation({ ...deps, sensitive }) },
    idempotency: new IdempotencyService(deps, options.idempotencyRetentionMs),
    readiness: new ReadinessService(deps),
    backlog: new BacklogService(deps),
    comments: new CommentService(deps, notifications, { policy: access.policy, authenticator: access.authenticator }),
    milestones: new MilestoneService(deps),
    reports: new ReportService(deps),
    owners: new OwnerService(deps),
  };
}
