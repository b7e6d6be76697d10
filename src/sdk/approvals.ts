import type { HttpClient } from './http-client.js';
import { apiPath, withQuery } from './url-path.js';

export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn' | 'expired' | 'overridden';

export interface RequestActivity {
  id: string;
  kind: 'request' | 'approve' | 'reject' | 'comment' | 'withdraw' | 'expire' | 'break_glass';
  actor: string;
  comment: string | null;
  teams: string[];
  time: number;
}

/** A request to move a model version to a protected stage or alias. */
export interface TransitionRequest {
  id: string;
  name: string;
  version: number;
  stage?: string;
  alias?: string;
  archiveExistingVersions: boolean;
  requester: string;
  reason: string | null;
  status: RequestStatus;
  requiredApprovals: number;
  requiredTeams: string[];
  approvedBy: string[];
  creationTime: number;
  expiryTime: number;
  decisionTime: number | null;
  decidedBy: string | null;
  decisionComment: string | null;
  lastUpdatedTime: number;
  activity: RequestActivity[];
}

/** Which stages and aliases of a model need approval; `source` says whether the rule is the model's or the server's. */
export interface Protection {
  name: string;
  source: 'model' | 'server';
  stages: string[];
  aliases: string[];
  approvals: number;
  teams: string[];
}

export interface ApprovalState {
  required: boolean;
  approvals: number;
  needed: number;
  pendingRequestId?: string;
}

/** A decision that completed a request carries the version as it moved. */
export interface Decision {
  transitionRequest: TransitionRequest;
  modelVersion?: { name: string; version: number; stage: string; aliases: string[] };
}

/** Thrown by `transition` and `setAlias` when the target is protected: the request made instead is attached. */
export class TransitionRequestedError extends Error {
  constructor(readonly request: TransitionRequest) {
    const target = request.stage !== undefined ? `stage ${request.stage}` : `alias '${request.alias}'`;
    super(
      `Moving version ${request.version} of '${request.name}' to ${target} needs approval: transition request ` +
        `${request.id} is pending (approvers: mnemo requests approve ${request.id})`,
    );
    this.name = 'TransitionRequestedError';
  }
}

/** Fails with TransitionRequestedError when a transition's answer is the request made in its place. */
export function movedOrRequested<T>(body: { modelVersion?: T; transitionRequest?: TransitionRequest }): T {
  if (body.transitionRequest) throw new TransitionRequestedError(body.transitionRequest);
  return body.modelVersion as T;
}

/** Protected transitions through the native API (/api/v1). */
export class ApprovalsClient {
  constructor(
    private readonly reads: HttpClient,
    private readonly writes: HttpClient,
  ) {}

  async protection(name: string): Promise<Protection> {
    return this.reads.request('GET', apiPath`/registered-models/${name}/protection`);
  }

  /** Replaces the model's own rule (managers of the model or administrators). */
  async protect(
    name: string,
    rule: { stages?: string[]; aliases?: string[]; approvals?: number; teams?: string[] },
  ): Promise<Protection> {
    return this.reads.request('PUT', apiPath`/registered-models/${name}/protection`, { json: rule });
  }

  /** Drops the model's own rule: the server's default applies again. */
  async unprotect(name: string): Promise<Protection> {
    return this.reads.request('DELETE', apiPath`/registered-models/${name}/protection`);
  }

  async create(
    name: string,
    version: number,
    target: { stage: string } | { alias: string },
    options: { reason?: string; archiveExistingVersions?: boolean } = {},
  ): Promise<TransitionRequest> {
    const body = await this.writes.request<{ transitionRequest: TransitionRequest }>(
      'POST',
      apiPath`/registered-models/${name}/transition-requests`,
      { json: { version, ...target, ...options } },
    );
    return body.transitionRequest;
  }

  async list(
    filter: {
      name?: string;
      version?: number;
      status?: RequestStatus;
      stage?: string;
      alias?: string;
      requester?: string;
      limit?: number;
    } = {},
  ): Promise<TransitionRequest[]> {
    const query = Object.fromEntries(
      Object.entries(filter)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => [key, String(value)]),
    );
    const body = await this.reads.request<{ transitionRequests: TransitionRequest[] }>(
      'GET',
      withQuery('/transition-requests', query),
    );
    return body.transitionRequests;
  }

  async get(id: string): Promise<TransitionRequest> {
    return (
      await this.reads.request<{ transitionRequest: TransitionRequest }>('GET', apiPath`/transition-requests/${id}`)
    ).transitionRequest;
  }

  async approve(id: string, comment?: string): Promise<Decision> {
    return this.writes.request('POST', apiPath`/transition-requests/${id}/approve`, { json: { comment } });
  }

  async reject(id: string, comment?: string): Promise<TransitionRequest> {
    return (await this.act(id, 'reject', { comment })).transitionRequest;
  }

  async comment(id: string, comment: string): Promise<TransitionRequest> {
    return (await this.act(id, 'comment', { comment })).transitionRequest;
  }

  async withdraw(id: string, comment?: string): Promise<TransitionRequest> {
    return (await this.act(id, 'withdraw', { comment })).transitionRequest;
  }

  /** Administrators only: applies the request without its approvals, recorded with the reason. */
  async breakGlass(id: string, reason: string): Promise<Decision> {
    return this.writes.request('POST', apiPath`/transition-requests/${id}/break-glass`, { json: { reason } });
  }

  async state(name: string, version: number, target: { stage: string } | { alias: string }): Promise<ApprovalState> {
    return this.reads.request(
      'GET',
      withQuery(apiPath`/registered-models/${name}/versions/${version}/approval-state`, target),
    );
  }

  private act(
    id: string,
    action: string,
    json: Record<string, unknown>,
  ): Promise<{ transitionRequest: TransitionRequest }> {
    return this.writes.request('POST', `${apiPath`/transition-requests/${id}`}/${action}`, { json });
  }
}
