import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { DEFAULT_REQUESTS_PER_MINUTE } from '../api/access/rate-limits.js';
import { startServer } from '../api/server.js';
import { parseBackendUri } from '../domain/config/backend-uri.js';
import { addOidcOptions, oidcSettings } from './oidc-options.js';
import { envOption } from './options.js';
import { reportListening, serveWithWorkers } from './server-workers.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** How MLflow reads its boolean environment variables. */
const isTrue = (value: string | undefined): boolean => ['true', '1', 'yes', 'y'].includes((value ?? '').toLowerCase());

export function serverCommand(): Command {
  const command = new Command('server')
    .description('Serve the tracking API, the MLflow-compatible API and the web UI')
    .addOption(envOption('--host <host>', 'address to bind', '127.0.0.1'))
    .addOption(envOption('--port <port>', 'port to listen on', '5000'))
    .addOption(
      envOption(
        '--backend-store-uri <uri>',
        'SQLite file path, sqlite:///path or postgresql://user@host/db',
        './mnemo-data/mnemo.db',
      ),
    )
    .addOption(
      envOption(
        '--artifacts-destination <uri>',
        'directory or s3://bucket/prefix for artifacts',
        './mnemo-data/artifacts',
      ),
    )
    .addOption(
      envOption(
        '--workers <n>',
        'server processes sharing the port and the database, to use n cores (about one per core; see README)',
        '1',
      ),
    )
    .addOption(envOption('--log-requests', 'log every request as JSON lines').default(false))
    .addOption(
      envOption(
        '--signing-key-file <path>',
        'Ed25519 key (PKCS#8 PEM) for audit checkpoints and attestations, generated if missing; MNEMO_SIGNING_KEY ' +
          'may hold the key itself (default: signing-key.pem beside the SQLite file, else ./mnemo-data)',
      ),
    )
    .addOption(
      envOption(
        '--secret-key-file <path>',
        'file holding the key (32 bytes, hex or base64) that seals stored webhook secrets; MNEMO_SECRET_KEY may hold ' +
          'the key itself (default: a key generated once and kept in the database)',
      ),
    )
    .addOption(
      envOption(
        '--encryption-key-file <path>',
        'file holding the data key (32 bytes, hex or base64) that encrypts sensitive params and tags; further keys ' +
          'after it (one a line) are older keys still read during a rotation; MNEMO_ENCRYPTION_KEY may hold the keys',
      ),
    )
    .addOption(
      envOption(
        '--sensitive-keys <patterns>',
        'comma-separated key patterns of params, tags and metadata fields stored encrypted on every experiment and ' +
          "registered model ('*.connection_string,customer.*')",
      ),
    )
    .addOption(
      envOption(
        '--webhook-allow-private',
        'let webhooks deliver to loopback, private and link-local addresses (refused by default; ' +
          'MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS=true does the same)',
      ).default(false),
    )
    .addOption(
      envOption('--allow-private-webhook-urls', 'the former name of --webhook-allow-private').default(false).hideHelp(),
    )
    .addOption(
      envOption(
        '--smtp-url <url>',
        'SMTP server notifications are e-mailed through: smtp://host:port, smtps://user:password@host:465 ' +
          '(default: no e-mail, the inbox only)',
      ),
    )
    .addOption(envOption('--smtp-from <address>', 'sender address of notification e-mails', 'mnemo@localhost'))
    .addOption(envOption('--checkpoint-interval <minutes>', 'minutes between signed audit checkpoints (0: off)', '10'))
    .addOption(envOption('--idempotency-retention <hours>', 'hours an Idempotency-Key and its answer are kept', '24'))
    .addOption(
      envOption(
        '--allowed-hosts <hosts>',
        'comma-separated host names the server answers besides loopback ones (*.example.com wildcards, * for any); ' +
          'default: loopback names when bound to loopback, any host otherwise',
      ),
    )
    .addOption(envOption('--request-timeout <seconds>', 'time a whole request (body included) may take', '900'))
    .addOption(envOption('--headers-timeout <seconds>', "time a request's headers may take to arrive", '20'))
    .addOption(envOption('--max-connections <n>', 'connections served at once; more are closed', '2000'))
    .addOption(envOption('--max-artifact-size <bytes>', 'largest artifact file accepted', String(20 * 1024 ** 3)))
    .addOption(
      envOption('--max-run-artifacts-size <bytes>', "largest total of one run's artifacts", String(200 * 1024 ** 3)),
    )
    .option('--auth', 'check who calls the server: users, tokens and roles (MNEMO_AUTH=true)')
    .option('--no-auth', 'serve without authentication even when bound beyond loopback (MNEMO_AUTH=false)')
    .addOption(
      envOption(
        '--admin-token-file <path>',
        "file holding the built-in admin's token; MNEMO_ADMIN_TOKEN may hold the token itself (default: generated and " +
          'printed once on the first start with --auth)',
      ),
    )
    .addOption(
      envOption(
        '--default-role <role>',
        'role of every signed-in user on experiments and models nobody restricted: reader or none',
        'reader',
      ),
    )
    .addOption(
      envOption(
        '--rate-limit <requests>',
        'requests per minute each caller (token, else address) may make with --auth; 0 for no limit',
        String(DEFAULT_REQUESTS_PER_MINUTE),
      ),
    )
    .addOption(
      envOption('--protect-metrics', 'with --auth, /metrics asks for a token too (open by default)').default(false),
    )
    .addOption(
      envOption(
        '--protect-stages <stages>',
        'stages whose moves need an approved transition request, comma-separated, or none ' +
          "(default: Production with --auth, none without; a model's own rule, `mnemo models protect`, wins)",
      ),
    )
    .addOption(envOption('--protect-aliases <aliases>', 'aliases whose moves need approval, comma-separated'))
    .addOption(envOption('--protect-approvals <n>', 'distinct approvers a transition request needs', '1'))
    .addOption(
      envOption(
        '--protect-teams <teams>',
        'teams approvers come from, comma-separated (default: managers of the model approve)',
      ),
    )
    .addOption(envOption('--request-ttl-hours <hours>', 'hours a transition request stays open', '168'))
    .addOption(envOption('--tls-cert <path>', 'PEM certificate (chain) to serve HTTPS with, together with --tls-key'))
    .addOption(envOption('--tls-key <path>', 'PEM private key of --tls-cert'));
  return addOidcOptions(command).action(async (options: Record<string, string | boolean>) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) {
      throw new Error(`--port must be a number between 0 and 65535; got '${options.port}'`);
    }
    const host = String(options.host);
    const workers = Number(options.workers);
    if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
      throw new Error(`--workers must be a whole number from 1 to 256; got '${options.workers}'`);
    }
    const backend = parseBackendUri(String(options.backendStoreUri));
    if (workers > 1 && backend.kind === 'sqlite' && backend.path === ':memory:') {
      // Each process would hold a database of its own, and requests would see one or the other at random.
      throw new Error('--workers needs a database the workers share: a SQLite file or PostgreSQL, not :memory:');
    }
    const auth = await authSettings(options);
    if (!auth.enabled && !LOOPBACK.has(host)) {
      if (!auth.explicitlyOff) {
        throw new Error(
          `refusing to listen on ${host} without authentication: anyone who can reach it could read and change ` +
            'every experiment. Start with --auth (see README, "Production setup"), bind to 127.0.0.1, or pass ' +
            '--no-auth if an authenticating proxy stands in front.',
        );
      }
      console.warn(`warning: listening on ${host} without authentication (--no-auth).`);
    }
    const checkpointInterval = Number(options.checkpointInterval);
    if (!Number.isFinite(checkpointInterval) || checkpointInterval < 0) {
      throw new Error(
        `--checkpoint-interval must be a number of minutes (0 turns it off); got '${options.checkpointInterval}'`,
      );
    }
    const connectionLimits = {
      requestTimeoutMs: positiveNumber(options.requestTimeout, '--request-timeout') * 1000,
      headersTimeoutMs: positiveNumber(options.headersTimeout, '--headers-timeout') * 1000,
      maxConnections: positiveNumber(options.maxConnections, '--max-connections'),
    };
    // The options were checked above, so a mistake is reported once, not by every worker.
    if (workers > 1 && cluster.isPrimary) return serveWithWorkers(workers);
    const server = await startServer({
      host,
      port,
      backendStoreUri: String(options.backendStoreUri),
      artifactsDestination: String(options.artifactsDestination),
      logger: options.logRequests === true,
      signingKey: process.env.MNEMO_SIGNING_KEY,
      signingKeyFile: typeof options.signingKeyFile === 'string' ? options.signingKeyFile : undefined,
      secretKey: process.env.MNEMO_SECRET_KEY,
      secretKeyFile: typeof options.secretKeyFile === 'string' ? options.secretKeyFile : undefined,
      encryptionKey: process.env.MNEMO_ENCRYPTION_KEY,
      encryptionKeyFile: typeof options.encryptionKeyFile === 'string' ? options.encryptionKeyFile : undefined,
      sensitiveKeys: typeof options.sensitiveKeys === 'string' ? options.sensitiveKeys : undefined,
      webhookDelivery: {
        allowPrivateAddresses:
          options.webhookAllowPrivate === true ||
          options.allowPrivateWebhookUrls === true ||
          isTrue(process.env.MLFLOW_WEBHOOK_ALLOW_PRIVATE_IPS),
      },
      ...(typeof options.smtpUrl === 'string' && options.smtpUrl !== ''
        ? { smtp: { url: options.smtpUrl, from: String(options.smtpFrom) } }
        : {}),
      ...(typeof options.publicUrl === 'string' && options.publicUrl !== '' ? { publicUrl: options.publicUrl } : {}),
      checkpointIntervalMinutes: checkpointInterval,
      idempotencyRetentionMs: positiveNumber(options.idempotencyRetention, '--idempotency-retention') * 3_600_000,
      connectionLimits,
      uploadLimits: {
        maxFileBytes: positiveNumber(options.maxArtifactSize, '--max-artifact-size'),
        maxRunBytes: positiveNumber(options.maxRunArtifactsSize, '--max-run-artifacts-size'),
      },
      allowedHosts: typeof options.allowedHosts === 'string' ? options.allowedHosts.split(',') : undefined,
      auth: {
        ...auth,
        requestsPerMinute: wholeNumber(options.rateLimit, '--rate-limit'),
        protectMetrics: options.protectMetrics === true,
      },
      tls: await tlsFiles(options),
      protection: protectionSettings(options),
    });
    if (server.generatedAdminToken) {
      console.log(
        `Authentication is on. The built-in admin's token, shown only this once:\n\n  ${server.generatedAdminToken}\n\n` +
          'Keep it in a password manager; create users and their tokens with `mnemo users create` and ' +
          '`mnemo tokens create` (MNEMO_TRACKING_TOKEN set to this token).',
      );
    }
    if (cluster.isWorker) {
      reportListening({ url: server.url, dialect: server.store.dialect, artifactsLocation: server.artifactsLocation });
    } else {
      console.log(
        `Mnemo is serving on ${server.url} (metadata: ${server.store.dialect}, artifacts: ${server.artifactsLocation})`,
      );
    }
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= server.close().then(() => process.exit(0));
      return stopping;
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // A worker whose primary is gone (killed outright) stops too, rather than serving on alone.
    if (cluster.isWorker) process.once('disconnect', stop);
  });
}

