import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { inclusionBundleProblem } from '../domain/provenance/inclusion-proof-bundle.js';
import { parseTrustedKeys, type TrustedKeys } from '../domain/provenance/trusted-keys.js';
import type { VerificationReport } from '../domain/provenance/verification-report.js';
import { verifyAuditTrail } from '../services/provenance/verify/audit-verifier.js';
import { type StoredBytesReport, verifyStoredBytes } from '../services/provenance/verify/stored-bytes-verifier.js';
import { openArtifactStore } from '../store/artifacts/open-artifact-store.js';
import { openExistingStore, StoreUnavailableError } from '../store/open-existing-store.js';
import { envOption, trackingUriOption } from './options.js';
import { fetchServer } from './server-fetch.js';

/** What a command prints and the exit code it ends with; commands return it so they can be driven in-process. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

const ok = (stdout: string): CommandResult => ({ code: 0, stdout, stderr: '' });
const failed = (stderr: string, stdout = ''): CommandResult => ({ code: 1, stdout, stderr });

/** `--key` names a file holding a PEM key, a base64 key or a key document; the base64 key may also be given inline. */
export async function readTrustedKeys(argument: string): Promise<TrustedKeys> {
  const text = existsSync(argument) ? await readFile(argument, 'utf8') : argument;
  try {
    return parseTrustedKeys(text);
  } catch (error) {
    throw new Error(`cannot read the public key '${argument}': ${(error as Error).message}`);
  }
}

