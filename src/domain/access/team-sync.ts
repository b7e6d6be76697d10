/**
 * How a user's team memberships change so they match the groups their provider lists at sign-in.
 * Only teams that already exist in Mnemo are joined: a provider's groups are often many (mail lists, every
 * department), and an administrator decides which of them mean something here by creating a team of that name.
 * Memberships in teams the provider no longer lists are ended, those an administrator added by hand included:
 * for a user who signs in through the provider, the provider is where membership is managed.
 */
export function teamMembershipChanges(
  current: readonly string[],
  listedGroups: readonly string[],
  existingTeams: ReadonlySet<string>,
): { join: string[]; leave: string[] } {
  const wanted = new Set(listedGroups.filter((group) => existingTeams.has(group)));
  const have = new Set(current);
  return {
    join: [...wanted].filter((team) => !have.has(team)).sort(),
    leave: [...have].filter((team) => !wanted.has(team)).sort(),
  };
}
