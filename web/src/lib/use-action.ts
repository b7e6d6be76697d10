import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

export interface Action<A extends unknown[]> {
  run: (...args: A) => Promise<boolean>;
  busy: boolean;
  /** The server's refusal of the last attempt, as it wrote it. */
  error: string | undefined;
}

/**
 * A change the user asks for (create, revoke, grant): runs it, keeps its refusal to show beside the form, and marks
 * the cached answers it changes stale so the page reads them again. `run` resolves to whether it succeeded.
 */
export function useAction<A extends unknown[]>(
  perform: (...args: A) => Promise<unknown>,
  invalidates: readonly QueryKey[],
): Action<A> {
  const client = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = async (...args: A) => {
    setBusy(true);
    setError(undefined);
    try {
      await perform(...args);
      await Promise.all(invalidates.map((queryKey) => client.invalidateQueries({ queryKey })));
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error };
}
