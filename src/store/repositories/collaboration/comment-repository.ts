import type { CommentsTable } from '../../schema-collaboration.js';
import type { Executor } from '../../store.js';

export type CommentRow = CommentsTable & { author_name: string | null };

export async function insertComment(db: Executor, row: CommentsTable): Promise<void> {
  await db.insertInto('comments').values(row).execute();
}

export async function findComment(db: Executor, commentId: string): Promise<CommentRow | undefined> {
  return db
    .selectFrom('comments')
    .leftJoin('principals', 'principals.principal_id', 'comments.author_id')
    .selectAll('comments')
    .select('principals.name as author_name')
    .where('comment_id', '=', commentId)
    .executeTakeFirst();
}

/** One entity's comments, oldest first (a conversation reads top to bottom), a page at a time. */
export async function pageComments(
  db: Executor,
  entity: { kind: string; id: string },
  options: { offset: number; limit: number },
): Promise<CommentRow[]> {
  return db
    .selectFrom('comments')
    .leftJoin('principals', 'principals.principal_id', 'comments.author_id')
    .selectAll('comments')
    .select('principals.name as author_name')
    .where('entity_kind', '=', entity.kind)
    .where('entity_id', '=', entity.id)
    .orderBy('created_time', 'asc')
    .orderBy('comment_id', 'asc')
    .offset(options.offset)
    .limit(options.limit)
    .execute();
}

export async function updateCommentBody(db: Executor, commentId: string, body: string, at: number): Promise<void> {
  await db.updateTable('comments').set({ body, last_updated_time: at }).where('comment_id', '=', commentId).execute();
}

/** The ids of every comment on one run, model version or dataset. */
export async function commentIdsAbout(db: Executor, entityKind: string, entityId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select('comment_id')
    .where('entity_kind', '=', entityKind)
    .where('entity_id', '=', entityId)
    .execute();
  return rows.map((row) => row.comment_id);
}

/** The ids of every comment on any version of one registered model (version comments are keyed `<model id>/<n>`). */
export async function commentIdsAboutVersionsOf(db: Executor, modelId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('comments')
    .select('comment_id')
    .where('entity_kind', '=', 'model_version')
    // Model ids are hex, so the pattern holds no wildcard of its own.
    .where('entity_id', 'like', `${modelId}/%`)
    .execute();
  return rows.map((row) => row.comment_id);
}

export async function deleteComment(db: Executor, commentId: string): Promise<void> {
  await db.deleteFrom('comments').where('comment_id', '=', commentId).execute();
}

/** Active users among `names`, by name: who a mention may reach. */
export async function activeUsersNamed(
  db: Executor,
  names: readonly string[],
): Promise<{ principal_id: string; name: string }[]> {
  if (names.length === 0) return [];
  return db
    .selectFrom('principals')
    .select(['principal_id', 'name'])
    .where('name', 'in', [...names])
    .where('kind', '=', 'user')
    .where('active', '=', 1)
    .execute();
}
