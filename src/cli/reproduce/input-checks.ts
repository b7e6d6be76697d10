import { resolve } from 'node:path';
import { parseDataReference } from '../../domain/capture/data-reference.js';
import type { RecordedData } from '../../domain/capture/recorded-data.js';
import type { InputCheck } from '../../domain/tracking/reproduction.js';
import { DataHasher } from '../capture/data-capture.js';

/**
 * Hashes each recorded input again, as `mnemo run` hashed it, by its URI. What cannot be read (S3 unreachable or
 * refusing, a file that may not be opened) is reported as not checked with the reason, never taken for unchanged.
 */
export async function checkInputs(
  inputs: readonly RecordedData[],
  hasher: DataHasher = new DataHasher(),
): Promise<Record<string, InputCheck>> {
  const checks: Record<string, InputCheck> = {};
  for (const { uri } of inputs) checks[uri] ??= await checkInput(hasher, uri);
  return checks;
}

async function checkInput(hasher: DataHasher, uri: string): Promise<InputCheck> {
  try {
    const digest = await hasher.hash(parseDataReference(uri, (path) => resolve(path)));
    return digest === undefined ? { state: 'missing' } : { state: 'found', digest };
  } catch (error) {
    return { state: 'unchecked', reason: error instanceof Error ? error.message : String(error) };
  }
}