export async function auditVerify(options: {
  backendStoreUri: string;
  key?: string | undefined;
  json?: boolean | undefined;
  /** Also re-hash the stored bytes of every file the database vouches for, in this artifact store. */
  artifactsDestination?: string | undefined;
  onProgress?: (message: string) => void;
}): Promise<CommandResult> {
  const destination = options.artifactsDestination;
  if (
    destination !== undefined &&
    !/^s3:\/\//i.test(destination) &&
    !existsSync(destination.replace(/^file:\/\//, ''))
  ) {
    return {
      code: 2,
      stdout: '',
      stderr: `mnemo: no artifact store at '${destination}': give --artifacts-destination\n`,
    };
  }
  const trustedKeys = options.key === undefined ? undefined : await readTrustedKeys(options.key);
  let store: Awaited<ReturnType<typeof openExistingStore>>;
  try {
    store = await openExistingStore(options.backendStoreUri, { readOnly: true });
  } catch (error) {
    if (error instanceof StoreUnavailableError) return { code: 2, stdout: '', stderr: `mnemo: ${error.message}\n` };
    throw error;
  }
  let report: VerificationReport;
  let bytes: StoredBytesReport | undefined;
  try {
    report = await verifyAuditTrail(store.db, { trustedKeys, onProgress: options.onProgress });
    if (destination !== undefined) {
      bytes = await verifyStoredBytes(store.db, openArtifactStore(destination), (files) =>
        options.onProgress?.(`${files} artifact files re-hashed`),
      );
    }
  } finally {
    await store.close();
  }
  const problems = [...report.problems.map((p) => p.message), ...(bytes?.problems ?? [])];
  const code = problems.length === 0 ? 0 : 1;
  if (options.json) {
    return {
      code,
      stdout: `${JSON.stringify(bytes ? { ...report, artifacts: bytes } : report, null, 2)}\n`,
      stderr: '',
    };
  }
  const summary =
    `${report.events} events, ${report.checkpoints} checkpoints, ${report.entities} experiments, runs, registered ` +
    `models, model versions and webhooks, ${report.lineage} lineage records (datasets, features, environments, ` +
    'code refs, deployments, OpenLineage runs, edges) and ' +
    `${report.governance} governance records (metadata schemas, vocabularies, naming rules) checked` +
    (trustedKeys ? ' against the given key(s)' : ' (signatures checked against the keys stored in the database)') +
    (bytes ? `; ${bytes.files} artifact files re-hashed against their recorded sha256` : '');
  if (code === 0) return ok(`OK: the audit trail is intact: ${summary}\n`);
  const [first, ...rest] = problems;
  const lines = [
    `FAILED: ${first!}`,
    ...rest.map((p) => `  also: ${p}`),
    ...(report.truncated || bytes?.truncated ? ['  (more problems not shown)'] : []),
    summary,
  ];
  return failed(`${lines.join('\n')}\n`);
}

export async function auditProve(options: {
  trackingUri: string;
  seq: string;
  checkpoint?: string | undefined;
}): Promise<CommandResult> {
  if (!/^[1-9][0-9]*$/.test(options.seq))
    return failed(`--seq must be an event number (1, 2, …); got '${options.seq}'\n`);
  if (options.checkpoint !== undefined && !/^[0-9]+$/.test(options.checkpoint)) {
    return failed(`--checkpoint must be the tree size of a checkpoint; got '${options.checkpoint}'\n`);
  }
  const url = new URL(`/api/v1/audit/events/${options.seq}/proof`, options.trackingUri);
  if (options.checkpoint !== undefined) url.searchParams.set('treeSize', options.checkpoint);
  const response = await fetchServer(options.trackingUri, url);
  const body = await response.text();
  if (!response.ok) {
    let message = body;
    try {
      message = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      // not JSON: show it as is
    }
    return failed(`the server refused the proof (${response.status}): ${message}\n`);
  }
  return ok(`${JSON.stringify(JSON.parse(body), null, 2)}\n`);
}

/** Checks a proof file with nothing but the domain functions: no server, no database. */
export async function auditVerifyProof(file: string, key: string): Promise<CommandResult> {
  const keys = await readTrustedKeys(key);
  let bundle: unknown;
  try {
    bundle = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return failed(`cannot read the proof '${file}': ${(error as Error).message}\n`);
  }
  const problem = inclusionBundleProblem(bundle, keys);
  if (problem) return failed(`proof verification FAILED: ${problem}\n`);
  const { event, checkpoint } = bundle as {
    event: { seq: number; action: string; entityKind: string; entityId: string };
    checkpoint: { treeSize: number; keyId: string; time: number };
  };
  return ok(
    `OK: event ${event.seq} (${event.action} on ${event.entityKind} ${event.entityId}) is in the audit log of ` +
      `${checkpoint.treeSize} events signed by key ${checkpoint.keyId} at ${new Date(checkpoint.time).toISOString()}\n`,
  );
}

export async function auditRotateKey(trackingUri: string): Promise<CommandResult> {
  const response = await fetchServer(trackingUri, new URL('/api/v1/keys/rotate', trackingUri), { method: 'POST' });
  const body = (await response.json()) as { key?: { keyId: string; publicKeyPem: string }; message?: string };
  if (!response.ok || !body.key) return failed(`key rotation refused (${response.status}): ${body.message ?? ''}\n`);
  return ok(`The server now signs with key ${body.key.keyId}:\n${body.key.publicKeyPem}`);
}

function emit(result: CommandResult): void {
  if (result.stdout) process.stdout.write(result.stdout);
  if (result.stderr) process.stderr.write(result.stderr);
  process.exitCode = result.code;
}

const trackingUri = trackingUriOption;

export function auditCommand(): Command {
  const audit = new Command('audit').description('Verify and prove the tamper-evident audit log');
  audit
    .command('verify')
    .description(
      'Check every event, the hash chain, the Merkle tree, every signed checkpoint, and that experiments, runs, ' +
        'the model registry, the lineage graph and the governance rules still match what the log recorded; ' +
        'exit code 0 only when all holds',
    )
    .addOption(envOption('--backend-store-uri <uri>', 'the database to check', './mnemo-data/mnemo.db'))
    .option('--key <file>', 'trust only these public keys (PEM, base64, or the JSON of GET /api/v1/keys)')
    .option('--json', 'print the full report as JSON')
    .option('--artifacts', 're-hash every registered model file and run artifact in the artifact store too')
    .addOption(
      envOption('--artifacts-destination <uri>', 'the artifact store (with --artifacts)', './mnemo-data/artifacts'),
    )
    .action(
      async (options: {
        backendStoreUri: string;
        key?: string;
        json?: boolean;
        artifacts?: boolean;
        artifactsDestination: string;
      }) => {
        emit(
          await auditVerify({
            ...options,
            artifactsDestination: options.artifacts ? options.artifactsDestination : undefined,
            onProgress: (m) => process.stderr.write(`… ${m}\n`),
          }),
        );
      },
    );
  audit
    .command('prove')
    .description('Print a self-contained JSON proof that an event is in a signed checkpoint of the log')
    .addOption(trackingUri())
    .requiredOption('--seq <n>', 'the event sequence number')
    .option('--checkpoint <treeSize>', 'the checkpoint to prove against (default: the latest)')
    .option('--output <file>', 'write the proof to a file instead of standard output')
    .action(async (options: { trackingUri: string; seq: string; checkpoint?: string; output?: string }) => {
      const result = await auditProve(options);
      if (result.code === 0 && options.output) {
        await writeFile(options.output, result.stdout);
        emit(ok(`proof written to ${options.output}\n`));
      } else emit(result);
    });
  audit
    .command('verify-proof')
    .description('Verify a proof file offline against a trusted public key')
    .argument('<file>', 'proof written by `mnemo audit prove`')
    .requiredOption('--key <pubkey>', 'public key file (PEM, base64 or GET /api/v1/keys JSON) or base64 key')
    .action(async (file: string, options: { key: string }) => emit(await auditVerifyProof(file, options.key)));
  audit
    .command('rotate-key')
    .description('Make the server sign with a new key; old keys stay published for what they signed')
    .addOption(trackingUri())
    .action(async (options: { trackingUri: string }) => emit(await auditRotateKey(options.trackingUri)));
  return audit;
}
