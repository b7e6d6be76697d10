import { type Command, CommanderError } from 'commander';
import { MnemoConnectionError } from '../sdk/errors.js';

/** Exit codes every command keeps: 0 success or a check that passed, 1 a check that failed, 2 an error. */
export const EXIT = { ok: 0, checkFailed: 1, error: 2 } as const;

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
