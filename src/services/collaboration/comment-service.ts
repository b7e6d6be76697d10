import type { Principal } from '../../domain/access/principal.js';
import { type Comment, type CommentEntityKind, checkCommentBody } from '../../domain/collaboration/comment.js';
import { parseMentions } from '../../domain/collaboration/mentions.js';
import { invalid, MnemoError, notFound } from '../../domain/errors.js';
import type { CommentState } from '../../domain/provenance/audit-events/collaboration-states.js';
import { decodePageToken, encodePageToken } from '../../domain/search/page-token.js';
import {
  activeUsersNamed,
  type CommentRow,
  deleteComment,
  findComment,
  insertComment,
  pageComments,
  updateCommentBody,
} from '../../store/repositories/collaboration/comment-repository.js';
import type { AccessPolicy } from '../access/access-policy.js';
import type { Authenticator } from '../access/authenticator.js';
import { newId } from '../ids.js';
import type { NotificationService } from '../notifications/notification-service.js';
import type { ServiceDeps } from '../service-deps.js';
import type { WriteScope } from '../unit-of-work.js';
import { type CommentTarget, type ResolvedTarget, resolveStored, resolveTarget } from './comment-target.js';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;

/**
 * Comments on runs, model versions and datasets. Reading what a comment is about is what it takes to read and to
 * write comments there (the route checks it, with a token that allows writes for writing): a reviewer with read
 * access is who comments. Authors edit their own comments; authors and the subject's managers (administrators
 * included) delete them. A mention notifies a user only when that user may read the subject too, decided as a
 * request of theirs would be, so a mention never tells anyone of a run they could not open.
 */
export class CommentService {
  constructor(
    private readonly deps: Pick<ServiceDeps, 'store' | 'unitOfWork' | 'now'>,
    private readonly notifications: NotificationService,
    private readonly access: { policy: AccessPolicy; authenticator: Authenticator },
  ) {}

