/**
 * The version of a recorded state. Version 1 states, which every server before the audit event catalog wrote, carry
 * no version; a later version names itself in a top-level `stateVersion` field (see AuditEventSpec), so the verifier
 * can read each event with the rules of the version it was written in.
 */
export function recordedStateVersion(state: unknown): number {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) return 1;
  const version = (state as { stateVersion?: unknown }).stateVersion;
  return typeof version === 'number' && Number.isSafeInteger(version) && version > 1 ? version : 1;
}
