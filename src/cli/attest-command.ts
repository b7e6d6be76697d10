import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { Command } from 'commander';
import { verifyEnvelope } from '../domain/provenance/dsse.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  isSafeSubjectName,
  parseStatement,
  subjectMismatches,
} from '../domain/provenance/in-toto-statement.js';
import { type CommandResult, readTrustedKeys } from './audit-command.js';

const failed = (reason: string): CommandResult => ({
  code: 1,
  stdout: '',
  stderr: `attestation verification FAILED: ${reason}\n`,
});

/**
 * Verifies an attestation offline: the DSSE signature with a trusted key, the payload type, the in-toto statement
 * shape, and (with a directory) that every subject file is there with the attested sha256.
 */
export async function attestVerify(
  envelopeFile: string,
  options: { key: string; artifacts?: string | undefined },
): Promise<CommandResult> {
  let keys: Awaited<ReturnType<typeof readTrustedKeys>>;
  try {
    keys = await readTrustedKeys(options.key);
  } catch (error) {
    return failed((error as Error).message);
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(await readFile(envelopeFile, 'utf8'));
  } catch (error) {
    return failed(`cannot read the envelope '${envelopeFile}' as JSON: ${(error as Error).message}`);
  }
  const checked = verifyEnvelope(envelope, keys, IN_TOTO_PAYLOAD_TYPE);
  if (!checked.ok) return failed(checked.reason);
  const statement = parseStatement(checked.payload);
  if (typeof statement === 'string') return failed(statement);
  const lines = [
    `signature: valid, key ${checked.keyId}`,
    `statement: ${statement.predicateType}, ${statement.subject.length} subject(s)`,
  ];
  if (options.artifacts !== undefined) {
    const local = new Map<string, string | undefined>();
    for (const subject of statement.subject) {
      if (!isSafeSubjectName(subject.name)) return failed(`subject name '${subject.name}' is not a safe relative path`);
      local.set(subject.name, await fileSha256(options.artifacts, subject.name));
    }
    const mismatches = subjectMismatches(statement, local);
    if (mismatches.length > 0) {
      return failed(mismatches.map((m) => `${m.name} ${m.problem}`).join('; '));
    }
    lines.push(`artifacts: all ${statement.subject.length} file(s) in ${options.artifacts} match their digests`);
  }
  return { code: 0, stdout: `OK\n${lines.map((l) => `  ${l}`).join('\n')}\n`, stderr: '' };
}

/** sha256 of a file inside `root`, or undefined when it is absent or would resolve outside `root` (symlinks). */
async function fileSha256(root: string, name: string): Promise<string | undefined> {
  const base = resolve(root);
  const path = join(base, ...name.split('/'));
  try {
    const real = await realpath(path);
    const realBase = await realpath(base);
    if (!real.startsWith(realBase + sep)) return undefined;
    if (!(await stat(real)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function attestCommand(): Command {
  const attest = new Command('attest').description('Work with signed in-toto attestations');
  attest
    .command('verify')
    .description('Verify an attestation envelope offline, and optionally the files it attests')
    .argument('<envelope>', 'DSSE envelope file (GET /api/v1/runs/<id>/attestation)')
    .requiredOption('--key <pubkey>', 'public key file (PEM, base64 or GET /api/v1/keys JSON) or base64 key')
    .option('--artifacts <dir>', 'directory holding the attested files under their subject names')
    .action(async (envelope: string, options: { key: string; artifacts?: string }) => {
      const result = await attestVerify(envelope, options);
      if (result.stdout) process.stdout.write(result.stdout);
      if (result.stderr) process.stderr.write(result.stderr);
      process.exitCode = result.code;
    });
  return attest;
}
