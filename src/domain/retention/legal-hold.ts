/**
 * The reserved tag that puts an experiment, a run or a registered model on legal hold: garbage collection never
 * removes what carries it, nor anything inside it (the runs of a held experiment, the versions of a held model).
 * Its value is free text, such as the case or ticket that requires the hold; deleting the tag releases it.
 */
export const LEGAL_HOLD_TAG = 'mnemo.legal_hold';

/**
 * Whether a write names the legal-hold tag where requests name tags: a `key` field (MLflow's set-tag and delete-tag,
 * a tag in the path), a `tags` list of `{key, value}` (MLflow's batches and creations) or a `tags` map (the native
 * API). Each part of the request (body, query, path parameters) is looked at as it arrived. Placing or lifting a
 * hold is an administrator's act: whoever may edit a run must not be able to shield it from deletion, or release it.
 */
export function namesLegalHold(parts: readonly unknown[]): boolean {
  return parts.some((part) => {
    if (typeof part !== 'object' || part === null) return false;
    const { key, tags } = part as { key?: unknown; tags?: unknown };
    if (key === LEGAL_HOLD_TAG) return true;
    if (Array.isArray(tags)) {
      return tags.some(
        (tag) => typeof tag === 'object' && tag !== null && (tag as { key?: unknown }).key === LEGAL_HOLD_TAG,
      );
    }
    return typeof tags === 'object' && tags !== null && Object.hasOwn(tags, LEGAL_HOLD_TAG);
  });
}
