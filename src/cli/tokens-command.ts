import type { Static } from '@sinclair/typebox';
import { type Command, Option } from 'commander';
import type { TokenJson } from '../api/native/access/access-schemas.js';
import { TOKEN_SCOPES, type TokenScope } from '../domain/access/access-types.js';
import { parseLifetime } from '../domain/access/token-lifetime.js';
import { apiPath, withQuery } from '../sdk/url-path.js';
import { accessClient, serverCommandGroup } from './access-client.js';
import { formatTime, printJson, printTable } from './output.js';

type Token = Static<typeof TokenJson>;

const statusOf = (token: Token, now = Date.now()) =>
  token.revokedTime !== null
    ? `revoked ${formatTime(token.revokedTime)}`
    : token.expiresTime !== null && token.expiresTime <= now
      ? 'expired'
      : 'active';

/** `mnemo tokens …`: API tokens; anyone manages its own, administrators those of anyone. */
export function tokensCommand(): Command {
  const tokens = serverCommandGroup('tokens', 'API tokens (the server keeps only their hashes)');

  tokens
    .command('create')
    .description(
      'Create a token and print only the token on standard output, e.g. `export MNEMO_TRACKING_TOKEN=$(mnemo tokens ' +
        'create --user ci)`; the details go to standard error. The token is shown this once only',
    )
    .requiredOption('--user <name>', 'the user or service account the token acts for')
    .option('--name <name>', 'a label to recognise the token by')
    .option('--expires-in <lifetime>', 'e.g. 90m, 12h, 30d, 2w (default: never)')
    .addOption(
      new Option('--scope <scope>', 'what the token may do at most, whatever its user may').choices(TOKEN_SCOPES),
    )
    .action(
      async (options: { user: string; name?: string; expiresIn?: string; scope?: TokenScope }, command: Command) => {
        if (options.expiresIn !== undefined && parseLifetime(options.expiresIn) === undefined) {
          throw new Error(`--expires-in '${options.expiresIn}' is not a lifetime such as 90m, 12h, 30d or 2w`);
        }
        const created = await accessClient(command).request<{ token: string; info: Token }>('POST', '/tokens', {
          json: { user: options.user, name: options.name, expiresIn: options.expiresIn, scope: options.scope },
        });
        process.stdout.write(`${created.token}\n`);
        const { info } = created;
        const expires = info.expiresTime === null ? 'never expires' : `expires ${formatTime(info.expiresTime)}`;
        process.stderr.write(
          `Created token ${info.id} '${info.name}' for ${info.user} (scope: ${info.scope ?? 'all its user may do'}, ` +
            `${expires}). It is shown only this once: keep it now.\n`,
        );
      },
    );

  tokens
    .command('list')
    .description("List a user's tokens (never the tokens themselves): your own unless --user names another")
    .option('--user <name>', 'whose tokens (administrators may name anyone)')
    .option('--json', 'print JSON')
    .action(async (options: { user?: string; json?: boolean }, command: Command) => {
      const { tokens: all } = await accessClient(command).request<{ tokens: Token[] }>(
        'GET',
        withQuery('/tokens', { user: options.user }),
      );
      if (options.json) return printJson(all);
      printTable(
        ['ID', 'NAME', 'USER', 'SCOPE', 'CREATED', 'EXPIRES', 'LAST USED', 'STATUS'],
        all.map((t) => [
          t.id,
          t.name,
          t.user,
          t.scope ?? '-',
          formatTime(t.createdTime),
          t.expiresTime === null ? 'never' : formatTime(t.expiresTime),
          t.lastUsedTime === null ? '-' : formatTime(t.lastUsedTime),
          statusOf(t),
        ]),
      );
    });

  tokens
    .command('revoke <id>')
    .description('Revoke a token: every server sharing the database refuses it from now on')
    .action(async (id: string, _options: unknown, command: Command) => {
      const { info } = await accessClient(command).request<{ info: Token }>('DELETE', apiPath`/tokens/${id}`);
      console.log(`Revoked token ${info.id} '${info.name}' of ${info.user}`);
    });

  return tokens;
}
