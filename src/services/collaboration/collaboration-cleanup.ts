import {
  commentIdsAbout,
  commentIdsAboutVersionsOf,
  deleteComment,
} from '../../store/repositories/collaboration/comment-repository.js';
import { deleteMilestone, milestonesOf } from '../../store/repositories/collaboration/milestone-repository.js';
import type { Executor } from '../../store/store.js';
import type { WriteScope } from '../unit-of-work.js';

/**
 * Comments go with what they are about, each with its own comment.delete event as when its author deletes it: they
 * are people's words about an entity that no longer exists, and the audit log keeps that they were removed.
 */
export async function removeCommentsAbout(
  db: Executor,
  audit: WriteScope['audit'],
  entityKind: string,
  entityId: string,
): Promise<void> {
  await removeComments(db, audit, await commentIdsAbout(db, entityKind, entityId));
}

/** Every comment on any version of a registered model that is being deleted. */
export async function removeCommentsAboutVersionsOf(db: Executor, audit: WriteScope['audit'], modelId: string) {
  await removeComments(db, audit, await commentIdsAboutVersionsOf(db, modelId));
}

async function removeComments(db: Executor, audit: WriteScope['audit'], commentIds: readonly string[]) {
  for (const commentId of commentIds) {
    await deleteComment(db, commentId);
    audit({ action: 'comment.delete', entityKind: 'comment', entityId: commentId, state: { deleted: true } });
  }
}

/** Milestones go with the experiment or model they measure, each recorded as deleted. */
export async function removeMilestonesOf(
  db: Executor,
  audit: WriteScope['audit'],
  scope: { kind: 'experiment' | 'model'; id: string },
): Promise<void> {
  for (const milestone of await milestonesOf(db, scope)) {
    await deleteMilestone(db, milestone.milestone_id);
    audit({
      action: 'milestone.delete',
      entityKind: 'milestone',
      entityId: milestone.milestone_id,
      state: { deleted: true },
    });
  }
}
