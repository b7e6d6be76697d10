import { type FetchFunction, HttpClient } from './http-client.js';
import { type RetryOptions, retryFromEnvironment } from './retry-policy.js';
import { apiPath, withQuery } from './url-path.js';
import type {
  CompatibilityByTargetJson,
  CompatibilityJson,
  DeclaredDependenciesJson,
  DependentsJson,
  PackageChangeJson,
  ResolutionJson,
  SchemaImpactJson,
  TargetEnvironmentJson,
  WhatIfJson,
} from './wire/dependency-shapes.js';
import type { PackageImpactJson } from './wire/package-impact-shapes.js';

export type * from './wire/dependency-shapes.js';
export type * from './wire/package-impact-shapes.js';

export interface DependencyClientOptions {
  url: string;
  token?: string;
  retry?: Partial<RetryOptions>;
  fetch?: FetchFunction;
}

/** Typed client of model versions' dependencies, target environments, and the checks between them. */
export class DependencyClient {
  private readonly http: HttpClient;

  constructor(options: DependencyClientOptions) {
    // Every call is idempotent (declarations and environments are replaced, the checks change nothing).
    this.http = new HttpClient({
      url: options.url,
      token: options.token,
      fetch: options.fetch ?? fetch,
      retry: { ...retryFromEnvironment(), ...options.retry },
    });
  }

  async show(model: string, version: number): Promise<DeclaredDependenciesJson> {
    return (
      await this.http.request<{ dependencies: DeclaredDependenciesJson }>(
        'GET',
        apiPath`/registered-models/${model}/versions/${version}/dependencies`,
      )
    ).dependencies;
  }

  async declare(
    model: string,
    version: number,
    input: {
      dependencies?: { kind: string; name: string; specifier?: string; columns?: string[] }[];
      files?: { name: string; content: string }[];
    },
  ): Promise<DeclaredDependenciesJson> {
    return (
      await this.http.request<{ dependencies: DeclaredDependenciesJson }>(
        'PUT',
        apiPath`/registered-models/${model}/versions/${version}/dependencies`,
        { json: input },
      )
    ).dependencies;
  }

  async check(model: string, version: number, target: string): Promise<CompatibilityJson> {
    const path = withQuery(apiPath`/registered-models/${model}/versions/${version}/compatibility`, { target });
    return (await this.http.request<{ compatibility: CompatibilityJson }>('GET', path)).compatibility;
  }

  /** The version checked against every target that has an environment. */
  async checkAllTargets(model: string, version: number): Promise<CompatibilityByTargetJson> {
    return this.http.request<CompatibilityByTargetJson>(
      'GET',
      apiPath`/registered-models/${model}/versions/${version}/compatibility/all-targets`,
    );
  }

  async setTargetEnvironment(
    target: string,
    report: { file: string; content: string },
  ): Promise<{ environment: TargetEnvironmentJson; changed: boolean }> {
    return this.http.request('PUT', apiPath`/deployment-targets/${target}/environment`, { json: report });
  }

  async targetEnvironment(target: string, at?: number): Promise<TargetEnvironmentJson> {
    const path = withQuery(apiPath`/deployment-targets/${target}/environment`, { at });
    return (await this.http.request<{ environment: TargetEnvironmentJson }>('GET', path)).environment;
  }

  async whatIf(input: { target?: string; allTargets?: boolean; changes: PackageChangeJson[] }): Promise<WhatIfJson> {
    return this.http.request('POST', '/dependencies/what-if', { json: input });
  }

  async resolve(target: string, options: { pre?: boolean } = {}): Promise<ResolutionJson> {
    const path = withQuery(apiPath`/deployment-targets/${target}/resolve`, { pre: options.pre ? 'true' : undefined });
    return (await this.http.request<{ resolution: ResolutionJson }>('GET', path)).resolution;
  }

  /** Readable model versions and deployments depending on a package at versions in `specifier` (e.g. `<2.0`). */
  async dependents(question: {
    package: string;
    specifier: string;
    kind?: 'pypi' | 'npm';
    stage?: string;
    alias?: string;
  }): Promise<DependentsJson> {
    return this.http.request('GET', withQuery('/dependencies/dependents', question));
  }

  /**
   * The model versions whose declaration admits a version in the range (a CVE's affected versions, say), and the
   * targets and deployments running one, each with its lineage path.
   */
  async impact(question: {
    package: string;
    versions: string;
    kind?: 'pypi' | 'npm';
    stage?: string;
    alias?: string;
  }): Promise<PackageImpactJson> {
    return this.http.request('GET', withQuery('/dependencies/impact', question));
  }

  /** The readable model versions that read a column the schema change (column → type, before and after) breaks. */
  async schemaImpact(input: {
    dataset: string;
    before: Record<string, string>;
    after: Record<string, string>;
  }): Promise<SchemaImpactJson> {
    return this.http.request('POST', '/dependencies/schema-impact', { json: input });
  }
}
