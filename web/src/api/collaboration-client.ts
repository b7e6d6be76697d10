import type { OwnerChange, Owners, UserSuggestion } from '../../../src/sdk/wire/collaboration-shapes.js';
import { request } from './client.js';

export type { OwnerChange, Owners, UserSuggestion };

/** One comment as the API answers it. */
export interface CommentItem {
  id: string;
  entity: { kind: string; id: string };
  author: string;
  body: string;
  createdAt: number;
  updatedAt: number;
}

/** A milestone with its progress from the best run so far. */
export interface MilestoneItem {
  id: string;
  name: string;
  metricKey: string;
  comparator: '>=' | '<=';
  target: number;
  dueTime: number;
  createdBy: string;
  createdAt: number;
  progress: {
    best: number | null;
    bestRunId: string | null;
    runsConsidered: number;
    status: 'met' | 'on_track' | 'overdue';
    fraction: number | null;
  };
}

/** What a comments panel is about: the API path of its comments. A dataset is named `<namespace>:<name>`. */
export type CommentSubject =
  | { kind: 'run'; runId: string }
  | { kind: 'version'; name: string; version: number }
  | { kind: 'dataset'; dataset: string };

/** What has owners: an experiment by id, a dataset by `<namespace>:<name>`. */
export type OwnedSubject = { kind: 'experiment'; experimentId: string } | { kind: 'dataset'; dataset: string };

const q = encodeURIComponent;
const commentsPath = (s: CommentSubject) =>
  s.kind === 'run'
    ? `/runs/${q(s.runId)}/comments`
    : s.kind === 'version'
      ? `/registered-models/${q(s.name)}/versions/${s.version}/comments`
      : `/lineage/dataset-comments?dataset=${q(s.dataset)}`;
const ownersPath = (s: OwnedSubject) =>
  s.kind === 'experiment'
    ? `/experiments/${q(s.experimentId)}/owners`
    : `/lineage/dataset-owners?dataset=${q(s.dataset)}`;
/** A query parameter added to a path that may have a query already. */
const withParam = (path: string, param: string) => `${path}${path.includes('?') ? '&' : '?'}${param}`;

export const collaborationApi = {
  comments: (subject: CommentSubject, signal?: AbortSignal) =>
    request<{ comments: CommentItem[] }>('GET', withParam(commentsPath(subject), 'maxResults=500'), undefined, signal),
  addComment: (subject: CommentSubject, body: string) =>
    request<{ comment: CommentItem }>('POST', commentsPath(subject), { body }),
  editComment: (id: string, body: string) => request<{ comment: CommentItem }>('PATCH', `/comments/${q(id)}`, { body }),
  deleteComment: (id: string) => request<Record<string, never>>('DELETE', `/comments/${q(id)}`),
  owners: (subject: OwnedSubject, signal?: AbortSignal) =>
    request<{ owners: Owners }>('GET', ownersPath(subject), undefined, signal),
  setOwners: (subject: OwnedSubject, change: OwnerChange) =>
    request<{ owners: Owners }>('PUT', ownersPath(subject), change),
  suggestUsers: (prefix: string, signal?: AbortSignal) =>
    request<{ users: UserSuggestion[] }>('GET', `/users/suggestions?prefix=${q(prefix)}`, undefined, signal),
  milestones: (experimentId: string, signal?: AbortSignal) =>
    request<{ milestones: MilestoneItem[] }>('GET', `/experiments/${q(experimentId)}/milestones`, undefined, signal),
  addMilestone: (
    experimentId: string,
    milestone: { name: string; metricKey: string; comparator: string; target: number; dueTime: number },
  ) => request<{ milestone: MilestoneItem }>('POST', `/experiments/${q(experimentId)}/milestones`, milestone),
  deleteMilestone: (experimentId: string, id: string) =>
    request<Record<string, never>>('DELETE', `/experiments/${q(experimentId)}/milestones/${q(id)}`),
};

export const collaborationKeys = {
  comments: (subject: CommentSubject) => ['comments', subject] as const,
  milestones: (experimentId: string) => ['milestones', experimentId] as const,
  owners: (subject: OwnedSubject) => ['owners', subject] as const,
  userSuggestions: (prefix: string) => ['user-suggestions', prefix.toLowerCase()] as const,
};
