import type { StoredAuditEvent } from '../../../src/domain/provenance/audit-event.js';
import type { SignedCheckpoint } from '../../../src/domain/provenance/checkpoint.js';
import type { InclusionProofBundle } from '../../../src/domain/provenance/inclusion-proof-bundle.js';
import type { Protection, TransitionRequest } from '../../../src/sdk/approvals.js';
import type { GateResult, Policy } from '../../../src/sdk/policies.js';
import { ApiError, request } from './client.js';

export type { GateResult, InclusionProofBundle, Policy, Protection, SignedCheckpoint, TransitionRequest };

/** An audit event as the browser reads it: the hashed fields and the state it recorded. */
export type AuditEvent = StoredAuditEvent & { state: unknown };

/** The audit query's filters, as the page keeps them in its address; empty strings mean "any". */
export interface AuditFilter {
  entityKind: string;
  entityId: string;
  action: string;
  actor: string;
  /** Epoch ms bounds, as text (empty for open). */
  from: string;
  to: string;
}

/** Exactly one of a stage or an alias, as gates and policies name it. */
export type Target = { stage: string } | { alias: string };

const q = encodeURIComponent;
const versionPath = (name: string, version: number) => `/registered-models/${q(name)}/versions/${version}`;

/** The filter as the audit API's query string, leaving out what is empty. */
export function auditQuery(filter: AuditFilter, extra: Record<string, string> = {}): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filter, ...extra })) if (value.trim() !== '') query.set(key, value);
  return query;
}

/** Transition requests, promotion gates and the audit log, as the governance views read and act on them. */
export const governanceApi = {
  requests: (status: string, signal?: AbortSignal) =>
    request<{ transitionRequests: TransitionRequest[] }>(
      'GET',
      `/transition-requests?${new URLSearchParams({ status })}`,
      undefined,
      signal,
    ),
  /** Every transition request of one version, of any status, newest first. */
  versionRequests: (name: string, version: number, signal?: AbortSignal) =>
    request<{ transitionRequests: TransitionRequest[] }>(
      'GET',
      `/transition-requests?${new URLSearchParams({ name, version: String(version) })}`,
      undefined,
      signal,
    ),
  approve: (id: string, comment?: string) =>
    request<{ transitionRequest: TransitionRequest }>('POST', `/transition-requests/${q(id)}/approve`, {
      ...(comment ? { comment } : {}),
    }),
  reject: (id: string, comment: string) =>
    request<{ transitionRequest: TransitionRequest }>('POST', `/transition-requests/${q(id)}/reject`, { comment }),
  comment: (id: string, comment: string) =>
    request<{ transitionRequest: TransitionRequest }>('POST', `/transition-requests/${q(id)}/comment`, { comment }),
  /** Would the version pass onto the target now (policies and approvals)? Changes nothing. */
  gate: (name: string, version: number, target: Target, signal?: AbortSignal) =>
    request<GateResult>('POST', `${versionPath(name, version)}/gate`, target, signal),
  policies: (model: string, signal?: AbortSignal) =>
    request<{ policies: Policy[] }>('GET', `/policies?${new URLSearchParams({ model })}`, undefined, signal),
  protection: (name: string, signal?: AbortSignal) =>
    request<Protection>('GET', `/registered-models/${q(name)}/protection`, undefined, signal),
  auditEvents: (filter: AuditFilter, pageToken: string | undefined, signal?: AbortSignal) =>
    request<{ events: AuditEvent[]; nextPageToken?: string }>(
      'GET',
      `/audit/events?${auditQuery(filter, { maxResults: '50', ...(pageToken ? { pageToken } : {}) })}`,
      undefined,
      signal,
    ),
  /** The newest signed checkpoint, or null while none has been signed. */
  latestCheckpoint: async (signal?: AbortSignal): Promise<SignedCheckpoint | null> => {
    try {
      return (await request<{ checkpoint: SignedCheckpoint }>('GET', '/audit/checkpoints/latest', undefined, signal))
        .checkpoint;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) return null;
      throw caught;
    }
  },
  proof: (seq: number, signal?: AbortSignal) =>
    request<InclusionProofBundle>('GET', `/audit/events/${seq}/proof`, undefined, signal),
};

/** Where the browser downloads what the audit views link to (same origin, the session cookie goes along). */
export const governanceLinks = {
  export: (filter: AuditFilter) => `/api/v1/audit/events.jsonl?${auditQuery(filter)}`,
  proof: (seq: number) => `/api/v1/audit/events/${seq}/proof`,
  versionAttestation: (name: string, version: number) => `/api/v1${versionPath(name, version)}/attestation`,
};

export const governanceKeys = {
  requests: (status: string) => ['transition-requests', status] as const,
  /** Under the model's key, so a decision on any of its requests (which invalidates the model) refreshes it. */
  versionRequests: (name: string, version: number) => ['model', name, 'version', version, 'requests'] as const,
  gate: (name: string, version: number, target: Target) => ['model', name, 'version', version, 'gate', target] as const,
  policies: (name: string) => ['model', name, 'policies'] as const,
  protection: (name: string) => ['model', name, 'protection'] as const,
  audit: (filter: AuditFilter, pageToken: string | undefined) => ['audit', filter, pageToken ?? ''] as const,
  checkpoint: () => ['audit', 'checkpoint'] as const,
  proof: (seq: number) => ['audit', 'proof', seq] as const,
};
