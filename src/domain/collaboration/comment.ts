import { invalid } from '../errors.js';

/** What a comment can be about. A model version is named `<model id>/<version>`, a run and a dataset by their id. */
export type CommentEntityKind = 'run' | 'model_version' | 'dataset';

/** One comment: Markdown, with the people it mentioned (the notified ones among them). */
export interface Comment {
  commentId: string;
  entity: { kind: CommentEntityKind; id: string };
  authorId: string;
  authorName: string;
  body: string;
  creationTime: number;
  lastUpdatedTime: number;
}

/** Long enough for a review with a table in it; short enough that a page of comments stays small. */
export const MAX_COMMENT_LENGTH = 10_000;

/** A comment body as stored: Markdown, not blank, at most MAX_COMMENT_LENGTH characters, trailing space trimmed. */
export function checkCommentBody(body: string): string {
  const trimmed = body.replace(/\s+$/u, '');
  if (trimmed.trim() === '') throw invalid('A comment needs a body');
  if (trimmed.length > MAX_COMMENT_LENGTH) {
    throw invalid(`A comment is at most ${MAX_COMMENT_LENGTH} characters; got ${trimmed.length}`);
  }
  return trimmed;
}
