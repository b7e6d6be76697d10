import { ADMIN_TOKEN, callAs, grant, ok, type Reply, userWithToken } from '../access/access-fixture.js';

export const MLFLOW = '/api/2.0/mlflow';

export type Tokens = Record<string, string>;

/**
 * The people of a protected registry: a trainer who runs the training run, an author who registers the version, a
 * requester who asks for the move, approvers in the risk and legal teams (one in both), a manager of the model and
 * an outsider who may only read it.
 */
export async function people(url: string): Promise<Tokens> {
  for (const team of ['risk', 'legal']) await ok(callAs(url, ADMIN_TOKEN, 'POST', '/api/v1/teams', { name: team }));
  const tokens: Tokens = { admin: ADMIN_TOKEN };
  const specs: [string, string[]][] = [
    ['trainer', []],
    ['author', []],
    ['requester', []],
    ['risk1', ['risk']],
    ['risk2', ['risk']],
    ['legal1', ['legal']],
    ['both', ['risk', 'legal']],
    ['boss', []],
    ['outsider', []],
  ];
  for (const [name, teams] of specs) tokens[name] = await userWithToken(url, name, { teams });
  return tokens;
}

let modelCount = 0;

/** A registered model with one version, trained by `trainer` and registered by `author`, readable by everyone. */
export async function modelWithVersion(url: string, tokens: Tokens, label: string): Promise<{ name: string }> {
  modelCount += 1;
  const name = `${label}-${modelCount}`;
  const experiment = await ok(
    callAs<{ experiment_id: string }>(url, ADMIN_TOKEN, 'POST', `${MLFLOW}/experiments/create`, { name: `e-${name}` }),
  );
  for (const user of ['trainer', 'author']) {
    await grant(url, { role: 'editor', user, experiment: experiment.experiment_id });
  }
  const run = await ok(
    callAs<{ run: { info: { run_id: string } } }>(url, tokens.trainer, 'POST', `${MLFLOW}/runs/create`, {
      experiment_id: experiment.experiment_id,
    }),
  );
  await ok(callAs(url, ADMIN_TOKEN, 'POST', `${MLFLOW}/registered-models/create`, { name }));
  for (const user of ['author', 'requester']) await grant(url, { role: 'editor', user, model: name });
  await grant(url, { role: 'manager', user: 'boss', model: name });
  await ok(
    callAs(url, tokens.author, 'POST', `${MLFLOW}/model-versions/create`, {
      name,
      source: `runs:/${run.run.info.run_id}/model`,
      run_id: run.run.info.run_id,
    }),
  );
  return { name };
}

export interface RequestBody {
  id: string;
  name: string;
  version: number;
  stage?: string;
  alias?: string;
  status: string;
  requester: string;
  approvedBy: string[];
  requiredApprovals: number;
  requiredTeams: string[];
  decidedBy: string | null;
  activity: { kind: string; actor: string; comment: string | null }[];
}

export const approve = (url: string, token: string | undefined, id: string, comment?: string) =>
  callAs<{ transitionRequest: RequestBody; modelVersion?: { stage: string }; message?: string }>(
    url,
    token,
    'POST',
    `/api/v1/transition-requests/${id}/approve`,
    comment === undefined ? {} : { comment },
  );

export const requestOf = async (url: string, id: string): Promise<RequestBody> =>
  (await ok(callAs<{ transitionRequest: RequestBody }>(url, ADMIN_TOKEN, 'GET', `/api/v1/transition-requests/${id}`)))
    .transitionRequest;

/** The id a refusal of a protected MLflow transition names. */
export function requestIdIn(reply: Reply): string {
  const message = String((reply.body as { message?: string }).message ?? '');
  const id = /transition request (tr-[0-9a-f]+)/.exec(message)?.[1];
  if (!id) throw new Error(`no request named in ${reply.status} ${JSON.stringify(reply.body)}`);
  return id;
}

export async function auditActions(
  url: string,
  entityId: string,
): Promise<{ action: string; actor: string; state: unknown }[]> {
  const reply = await ok(
    callAs<{ events: { action: string; actor: string; state: unknown }[] }>(
      url,
      ADMIN_TOKEN,
      'GET',
      `/api/v1/audit/events?entityId=${encodeURIComponent(entityId)}&maxResults=1000`,
    ),
  );
  return reply.events;
}
