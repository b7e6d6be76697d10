import type { Command } from 'commander';
import { apiPath } from '../sdk/url-path.js';
import { accessClient, serverCommandGroup } from './access-client.js';
import { printJson } from './output.js';

interface Rotation {
  currentKeyId: string | null;
  retiringKeyIds: string[];
  running: boolean;
  resealed: number;
  leftPlain: number;
  error: string | null;
}

interface EncryptionStatus {
  rotation: Rotation;
  serverPatterns: string[];
  sealedValues: Record<string, number>;
}

type ModelSensitiveKeys = Omit<SensitiveKeys, 'experimentId'> & { name: string };

interface SensitiveKeys {
  experimentId: string;
  patterns: string[];
  serverPatterns: string[];
  encryptionKeyConfigured: boolean;
}

const POLL_MS = 500;

/** `mnemo keys …`: the data keys that encrypt sensitive values, and which keys are sensitive. */
export function keysCommand(): Command {
  const keys = serverCommandGroup('keys', 'Encryption of sensitive params and tags');

  keys
    .command('rotate-encryption')
    .description(
      'Re-encrypt every sensitive value under the server’s current key, in the background while the server keeps ' +
        'serving (start the server with the new key first, then the old ones); waits until done (administrators only)',
    )
    .option('--no-wait', 'start the pass and return')
    .option('--json', 'print the final status as JSON')
    .action(async (options: { wait: boolean; json?: boolean }, command: Command) => {
      const client = accessClient(command);
      let { rotation } = await client.request<{ rotation: Rotation }>('POST', '/encryption/rotate');
      let status: EncryptionStatus | undefined;
      while (options.wait) {
        status = await client.request<EncryptionStatus>('GET', '/encryption');
        rotation = status.rotation;
        if (!rotation.running) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      if (options.json) printJson(status ?? { rotation });
      if (!options.wait) {
        if (!options.json) console.log(`Rotation to key ${rotation.currentKeyId} started`);
        return;
      }
      const left = Object.entries(status!.sealedValues).filter(([keyId]) => keyId !== rotation.currentKeyId);
      if (rotation.error) {
        console.error(`mnemo: the rotation pass stopped: ${rotation.error}`);
        process.exitCode = 1;
      } else if (left.length > 0) {
        // Values written under an old key by a replica not yet restarted with the new one: run the command again.
        console.error(
          `mnemo: values are still sealed under ${left.map(([id, n]) => `${id} (${n})`).join(', ')}; run it again`,
        );
        process.exitCode = 1;
      } else if (rotation.leftPlain > 0) {
        console.error(
          `mnemo: ${rotation.leftPlain} value(s) of sensitive keys are longer than can be encrypted and stay in ` +
            'plain text; shorten or delete them',
        );
        process.exitCode = 1;
      } else if (!options.json) {
        console.log(
          `Re-encrypted ${rotation.resealed} value(s); every sensitive value is under key ${rotation.currentKeyId}`,
        );
      }
    });

  keys
    .command('sensitive-keys <experimentId> [patterns]')
    .description(
      "Show an experiment's sensitive key patterns, or replace them with a comma-separated list ('customer.*," +
        "*.connection_string'); changing them needs MANAGE on the experiment",
    )
    .option('--clear', "remove the experiment's own patterns")
    .option('--json', 'print JSON')
    .action(
      async (
        experimentId: string,
        patterns: string | undefined,
        options: { clear?: boolean; json?: boolean },
        command: Command,
      ) => {
        const client = accessClient(command);
        const path = apiPath`/experiments/${experimentId}/sensitive-keys`;
        const setting =
          patterns !== undefined || options.clear
            ? await client.request<SensitiveKeys>('PUT', path, {
                json: { patterns: options.clear ? [] : (patterns ?? '').split(',') },
              })
            : await client.request<SensitiveKeys>('GET', path);
        if (options.json) return printJson(setting);
        console.log(`experiment ${setting.experimentId}: ${setting.patterns.join(', ') || '(none)'}`);
        console.log(`server-wide: ${setting.serverPatterns.join(', ') || '(none)'}`);
        if (!setting.encryptionKeyConfigured) console.log('the server has no encryption key');
      },
    );

  keys
    .command('model-sensitive-keys <name> [patterns]')
    .description(
      "Show a registered model's sensitive key patterns (for its tags and metadata fields and those of its versions), " +
        'or replace them with a comma-separated list; changing them needs MANAGE on the model',
    )
    .option('--clear', "remove the model's own patterns")
    .option('--json', 'print JSON')
    .action(
      async (
        name: string,
        patterns: string | undefined,
        options: { clear?: boolean; json?: boolean },
        command: Command,
      ) => {
        const client = accessClient(command);
        const path = apiPath`/registered-models/${name}/sensitive-keys`;
        const setting =
          patterns !== undefined || options.clear
            ? await client.request<ModelSensitiveKeys>('PUT', path, {
                json: { patterns: options.clear ? [] : (patterns ?? '').split(',') },
              })
            : await client.request<ModelSensitiveKeys>('GET', path);
        if (options.json) return printJson(setting);
        console.log(`model ${setting.name}: ${setting.patterns.join(', ') || '(none)'}`);
        console.log(`server-wide: ${setting.serverPatterns.join(', ') || '(none)'}`);
        if (!setting.encryptionKeyConfigured) console.log('the server has no encryption key');
      },
    );

  return keys;
}
