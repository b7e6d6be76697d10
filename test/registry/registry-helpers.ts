import { createHash } from 'node:crypto';
import { given } from '../support/builders.js';
import type { TestServer } from '../support/test-server.js';

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Creates an experiment and a run, as a training job would, and returns the run id. */
export async function createRun(api: TestServer, experimentName: string): Promise<string> {
  const experiment = await given(api).experiment(experimentName);
  return (await experiment.run()).runId;
}

/** Uploads a file into a run's artifacts through the public API. */
export async function upload(api: TestServer, runId: string, path: string, content: string): Promise<void> {
  const response = await fetch(`${api.url}/api/v1/runs/${runId}/artifacts/${path}`, { method: 'PUT', body: content });
  if (!response.ok) throw new Error(`upload of ${path} failed: ${response.status} ${await response.text()}`);
}

export interface VersionBody {
  name: string;
  version: number;
  stage: string;
  source: string;
  runId: string | null;
  aliases: string[];
  tags: Record<string, string>;
  manifestDigest: string;
  fileCount: number;
  totalSize: number;
  userId: string;
  releaseNotes: string | null;
  deprecation: { deprecatedBy: number | null; sunsetTime: number | null };
  metadata: Record<string, unknown>;
  metadataSchema: { subject: string; version: number } | null;
}

export interface ModelBody {
  name: string;
  description: string | null;
  ownerTeam: string | null;
  tags: Record<string, string>;
  aliases: Record<string, number>;
  regulatoryFlags: string[];
  latencyBudgetMs: number | null;
  metadata: Record<string, unknown>;
  metadataSchema: { subject: string; version: number } | null;
}

export interface ErrorBody {
  error_code: string;
  message: string;
  violations?: { path: string; message: string }[];
}

const sourceRuns = new WeakMap<TestServer, Promise<string>>();

/**
 * A model directory with one real file, under a run created once per server: versions are registered from files
 * the server can hash. Returns the `runs:/<run id>/<label>` source to register.
 */
export async function modelSource(api: TestServer, label: string): Promise<string> {
  let run = sourceRuns.get(api);
  if (run === undefined) {
    run = createRun(api, `model-sources-${Math.random().toString(36).slice(2)}`);
    sourceRuns.set(api, run);
  }
  const runId = await run;
  await upload(api, runId, `${label}/model.bin`, `weights of ${label}`);
  return `runs:/${runId}/${label}`;
}
