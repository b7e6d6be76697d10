import { readFile } from 'node:fs/promises';
import { parseSecretKey, type SecretKey } from '../../domain/webhooks/secret-box.js';

/**
 * The operator's key for sealing secrets: MNEMO_SECRET_KEY (the key itself) wins over --secret-key-file (a file
 * holding it). Neither given: undefined, and the server keeps a generated key in the database instead.
 */
export async function loadSecretKey(options: {
  keyText?: string | undefined;
  keyFile?: string | undefined;
}): Promise<SecretKey | undefined> {
  if (options.keyText !== undefined && options.keyText.trim() !== '') {
    return parseWithContext(options.keyText, 'MNEMO_SECRET_KEY');
  }
  if (options.keyFile === undefined || options.keyFile === '') return undefined;
  let text: string;
  try {
    text = await readFile(options.keyFile, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the secret key file ${options.keyFile}: ${(error as Error).message}`);
  }
  return parseWithContext(text, options.keyFile);
}

function parseWithContext(text: string, where: string): SecretKey {
  try {
    return parseSecretKey(text);
  } catch (error) {
    throw new Error(`cannot read the secret key from ${where}: ${(error as Error).message}`);
  }
}
