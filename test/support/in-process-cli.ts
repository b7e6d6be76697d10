import { Command } from 'commander';
import { vi } from 'vitest';
import { describeFailure, throwOnUsageErrors } from '../../src/cli/failure.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mnemo …` in this process with the command objects main.ts mounts (made fresh by `commands`), capturing what
 * the user would see and the exit code main.ts would give.
 */
export async function runInProcess(
  commands: () => Command[],
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => out.push(`${parts.join(' ')}\n`));
  const saved = { ...process.env };
  Object.assign(process.env, env);
  process.exitCode = undefined;
  const program = new Command('mnemo');
  for (const command of commands()) program.addCommand(command);
  let code: number | null = 0;
  try {
    await throwOnUsageErrors(program).parseAsync(args, { from: 'user' });
    code = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // The same verdict main.ts gives, so exit codes are tested as users get them.
    const failure = describeFailure(error);
    if (failure.message !== null) err.push(`${failure.message}\n`);
    code = failure.code;
  } finally {
    log.mockRestore();
    process.env = saved;
    process.exitCode = undefined;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}
