import { type FetchFunction, HttpClient } from './http-client.js';
import { type RetryOptions, retryFromEnvironment } from './retry-policy.js';
import { apiPath, withQuery } from './url-path.js';

/** Typed client of Mnemo's promotion policies (`/api/v1/policies`) and the gate CI/CD asks before deploying. */

/** Exactly one of a stage (None, Staging, Production, Archived) or an alias. */
export type PolicyTarget = { stage: string; alias?: undefined } | { alias: string; stage?: undefined };

export interface PolicyRule {
  name: string;
  /** A CEL expression over the version's record that must be true, e.g. `run.metrics.auc >= 0.9`. */
  expression: string;
  description?: string | null;
}

export interface Policy {
  name: string;
  version: number;
  description: string | null;
  /** The model it applies to; null for every model. */
  model: string | null;
  builtin: boolean;
  target: { stage?: string; alias?: string };
  rules: Required<PolicyRule>[];
  creationTime: number;
  lastUpdatedTime: number;
}

export interface PolicyInput {
  description?: string | null;
  model?: string | null;
  target: PolicyTarget;
  rules: PolicyRule[];
}

export interface RuleFailure {
  policy: string;
  policyVersion: number;
  builtin: boolean;
  rule: string;
  expression: string;
  description: string | null;
  /** Why the rule could not be evaluated; null when it came out false. */
  error: string | null;
  /** Each path into the record the rule read, with the value found there. */
  seen: Record<string, unknown>;
}

export interface PolicyVerdict {
  passed: boolean;
  policies: { name: string; version: number; builtin: boolean; passed: boolean; rules: number; failed: number }[];
  failures: RuleFailure[];
}

export interface GateResult {
  passed: boolean;
  model: string;
  version: number;
  target: { stage?: string; alias?: string };
  verdict: PolicyVerdict;
  approval: {
    required: boolean;
    approvals: number;
    needed: number;
    pendingRequestId?: string;
    satisfied: boolean;
  } | null;
}

export interface PolicyClientOptions {
  /** Server root, e.g. http://127.0.0.1:5000. */
  url: string;
  token?: string;
  retry?: Partial<RetryOptions>;
  fetch?: FetchFunction;
}

export class PolicyClient {
  private readonly http: HttpClient;

  constructor(options: PolicyClientOptions) {
    // Every call here is idempotent (a put replaces, the gate and tests change nothing), so all may be retried.
    this.http = new HttpClient({
      url: options.url,
      token: options.token,
      fetch: options.fetch ?? fetch,
      retry: { ...retryFromEnvironment(), ...options.retry },
    });
  }

  async list(options: { model?: string } = {}): Promise<Policy[]> {
    return (await this.http.request<{ policies: Policy[] }>('GET', withQuery('/policies', { model: options.model })))
      .policies;
  }

  async get(name: string): Promise<Policy> {
    return this.http.request('GET', apiPath`/policies/${name}`);
  }

  /** Creates the policy or replaces it with its next version; a rule that does not compile is refused (400). */
  async put(name: string, policy: PolicyInput): Promise<Policy> {
    return this.http.request('PUT', apiPath`/policies/${name}`, { json: policy });
  }

  async delete(name: string): Promise<void> {
    await this.http.request('DELETE', apiPath`/policies/${name}`);
  }

  /** Evaluates rules, or a stored policy, against a version without saving or changing anything. */
  async test(
    model: string,
    version: number,
    input: { policy: string; target?: PolicyTarget } | { rules: PolicyRule[]; target?: PolicyTarget },
  ): Promise<PolicyVerdict> {
    return this.http.request('POST', apiPath`/registered-models/${model}/versions/${version}/policy-test`, {
      json: input,
    });
  }

  /** Would this version pass onto the target now (policies and approvals)? Changes nothing. */
  async gate(model: string, version: number, target: PolicyTarget): Promise<GateResult> {
    return this.http.request('POST', apiPath`/registered-models/${model}/versions/${version}/gate`, { json: target });
  }
}
