/**
 * The reserved tag that puts an experiment, a run or a registered model on legal hold: garbage collection never
 * removes what carries it, nor anything inside it (the runs of a held experiment, the versions of a held model).
 * Its value is free text, such as the case or ticket that requires the hold; deleting the tag releases it.
 */
export const LEGAL_HOLD_TAG = 'mnemo.legal_hold';
