import { Command } from 'commander';
import { HttpClient } from '../sdk/http-client.js';
import { clientToken, trackingUriOption } from './options.js';

/** A command group whose subcommands all talk to a server, found as every client command finds it. */
export function serverCommandGroup(name: string, description: string): Command {
  return new Command(name).description(description).addOption(trackingUriOption());
}

/**
 * The native API as the caller, for the commands that manage users, teams, tokens and roles. One attempt only:
 * creating a user or a token again after a lost answer is not the same as creating it once.
 */
export function accessClient(command: Command): HttpClient {
  return new HttpClient({
    url: String(command.optsWithGlobals().trackingUri),
    token: clientToken(),
    retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
    fetch: globalThis.fetch,
  });
}

/** Collects a repeatable option's values in the order given. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
