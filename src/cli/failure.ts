import { type Command, CommanderError } from 'commander';
import { MnemoApiError, MnemoConnectionError } from '../sdk/errors.js';
import { tokenSource } from './options.js';

/**
 * Exit codes every command keeps: 0 success or a check that passed, 1 a check that failed, 2 an error, 3 the server
 * refused the caller (no token, a token it does not accept, or a role or scope that does not allow the request), so
 * a script can tell "fix the credentials" from every other error.
 */
export const EXIT = { ok: 0, checkFailed: 1, error: 2, refused: 3 } as const;

/**
 * Commander ends the process with 1 on a usage error (unknown option, missing argument, unknown command), which
 * scripts would read as "the check failed". Make every command in the tree throw instead, so the one handler in
 * main.ts decides the exit code. Settings are copied only to subcommands made with `.command()` after they are set,
 * so the whole tree is walked.
 */
export function throwOnUsageErrors(command: Command): Command {
  command.exitOverride();
  for (const sub of command.commands) throwOnUsageErrors(sub);
  return command;
}

/** What the user sees and the exit code, for an error that kept a command from running. */
export function describeFailure(error: unknown): { code: number; message: string | null } {
  if (error instanceof CommanderError) {
    // Commander has printed its own message (or the help or version that was asked for) already.
    return { code: error.exitCode === 0 ? EXIT.ok : EXIT.error, message: null };
  }
  if (error instanceof MnemoConnectionError) return { code: EXIT.error, message: unreachable(error) };
  if (isRefusal(error)) return { code: EXIT.refused, message: describeRefusal(error.status, error.message) };
  return { code: EXIT.error, message: `mnemo: ${error instanceof Error ? error.message : String(error)}` };
}

/** A server that is not there: say which address was tried and how to name another. */
function unreachable(error: MnemoConnectionError): string {
  const where = error.url ?? 'the tracking URI';
  return [
    `mnemo: could not reach a Mnemo server at ${where}`,
    `  ${error.message}`,
    'Start one with `mnemo server`, or say where yours is with --tracking-uri <url> or the environment variable',
    'MNEMO_TRACKING_URI (MLFLOW_TRACKING_URI is read when MNEMO_TRACKING_URI is not set).',
  ].join('\n');
}

/** The server refused the caller, as opposed to the request: 401 (who are you?) or 403 (not you). */
export function isRefusal(error: unknown): error is MnemoApiError {
  return error instanceof MnemoApiError && (error.status === 401 || error.status === 403);
}

/** The server refused the caller: say what is missing, naming the variable the token came from (or should). */
export function describeRefusal(status: number, serverMessage: string): string {
  const source = tokenSource();
  if (status === 403) {
    const holder = source === undefined ? 'The caller' : `The user of the token in ${source}`;
    return [
      // The server's message starts with the same words; say them once.
      `mnemo: permission denied: ${serverMessage.replace(/^permission denied:\s*/i, '')}`,
      `${holder} lacks the role this needs, or the token's scope is too narrow.`,
      'Ask whoever manages the resource for a role (`mnemo permissions grant`), or set MNEMO_TRACKING_TOKEN to a',
      'token of a user who holds one.',
    ].join('\n');
  }
  if (source === undefined) {
    return [
      'mnemo: this server requires a token and none was sent.',
      `  ${serverMessage}`,
      'Set MNEMO_TRACKING_TOKEN (or MLFLOW_TRACKING_TOKEN) to an API token; an administrator creates one with',
      '`mnemo tokens create --user <name>`.',
    ].join('\n');
  }
  return [
    `mnemo: the server did not accept the token in ${source}.`,
    `  ${serverMessage}`,
    `It may be mistyped, expired or revoked, or its user deactivated: set ${source} to a valid token.`,
  ].join('\n');
}
