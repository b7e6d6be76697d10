import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';
import { canonicalJson } from '../provenance/canonical-json.js';

/** What a piece of software ran on. Two environments with the same content are the same environment. */
export interface EnvironmentSpec {
  os: string;
  runtime: string;
  packages: Record<string, string>;
  hardware: Record<string, string | number>;
  containerImageDigest: string | null;
}

const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * Normalises an environment so that cosmetic differences (package name case, surrounding blanks) do not produce a
 * new identity, then checks the parts that have a fixed format.
 */
export function normaliseEnvironment(input: EnvironmentSpec): EnvironmentSpec {
  const packages: Record<string, string> = {};
  for (const [name, version] of Object.entries(input.packages)) {
    const key = name.trim().toLowerCase();
    if (key === '') throw invalid('packages must not contain an empty package name');
    if (packages[key] !== undefined && packages[key] !== version.trim()) {
      throw invalid(`packages lists '${key}' twice with different versions`);
    }
    packages[key] = version.trim();
  }
  const image = input.containerImageDigest?.trim().toLowerCase() || null;
  if (image !== null && !IMAGE_DIGEST.test(image)) {
    throw invalid(`containerImageDigest must look like sha256:<64 hex digits>; got '${input.containerImageDigest}'`);
  }
  return {
    os: input.os.trim(),
    runtime: input.runtime.trim(),
    packages,
    hardware: input.hardware,
    containerImageDigest: image,
  };
}

/** The environment's identity: sha256 of its canonical JSON (RFC 8785), as `sha256:<hex>`. */
export function environmentDigest(spec: EnvironmentSpec): string {
  return `sha256:${createHash('sha256')
    .update(canonicalJson(normaliseEnvironment(spec)))
    .digest('hex')}`;
}
