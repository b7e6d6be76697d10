/** Collaboration shapes of the native API that the SDK, the web UI and the server's schemas share. */

/** Who owns an experiment or a dataset, by name; either may be unset. */
export interface Owners {
  user: string | null;
  team: string | null;
}

/** A change of owners: a name sets, null clears, an absent field keeps. */
export interface OwnerChange {
  user?: string | null;
  team?: string | null;
}

/** An active user a mention box or an owner field may suggest. */
export interface UserSuggestion {
  name: string;
  displayName: string | null;
}