async function authSettings(options: Record<string, string | boolean>) {
  const fromEnv = process.env.MNEMO_AUTH?.trim().toLowerCase();
  if (fromEnv !== undefined && !['true', 'false', '1', '0', ''].includes(fromEnv)) {
    throw new Error(`MNEMO_AUTH must be true or false; got '${process.env.MNEMO_AUTH}'`);
  }
  // A flag on the command line wins over the environment.
  const flag = typeof options.auth === 'boolean' && process.argv.some((a) => a === '--auth' || a === '--no-auth');
  const enabled = flag ? options.auth === true : fromEnv === 'true' || fromEnv === '1';
  const explicitlyOff = flag ? options.auth === false : fromEnv === 'false' || fromEnv === '0';
  const role = String(options.defaultRole);
  if (role !== 'reader' && role !== 'none') throw new Error(`--default-role must be reader or none; got '${role}'`);
  let adminToken = process.env.MNEMO_ADMIN_TOKEN?.trim() || undefined;
  if (typeof options.adminTokenFile === 'string') adminToken = (await readFile(options.adminTokenFile, 'utf8')).trim();
  if (adminToken !== undefined && adminToken.length < 32) {
    throw new Error('the admin token must be at least 32 characters (e.g. `openssl rand -base64 32`)');
  }
  const oidc = await oidcSettings(options, enabled);
  return { enabled, explicitlyOff, adminToken, defaultRole: role === 'none' ? null : ('reader' as const), oidc };
}

async function tlsFiles(options: Record<string, string | boolean>) {
  const { tlsCert, tlsKey } = options;
  if (tlsCert === undefined && tlsKey === undefined) return undefined;
  if (typeof tlsCert !== 'string' || typeof tlsKey !== 'string') {
    throw new Error('--tls-cert and --tls-key go together: give both files');
  }
  return { cert: await readFile(tlsCert, 'utf8'), key: await readFile(tlsKey, 'utf8') };
}

function listOption(value: string | boolean | undefined): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.trim().toLowerCase() === 'none') return [];
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function protectionSettings(options: Record<string, string | boolean>) {
  return {
    stages: listOption(options.protectStages),
    aliases: listOption(options.protectAliases),
    approvals: positiveNumber(options.protectApprovals, '--protect-approvals'),
    teams: listOption(options.protectTeams),
    requestTtlMs: positiveNumber(options.requestTtlHours, '--request-ttl-hours') * 3600 * 1000,
  };
}

function wholeNumber(value: string | boolean | undefined, flag: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`${flag} must be a whole number; got '${value}'`);
  return number;
}

function positiveNumber(value: string | boolean | undefined, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${flag} must be a positive number; got '${value}'`);
  return number;
}
