import { request } from './client.js';

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

/** What a comments panel is about: the API path of its comments. */
export type CommentSubject = { kind: 'run'; runId: string } | { kind: 'version'; name: string; version: number };

const q = encodeURIComponent;
const commentsPath = (s: CommentSubject) =>
  s.kind === 'run' ? `/runs/${q(s.runId)}/comments` : `/registered-models/${q(s.name)}/versions/${s.version}/comments`;

export const collaborationApi = {
  comments: (subject: CommentSubject, signal?: AbortSignal) =>
    request<{ comments: CommentItem[] }>('GET', `${commentsPath(subject)}?maxResults=500`, undefined, signal),
  addComment: (subject: CommentSubject, body: string) =>
    request<{ comment: CommentItem }>('POST', commentsPath(subject), { body }),
  editComment: (id: string, body: string) => request<{ comment: CommentItem }>('PATCH', `/comments/${q(id)}`, { body }),
  deleteComment: (id: string) => request<Record<string, never>>('DELETE', `/comments/${q(id)}`),
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
};
