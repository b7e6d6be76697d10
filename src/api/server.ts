import type { FastifyInstance } from 'fastify';
import type { RoleName } from '../domain/access/access-types.js';
import { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from '../domain/artifacts/upload-limits.js';
import { parseSensitiveKeys, type SensitiveKeys } from '../domain/encryption/sensitive-keys.js';
import { MnemoError } from '../domain/errors.js';
import { hostAllowList } from '../domain/http/host-allow-list.js';
import { checkPublicUrl } from '../domain/http/public-url.js';
import { validateProtection } from '../domain/registry/approvals/protection.js';
import { bootstrapAdmin } from '../services/access/admin-bootstrap.js';
import type { SsoConfig } from '../services/access/sso/sso-config.js';
import { loadEncryptionKeys } from '../services/encryption/encryption-keys.js';
import { NO_KEY_AT_START } from '../services/encryption/sensitive-values.js';
import type { EmailDeliveryOptions } from '../services/notifications/email-dispatcher.js';
import { checkSmtpUrl, type SmtpConfig } from '../services/notifications/smtp-sender.js';
import { AuditLog } from '../services/provenance/audit-log.js';
import { startCheckpointTimer } from '../services/provenance/checkpoint-scheduler.js';
import { loadSigningKey } from '../services/provenance/signing-key-source.js';
import { type ApprovalSettings, DEFAULT_REQUEST_TTL_MS } from '../services/registry/approvals/approval-service.js';
import { createServices, type Services } from '../services/services.js';
import { loadSecretKey } from '../services/webhooks/secret-key-source.js';
import type { DeliveryOptions } from '../services/webhooks/webhook-dispatcher.js';
import { openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import type { ConnectionLimits } from './connection-limits.js';

export interface ServerConfig {
  host: string;
  port: number;
  backendStoreUri: string;
  artifactsDestination: string;
  logger?: boolean;
  /** How long Idempotency-Keys of writes are remembered, in milliseconds. Default 24 hours. */
  idempotencyRetentionMs?: number;
  /** The Ed25519 private key itself (MNEMO_SIGNING_KEY), PEM or base64 PKCS#8; wins over the key file. */
  signingKey?: string;
  /** Where the signing key lives; generated there on first start. Default: beside the SQLite file, else ./mnemo-data. */
  signingKeyFile?: string;
  /** Minutes between automatic audit checkpoints (only when the log grew); 0 turns them off. Default 10. */
  checkpointIntervalMinutes?: number;
  /**
   * How long closing waits for requests in flight (a client slow to read a download, say) before cutting their
   * connections. Default 10 seconds.
   */
  shutdownGraceMs?: number;
  /** `--allowed-hosts`: host names answered besides loopback ones (`*.example.com` wildcards, `*` for any). */
  allowedHosts?: string[];
  /** Timeouts and the connection cap; defaults in DEFAULT_CONNECTION_LIMITS. */
  connectionLimits?: Partial<ConnectionLimits>;
  /** Largest artifact file and largest total per run; defaults in DEFAULT_UPLOAD_LIMITS. */
  uploadLimits?: Partial<UploadLimits>;
  /** MNEMO_SECRET_KEY: the key that seals stored secrets (webhook secrets), 32 bytes as hex or base64. */
  secretKey?: string;
  /** `--secret-key-file`: a file holding that key. Neither given: a key generated once and kept in the database. */
  secretKeyFile?: string;
  /** MNEMO_ENCRYPTION_KEY: the data keys for sensitive values (current first, then older ones still read). */
  encryptionKey?: string;
  /** `--encryption-key-file`: a file holding those keys. */
  encryptionKeyFile?: string;
  /** `--sensitive-keys`: key patterns whose values are stored encrypted on every experiment. */
  sensitiveKeys?: string | readonly string[];
  /**
   * Whether a server given older encryption keys starts moving their values to the current key at once (the
   * default); with false a pass runs only when asked for (`mnemo keys rotate-encryption`).
   */
  rotateEncryptionOnStart?: boolean;
  /** Webhook delivery timeouts, retries and bounds; defaults in DEFAULT_DELIVERY_OPTIONS. */
  webhookDelivery?: Partial<DeliveryOptions>;
  /** `--smtp-url` / `--smtp-from`: notifications are e-mailed through this SMTP server too. */
  smtp?: SmtpConfig;
  /**
   * `--public-url`: the address people reach Mnemo at (behind a proxy, the proxy's), for links in notification
   * e-mails and the single sign-on redirect. Defaults to the single sign-on setting's own, if any.
   */
  publicUrl?: string;
  /** Retries of notification e-mails; defaults in DEFAULT_EMAIL_OPTIONS. */
  emailDelivery?: Partial<EmailDeliveryOptions>;
  /** `--tls-cert` / `--tls-key`: PEM certificate chain and private key; the server then speaks HTTPS itself. */
  tls?: { cert: string; key: string };
  /** Who may call the server. Without it (or with `enabled: false`) every request may do everything. */
  auth?: ServerAuthConfig;
  /** Protected transitions for models without a rule of their own; see `protectionDefaults`. */
  protection?: ServerProtectionConfig;
}

export interface ServerProtectionConfig {
  /** `--protect-stages`: stages whose moves need approval. Default: Production with authentication, none without. */
  stages?: string[];
  /** `--protect-aliases`: aliases whose moves need approval. Default none. */
  aliases?: string[];
  /** `--protect-approvals`: distinct approvers a request needs. Default 1. */
  approvals?: number;
  /** `--protect-teams`: teams approvers come from; none means managers of the model approve. */
  teams?: string[];
  /** `--request-ttl-hours`, in milliseconds: how long a request stays open. Default 7 days. */
  requestTtlMs?: number;
}

/**
 * The server-wide protection. With authentication, Production is protected unless told otherwise; without it nobody
 * signs in, so nobody could approve, and nothing is protected unless the operator asks for it.
 */
export function protectionDefaults(config: Pick<ServerConfig, 'auth' | 'protection'>): ApprovalSettings {
  const protection = config.protection ?? {};
  const stages = protection.stages ?? (config.auth?.enabled ? ['Production'] : []);
  return {
    serverDefault: validateProtection({
      stages,
      aliases: protection.aliases ?? [],
      approvals: protection.approvals,
      teams: protection.teams,
    }),
    requestTtlMs: protection.requestTtlMs ?? DEFAULT_REQUEST_TTL_MS,
  };
}

export interface ServerAuthConfig {
  enabled: boolean;
  /** MNEMO_ADMIN_TOKEN / --admin-token-file: the built-in admin's token, for automated setups. */
  adminToken?: string;
  /** The role of signed-in principals on resources without a binding; default `reader`, null for none. */
  defaultRole?: RoleName | null;
  /** Single sign-on through an OpenID Connect provider: Bearer JWTs and browser sign-in. */
  oidc?: SsoConfig;
  /** Requests per minute per caller (`--rate-limit`); 0 turns the limit off. Default DEFAULT_REQUESTS_PER_MINUTE. */
  requestsPerMinute?: number;
  /** `--protect-metrics`: /metrics asks for a token like every other route. */
  protectMetrics?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  store: Store;
  services: Services;
  /** Where artifact bytes go: a directory or an s3:// location. */
  artifactsLocation: string;
  url: string;
  /** The built-in admin's token when this first start with authentication generated it: to be shown once. */
  generatedAdminToken?: string;
  close(): Promise<void>;
}

/** Opens storage (migrating it), wires services and HTTP, and listens. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const signingKey = await loadSigningKey({
    keyText: config.signingKey,
    keyFile: config.signingKeyFile,
    backendStoreUri: config.backendStoreUri,
  });
  if (config.smtp) checkSmtpUrl(config.smtp.url);
  const publicUrl = config.publicUrl ?? config.auth?.oidc?.publicUrl;
  if (publicUrl !== undefined) checkPublicUrl(publicUrl);
  const secretKey = await loadSecretKey({ keyText: config.secretKey, keyFile: config.secretKeyFile });
  const encryptionKeys = await loadEncryptionKeys({ keyText: config.encryptionKey, keyFile: config.encryptionKeyFile });
  const sensitiveKeys = parseServerSensitiveKeys(config.sensitiveKeys);
  // Refused before anything opens: a sensitive value must never be stored in plain text for want of a key.
  if (!sensitiveKeys.isEmpty && !encryptionKeys) throw new Error(NO_KEY_AT_START);
  const store = await openStore(config.backendStoreUri);
  const audit = new AuditLog(store.dialect);
  const artifacts = openArtifactStore(config.artifactsDestination);
  const uploadLimits = { ...DEFAULT_UPLOAD_LIMITS, ...config.uploadLimits };
  const services = createServices({
    store,
    artifacts,
    audit,
    signingKey,
    uploadLimits,
    secretKey,
    sensitiveKeys,
    encryptionKeys,
    webhookDelivery: config.webhookDelivery,
    ...(config.smtp ? { smtp: config.smtp } : {}),
    publicUrl,
    ...(config.emailDelivery ? { emailDelivery: config.emailDelivery } : {}),
    defaultRole: config.auth?.defaultRole,
    sso: config.auth?.enabled ? config.auth.oidc : undefined,
    approvals: protectionDefaults(config),
    idempotencyRetentionMs: config.idempotencyRetentionMs,
  });
  const sso = services.access.sso;
  const app = await buildApp({
    services,
    logger: config.logger ?? false,
    allowedHosts: hostAllowList(config.host, config.allowedHosts),
    connectionLimits: config.connectionLimits,
    auth: {
      enabled: config.auth?.enabled ?? false,
      verifyJwt: sso && ((jwt) => sso.verifyBearer(jwt)),
      secureCookies: config.tls !== undefined || (publicUrl?.startsWith('https:') ?? false),
    },
    requestsPerMinute: config.auth?.enabled ? config.auth.requestsPerMinute : 0,
    protectMetrics: config.auth?.enabled === true && config.auth.protectMetrics === true,
    tls: config.tls,
  });
  let generatedAdminToken: string | undefined;
  try {
    // Listed before anything is signed with it, so every signature has a published key.
    await services.provenance.keys.register();
    if (config.auth?.enabled) {
      const { users, tokens } = services.access;
      ({ generatedToken: generatedAdminToken } = await bootstrapAdmin(store, users, tokens, config.auth.adminToken));
    }
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await store.close();
    throw error;
  }
  services.webhooks.dispatcher.onFailure = (failure) => app.log.warn({ webhook: failure }, 'webhook delivery failed');
  // Deliveries owed from before this start (a crash, a restart) or staged by other replicas go out too.
  services.webhooks.dispatcher.start();
  services.discovery.startBackfill({
    indexed: (count) => {
      if (count > 0) app.log.info({ count }, 'indexed entities that had no search document');
    },
    failed: (error) => app.log.error({ err: error }, 'filling in the search index stopped'),
  });
  const usagePurge = services.searchUsage.startPurging(3_600_000, (error) =>
    app.log.error({ err: error }, 'purging expired search usage failed'),
  );
  services.savedSearchWatcher.onError = (error) => app.log.error({ err: error }, 'checking saved searches failed');
  // Results indexed while no server ran (or by another replica) are announced too.
  const watcherTimer = setInterval(() => services.savedSearchWatcher.wake(), 60_000);
  watcherTimer.unref();
  services.savedSearchWatcher.wake();
  const rotation = services.encryption.rotation;
  rotation.onError = (error) => app.log.error({ err: error }, 'the encryption key rotation pass stopped');
  // Started with older keys after the current one: their values move to the current key in the background.
  if (encryptionKeys && encryptionKeys.retiring.length > 0 && config.rotateEncryptionOnStart !== false)
    rotation.start();
  if (services.emails) {
    services.emails.onFailure = (failure) => app.log.warn({ email: failure }, 'notification e-mail failed');
    services.emails.start();
  }
  const checkpointTimer = startCheckpointTimer(
    services.provenance.checkpoints,
    config.checkpointIntervalMinutes ?? 10,
    (error) => app.log.error({ err: error }, 'signing an audit checkpoint failed'),
  );
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    app,
    store,
    services,
    artifactsLocation: artifacts.description,
    url: `${config.tls ? 'https' : 'http'}://${host}:${port}`,
    generatedAdminToken,
    async close() {
      checkpointTimer.stop();
      await usagePurge.stop();
      clearInterval(watcherTimer);
      await services.savedSearchWatcher.stop();
      await rotation.stop();
      await services.discovery.stopBackfill();
      await services.webhooks.dispatcher.close();
      await services.emails?.close();
      // Idle keep-alive connections close at once; busy ones get the grace period. Cutting them cannot leave half a
      // change behind: every write is one transaction, committed before its answer is sent.
      const cut = setTimeout(() => app.server.closeAllConnections(), config.shutdownGraceMs ?? 10_000);
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
      await services.access.accessLog.close();
      await store.close();
    },
  };
}

function parseServerSensitiveKeys(patterns: string | readonly string[] | undefined): SensitiveKeys {
  try {
    return parseSensitiveKeys(patterns ?? []);
  } catch (error) {
    if (error instanceof MnemoError) throw new Error(`--sensitive-keys: ${error.message}`);
    throw error;
  }
}
