/** One edge of an impact path, in its lineage direction, with what it says about the package. */
export interface ImpactStepJson {
  from: string;
  to: string;
  type: 'depends_on' | 'provides' | 'deployed_to';
  specifier?: string;
  version?: string;
}

/** GET /dependencies/impact: what a range of a package's versions touches. */
export interface PackageImpactJson {
  package: { kind: 'pypi' | 'npm'; name: string; nodeId: string };
  versions: string;
  stage: string | null;
  alias: string | null;
  modelVersions: {
    nodeId: string;
    model: string;
    version: number;
    stage: string;
    declarations: { specifier: string; marker?: string; witness: string | null }[];
    path: ImpactStepJson[];
  }[];
  targets: { nodeId: string; target: string; installed: string; path: ImpactStepJson[] }[];
  deployments: {
    nodeId: string;
    deploymentId: string;
    model: string;
    version: number;
    stage: string;
    target: string;
    installed: string;
    path: ImpactStepJson[];
  }[];
}