  async list(
    target: CommentTarget,
    page: { maxResults?: number | undefined; pageToken?: string | undefined },
  ): Promise<{ comments: Comment[]; nextPageToken?: string }> {
    const limit = page.maxResults ?? DEFAULT_PAGE;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw invalid(`max_results must be between 1 and ${MAX_PAGE}; got ${limit}`);
    }
    const offset = decodePageToken(page.pageToken);
    const db = this.deps.store.db;
    const resolved = await resolveTarget(db, target);
    const rows = await pageComments(db, resolved.entity, { offset, limit: limit + 1 });
    const comments = rows.slice(0, limit).map(toComment);
    return rows.length > limit ? { comments, nextPageToken: encodePageToken(offset + limit) } : { comments };
  }

  async create(author: Principal, target: CommentTarget, rawBody: string): Promise<Comment> {
    const body = checkCommentBody(rawBody);
    // Who may hear of it is decided before the write: access reads go through the store's own connection.
    const resolved = await resolveTarget(this.deps.store.db, target);
    const readers = await this.mentionedReaders(author, resolved, parseMentions(body));
    const now = this.deps.now();
    return this.deps.unitOfWork.write(async (scope) => {
      const row = {
        comment_id: newId(),
        entity_kind: resolved.entity.kind,
        entity_id: resolved.entity.id,
        author_id: author.id,
        body,
        created_time: now,
        last_updated_time: now,
      };
      await insertComment(scope.db, row);
      await this.notify(scope, author, resolved, readers);
      scope.audit({
        action: 'comment.create',
        entityKind: 'comment',
        entityId: row.comment_id,
        state: state(row, names(readers)),
      });
      return toComment({ ...row, author_name: author.name });
    });
  }

  /** Only the author edits a comment; people mentioned for the first time by the edit are notified. */
  async update(caller: Principal, commentId: string, rawBody: string): Promise<Comment> {
    const body = checkCommentBody(rawBody);
    const { row, resolved } = await this.readable(caller, commentId);
    if (row.author_id !== caller.id) throw denied('Only its author may edit a comment');
    const before = new Set(parseMentions(row.body));
    const readers = await this.mentionedReaders(
      caller,
      resolved,
      parseMentions(body).filter((name) => !before.has(name)),
    );
    const now = this.deps.now();
    return this.deps.unitOfWork.write(async (scope) => {
      if (!(await findComment(scope.db, commentId))) throw notFound(`Comment '${commentId}' does not exist`);
      await updateCommentBody(scope.db, commentId, body, now);
      await this.notify(scope, caller, resolved, readers);
      const updated = { ...row, body, last_updated_time: now };
      scope.audit({
        action: 'comment.update',
        entityKind: 'comment',
        entityId: commentId,
        state: state(updated, names(readers)),
      });
      return toComment(updated);
    });
  }

  /** The author, or whoever manages the subject (administrators included), deletes a comment. */
  async delete(caller: Principal, commentId: string): Promise<void> {
    const { row, resolved } = await this.readable(caller, commentId);
    if (row.author_id !== caller.id) {
      const manages = await this.access.policy.decide(caller, 'manage', resolved.resource);
      if (!manages.allowed) throw denied('Only its author or a manager of what it is about may delete a comment');
    }
    await this.deps.unitOfWork.write(async ({ db, audit }) => {
      if (!(await findComment(db, commentId))) throw notFound(`Comment '${commentId}' does not exist`);
      await deleteComment(db, commentId);
      audit({ action: 'comment.delete', entityKind: 'comment', entityId: commentId, state: { deleted: true } });
    });
  }

  /** A comment the caller may read (its subject readable); otherwise 404, as if it did not exist. */
  private async readable(caller: Principal, commentId: string): Promise<{ row: CommentRow; resolved: ResolvedTarget }> {
    const db = this.deps.store.db;
    const row = await findComment(db, commentId);
    const resolved = row && (await resolveStored(db, { kind: row.entity_kind, id: row.entity_id }));
    if (!row || !resolved || !(await this.access.policy.decide(caller, 'read', resolved.resource)).allowed) {
      throw notFound(`Comment '${commentId}' does not exist`);
    }
    return { row, resolved };
  }

  /** The active users named who may read the subject, decided as a request of theirs would be; never the author. */
  private async mentionedReaders(
    author: Principal,
    resolved: ResolvedTarget,
    mentioned: readonly string[],
  ): Promise<{ principal_id: string; name: string }[]> {
    const users = (await activeUsersNamed(this.deps.store.db, mentioned)).filter((u) => u.principal_id !== author.id);
    const readers: { principal_id: string; name: string }[] = [];
    for (const user of users) {
      const found = await this.access.authenticator.activePrincipal(user.principal_id);
      if (found.ok && (await this.access.policy.decide(found.principal, 'read', resolved.resource)).allowed) {
        readers.push(user);
      }
    }
    return readers;
  }

  private async notify(
    scope: WriteScope,
    author: Principal,
    resolved: ResolvedTarget,
    readers: readonly { principal_id: string }[],
  ): Promise<void> {
    if (readers.length === 0) return;
    await this.notifications.notify(scope, {
      kind: 'mentioned',
      recipients: readers.map((r) => r.principal_id),
      subject: `${author.name} mentioned you on ${resolved.label}`.slice(0, 500),
      body: `${author.name} mentioned you in a comment on ${resolved.label}.`,
      link: resolved.link,
      resource: resolved.notificationResource,
    });
  }
}

const names = (readers: readonly { name: string }[]) => readers.map((r) => r.name).sort();
const denied = (message: string) => new MnemoError('PERMISSION_DENIED', message);

function state(row: Omit<CommentRow, 'author_name' | 'comment_id'>, notified: string[]): CommentState {
  return {
    entityKind: row.entity_kind,
    entityId: row.entity_id,
    authorId: row.author_id,
    body: row.body,
    creationTime: Number(row.created_time),
    lastUpdatedTime: Number(row.last_updated_time),
    notified,
  };
}

function toComment(row: CommentRow): Comment {
  return {
    commentId: row.comment_id,
    entity: { kind: row.entity_kind as CommentEntityKind, id: row.entity_id },
    authorId: row.author_id,
    authorName: row.author_name ?? row.author_id,
    body: row.body,
    creationTime: Number(row.created_time),
    lastUpdatedTime: Number(row.last_updated_time),
  };
}
