import type { Static } from '@sinclair/typebox';
import type { Command } from 'commander';
import type { UserJson } from '../api/native/access/access-schemas.js';
import { apiPath } from '../sdk/url-path.js';
import { accessClient, collect, serverCommandGroup } from './access-client.js';
import { formatTime, printJson, printTable } from './output.js';

type User = Static<typeof UserJson>;

interface CreateOptions {
  email?: string;
  displayName?: string;
  team?: string[];
  admin?: boolean;
  serviceAccount?: boolean;
  passwordStdin?: boolean;
}

/** `mnemo users …`: people and service accounts on a server with authentication; administrators only. */
export function usersCommand(): Command {
  const users = serverCommandGroup('users', 'Users and service accounts (administrators only)');

  users
    .command('create <name>')
    .description('Create a user, or a service account with --service-account')
    .option('--email <address>')
    .option('--display-name <text>')
    .option('--team <team>', 'a team it joins (repeatable)', collect)
    .option('--admin', 'may administer the whole server')
    .option('--service-account', 'an account for a program rather than a person')
    .option('--password-stdin', 'read a password for signing in to the web UI from standard input')
    .action(async (name: string, options: CreateOptions, command: Command) => {
      const password = options.passwordStdin ? await readPasswordFromStdin() : undefined;
      const { user } = await accessClient(command).request<{ user: User }>('POST', '/users', {
        json: {
          name,
          kind: options.serviceAccount ? 'service' : 'user',
          email: options.email,
          displayName: options.displayName,
          password,
          admin: options.admin ?? false,
          teams: options.team,
        },
      });
      const details = [
        user.isAdmin ? 'administrator' : null,
        user.teams.length > 0 ? `teams: ${user.teams.join(', ')}` : null,
        user.hasPassword ? 'with a password' : null,
      ].filter((d) => d !== null);
      const what = user.kind === 'service' ? 'service account' : 'user';
      console.log(`Created ${what} '${user.name}'${details.length > 0 ? ` (${details.join('; ')})` : ''}`);
    });

  users
    .command('list')
    .description('List users and service accounts')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { users: all } = await accessClient(command).request<{ users: User[] }>('GET', '/users');
      if (options.json) return printJson(all);
      printTable(
        ['NAME', 'KIND', 'STATUS', 'ADMIN', 'TEAMS', 'EMAIL', 'LAST LOGIN'],
        all.map((u) => [
          u.name,
          u.kind,
          u.active ? 'active' : 'deactivated',
          u.isAdmin ? 'yes' : 'no',
          u.teams.join(',') || '-',
          u.email ?? '-',
          u.lastLoginTime === null ? '-' : formatTime(u.lastLoginTime),
        ]),
      );
    });

  for (const [verb, effect] of [
    ['deactivate', 'Stop a user signing in: its tokens and sessions stop working at once'],
    ['activate', 'Let a deactivated user sign in again'],
  ] as const) {
    users
      .command(`${verb} <name>`)
      .description(effect)
      .action(async (name: string, _options: unknown, command: Command) => {
        const { user } = await accessClient(command).request<{ user: User }>('POST', apiPath`/users/${name}/${verb}`);
        console.log(`${user.name} is ${user.active ? 'active' : 'deactivated'}`);
      });
  }

  return users;
}

/**
 * The password comes from a pipe, never from a flag (which would show in `ps` and shell history). Only the final
 * line break is dropped, as `echo` adds one; a terminal is refused because what is typed there would be echoed.
 */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new Error('--password-stdin reads a piped password, e.g. `printf %s "$PASSWORD" | mnemo users create …`');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (password === '') throw new Error('--password-stdin: standard input held no password');
  return password;
}
