import type { EnvironmentSpec } from '../lineage/environment.js';
import { type MarkerEnvironment, markerEnvironment } from './environment-marker.js';
import { normalisePythonName } from './package-name.js';
import { isPep440Version } from './pep440-specifier.js';

/**
 * What a target (or a training run) offers, in the terms declarations are checked against. Packages are keyed as
 * environment package maps key them: Python packages by PEP 503 name, npm packages as `npm:<name>`.
 */
export interface ProvidedEnvironment {
  packages: Record<string, string>;
  python: string | null;
  cuda: string | null;
  os: string;
  containerImageDigest: string | null;
  /** The PEP 508 marker variables the environment answers (see environment-marker.ts); derived when absent. */
  markers?: MarkerEnvironment;
}

const VERSION_IN_TEXT = /(\d+(?:\.\d+)+[A-Za-z0-9.+!]*)/;

/**
 * Reads the Python version from an environment's runtime (`CPython 3.11.9`, `python 3.10`, or a bare version) and
 * CUDA from `hardware.cuda`, falling back to the conda packages that carry it.
 */
export function providedEnvironment(spec: EnvironmentSpec): ProvidedEnvironment {
  const runtime = spec.runtime.trim();
  const runtimeVersion = VERSION_IN_TEXT.exec(runtime)?.[1] ?? null;
  const mentionsOtherRuntime = /[a-z]/i.test(runtime) && !/python/i.test(runtime);
  const python =
    runtimeVersion !== null && !mentionsOtherRuntime && isPep440Version(runtimeVersion) ? runtimeVersion : null;
  const cudaValue = spec.hardware.cuda ?? spec.packages['cuda-version'] ?? spec.packages.cudatoolkit;
  const provided: ProvidedEnvironment = {
    packages: Object.fromEntries(
      Object.entries(spec.packages).map(([k, v]) => [k.startsWith('npm:') ? k : normalisePythonName(k), v]),
    ),
    python,
    cuda: cudaValue === undefined ? null : String(cudaValue),
    os: spec.os,
    containerImageDigest: spec.containerImageDigest,
  };
  return { ...provided, markers: markerEnvironment(provided, runtime) };
}
