import type { Static } from '@sinclair/typebox';
import type { Command } from 'commander';
import type { TeamJson } from '../api/native/access/access-schemas.js';
import { apiPath } from '../sdk/url-path.js';
import { accessClient, serverCommandGroup } from './access-client.js';
import { formatTime, printJson, printTable } from './output.js';

type Team = Static<typeof TeamJson>;

const describeMembers = (team: Team) =>
  team.members.map((m) => (m.maintainer ? `${m.name} (maintainer)` : m.name)).join(', ') || '-';

/** `mnemo teams …`: groups of users that roles can be granted to; administrators change them, anyone may list. */
export function teamsCommand(): Command {
  const teams = serverCommandGroup('teams', 'Teams and their members');

  teams
    .command('create <name>')
    .description('Create a team (administrators only)')
    .action(async (name: string, _options: unknown, command: Command) => {
      const { team } = await accessClient(command).request<{ team: Team }>('POST', '/teams', { json: { name } });
      console.log(`Created team '${team.name}'`);
    });

  teams
    .command('add-member <team> <user>')
    .description('Add a user to a team, or change whether it maintains the team (administrators only)')
    .option('--maintainer', 'the user maintains the team')
    .action(async (teamName: string, user: string, options: { maintainer?: boolean }, command: Command) => {
      const { team } = await accessClient(command).request<{ team: Team }>(
        'POST',
        apiPath`/teams/${teamName}/members`,
        {
          json: { user, maintainer: options.maintainer ?? false },
        },
      );
      console.log(`${team.name}: ${describeMembers(team)}`);
    });

  teams
    .command('remove-member <team> <user>')
    .description('Remove a user from a team (administrators only)')
    .action(async (teamName: string, user: string, _options: unknown, command: Command) => {
      const { team } = await accessClient(command).request<{ team: Team }>(
        'DELETE',
        apiPath`/teams/${teamName}/members/${user}`,
      );
      console.log(`${team.name}: ${describeMembers(team)}`);
    });

  teams
    .command('list')
    .description('List teams and their members')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { teams: all } = await accessClient(command).request<{ teams: Team[] }>('GET', '/teams');
      if (options.json) return printJson(all);
      printTable(
        ['TEAM', 'CREATED', 'MEMBERS'],
        all.map((t) => [t.name, formatTime(t.createdTime), describeMembers(t)]),
      );
    });

  return teams;
}
