import { describe, expect, it } from 'vitest';
import type { Executor } from '../../src/store/store.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import { ADMIN_TOKEN, callAs, grant, ok, tokenFor, userWithToken } from './access-fixture.js';

/**
 * Every route the server serves, called by six callers, checked against what each may do. The table below is the
 * specification, written out by hand (MLflow's READ / EDIT / MANAGE split) rather than read from the routes'
 * declarations, so a route declared too loosely or too strictly fails here; a route missing from the table fails too.
 *
 * - public: anyone, even without credentials;  signedIn: any authenticated caller;
 * - reader / editor / manager: that role (or a stronger one) on the experiment or registered model addressed;
 * - admin: administrators only (also what global roles allow, and nobody here holds one);
 * - self: the token's owner (the caller the request names) or an administrator.
 */
type Required = 'public' | 'signedIn' | 'reader' | 'editor' | 'manager' | 'admin' | 'self';

const M = '/mlflow';
const MA = '/mlflow-artifacts';
const V = '/api/v1';
const spec: Record<string, Required> = {
  // Operational, documentation and the UI shell.
  'GET /health': 'public',
  'GET /ready': 'public',
  'GET /metrics': 'public',
  'GET /*': 'public',
  [`GET ${V}/openapi.json`]: 'public',
  // MLflow experiments.
  [`POST ${M}/experiments/create`]: 'signedIn',
  [`GET ${M}/experiments/get`]: 'reader',
  [`GET ${M}/experiments/get-by-name`]: 'reader',
  [`POST ${M}/experiments/search`]: 'signedIn',
  [`GET ${M}/experiments/search`]: 'signedIn',
  [`POST ${M}/experiments/update`]: 'editor',
  [`POST ${M}/experiments/delete`]: 'manager',
  [`POST ${M}/experiments/restore`]: 'manager',
  [`POST ${M}/experiments/set-experiment-tag`]: 'editor',
  [`POST ${M}/experiments/delete-experiment-tag`]: 'editor',
  [`POST ${M}/experiments/search-datasets`]: 'reader',
  // MLflow runs.
  [`POST ${M}/runs/create`]: 'editor',
  [`GET ${M}/runs/get`]: 'reader',
  [`POST ${M}/runs/update`]: 'editor',
  [`POST ${M}/runs/delete`]: 'manager',
  [`POST ${M}/runs/restore`]: 'manager',
  [`POST ${M}/runs/search`]: 'reader',
  [`POST ${M}/runs/log-metric`]: 'editor',
  [`POST ${M}/runs/log-parameter`]: 'editor',
  [`POST ${M}/runs/set-tag`]: 'editor',
  [`POST ${M}/runs/delete-tag`]: 'editor',
  [`POST ${M}/runs/log-batch`]: 'editor',
  [`POST ${M}/runs/log-inputs`]: 'editor',
  [`POST ${M}/runs/outputs`]: 'editor',
  [`POST ${M}/runs/log-model`]: 'editor',
  [`GET ${M}/metrics/get-history`]: 'reader',
  [`GET ${M}/metrics/get-history-bulk-interval`]: 'reader',
  [`GET ${M}/artifacts/list`]: 'reader',
  // MLflow 3 logged models.
  [`POST ${M}/logged-models`]: 'editor',
  [`POST ${M}/logged-models/search`]: 'reader',
  [`GET ${M}/logged-models/:model_id`]: 'reader',
  [`PATCH ${M}/logged-models/:model_id`]: 'editor',
  [`DELETE ${M}/logged-models/:model_id`]: 'manager',
  [`PATCH ${M}/logged-models/:model_id/tags`]: 'editor',
  [`DELETE ${M}/logged-models/:model_id/tags/:tag_key`]: 'editor',
  [`POST ${M}/logged-models/:model_id/params`]: 'editor',
  [`GET ${M}/logged-models/:model_id/artifacts/directories`]: 'reader',
  // MLflow registry.
  [`POST ${M}/registered-models/create`]: 'signedIn',
  [`GET ${M}/registered-models/get`]: 'reader',
  [`POST ${M}/registered-models/rename`]: 'manager',
  [`PATCH ${M}/registered-models/update`]: 'editor',
  [`DELETE ${M}/registered-models/delete`]: 'manager',
  [`GET ${M}/registered-models/search`]: 'signedIn',
  [`POST ${M}/registered-models/get-latest-versions`]: 'reader',
  [`GET ${M}/registered-models/get-latest-versions`]: 'reader',
  [`POST ${M}/registered-models/set-tag`]: 'editor',
  [`DELETE ${M}/registered-models/delete-tag`]: 'editor',
  [`POST ${M}/registered-models/alias`]: 'editor',
  [`DELETE ${M}/registered-models/alias`]: 'editor',
  [`GET ${M}/registered-models/alias`]: 'reader',
  [`POST ${M}/model-versions/create`]: 'editor',
  [`GET ${M}/model-versions/get`]: 'reader',
  [`PATCH ${M}/model-versions/update`]: 'editor',
  [`DELETE ${M}/model-versions/delete`]: 'manager',
  [`POST ${M}/model-versions/transition-stage`]: 'editor',
  [`GET ${M}/model-versions/get-download-uri`]: 'reader',
  [`GET ${M}/model-versions/get-artifact`]: 'reader',
  [`GET ${M}/model-versions/search`]: 'signedIn',
  [`POST ${M}/model-versions/set-tag`]: 'editor',
  [`DELETE ${M}/model-versions/delete-tag`]: 'editor',
  // Webhooks are owned: anyone signed in keeps their own (hearing only of what they may read); another's is 404.
  [`POST ${M}/webhooks`]: 'signedIn',
  [`GET ${M}/webhooks`]: 'signedIn',
  [`GET ${M}/webhooks/:webhook_id`]: 'signedIn',
  [`GET ${M}/webhooks/:webhook_id/deliveries`]: 'signedIn',
  [`PATCH ${M}/webhooks/:webhook_id`]: 'signedIn',
  [`DELETE ${M}/webhooks/:webhook_id`]: 'signedIn',
  [`POST ${M}/webhooks/:webhook_id/test`]: 'signedIn',
  // Databricks' transition requests: approving and rejecting need read here, then the request's own rules.
  [`POST ${M}/transition-requests/create`]: 'editor',
  [`POST ${M}/transition-requests/approve`]: 'reader',
  [`POST ${M}/transition-requests/reject`]: 'reader',
  [`GET ${M}/transition-requests/list`]: 'reader',
  [`DELETE ${M}/transition-requests/delete`]: 'reader',
  // The artifact proxy: a path under an experiment's folder is that experiment's.
  [`PUT ${MA}/artifacts/*`]: 'editor',
  [`GET ${MA}/artifacts`]: 'reader',
  [`GET ${MA}/artifacts/*`]: 'reader',
  [`DELETE ${MA}/artifacts/*`]: 'editor',
  // Native experiments and runs.
  [`POST ${V}/experiments`]: 'signedIn',
  [`GET ${V}/experiments`]: 'signedIn',
  [`POST ${V}/experiments/search`]: 'signedIn',
  [`GET ${V}/experiments/by-name/:name`]: 'reader',
  [`GET ${V}/experiments/:experimentId`]: 'reader',
  [`PATCH ${V}/experiments/:experimentId`]: 'editor',
  [`DELETE ${V}/experiments/:experimentId`]: 'manager',
  [`POST ${V}/experiments/:experimentId/restore`]: 'manager',
  [`PUT ${V}/experiments/:experimentId/tags`]: 'editor',
  [`DELETE ${V}/experiments/:experimentId/tags/:key`]: 'editor',
  [`POST ${V}/experiments/activity`]: 'reader',
  [`GET ${V}/experiments/:experimentId/keys`]: 'reader',
  [`GET ${V}/experiments/:experimentId/dashboard`]: 'reader',
  [`GET ${V}/teams/:name/dashboard`]: 'signedIn',
  [`POST ${V}/runs`]: 'editor',
  [`POST ${V}/runs/search`]: 'reader',
  [`POST ${V}/runs/get`]: 'reader',
  [`GET ${V}/runs/diff`]: 'reader',
  [`GET ${V}/runs/:runId`]: 'reader',
  [`PATCH ${V}/runs/:runId`]: 'editor',
  [`DELETE ${V}/runs/:runId`]: 'manager',
  [`POST ${V}/runs/:runId/restore`]: 'manager',
  [`POST ${V}/runs/:runId/batch`]: 'editor',
  [`DELETE ${V}/runs/:runId/tags/:key`]: 'editor',
  [`POST ${V}/runs/:runId/inputs`]: 'editor',
  [`POST ${V}/runs/:runId/environment`]: 'editor',
  [`POST ${V}/runs/:runId/code-ref`]: 'editor',
  [`POST ${V}/runs/:runId/datasets`]: 'editor',
  [`POST ${V}/runs/:runId/derived-from`]: 'editor',
  [`GET ${V}/runs/:runId/metric-history`]: 'reader',
  [`PUT ${V}/runs/:runId/artifacts/*`]: 'editor',
  [`GET ${V}/runs/:runId/artifacts`]: 'reader',
  [`GET ${V}/runs/:runId/artifacts/*`]: 'reader',
  [`DELETE ${V}/runs/:runId/artifacts/*`]: 'editor',
  [`GET ${V}/logged-models/:modelId`]: 'reader',
  [`GET ${V}/runs/:runId/logged-models`]: 'reader',
  [`POST ${V}/runs/:runId/attestation`]: 'editor',
  [`GET ${V}/runs/:runId/attestation`]: 'reader',
  // Native registry.
  [`POST ${V}/registered-models`]: 'signedIn',
  [`GET ${V}/registered-models`]: 'signedIn',
  [`POST ${V}/registered-models/search`]: 'signedIn',
  [`GET ${V}/registered-models/:name`]: 'reader',
  [`PATCH ${V}/registered-models/:name`]: 'editor',
  [`POST ${V}/registered-models/:name/rename`]: 'manager',
  [`DELETE ${V}/registered-models/:name`]: 'manager',
  [`PUT ${V}/registered-models/:name/tags`]: 'editor',
  [`DELETE ${V}/registered-models/:name/tags/:key`]: 'editor',
  [`GET ${V}/registered-models/:name/latest-versions`]: 'reader',
  [`PUT ${V}/registered-models/:name/aliases/:alias`]: 'editor',
  [`GET ${V}/registered-models/:name/aliases/:alias`]: 'reader',
  [`DELETE ${V}/registered-models/:name/aliases/:alias`]: 'editor',
  [`POST ${V}/registered-models/:name/versions`]: 'editor',
  [`GET ${V}/registered-models/:name/versions`]: 'reader',
  [`POST ${V}/model-versions/search`]: 'signedIn',
  [`GET ${V}/registered-models/:name/versions/:version`]: 'reader',
  [`PATCH ${V}/registered-models/:name/versions/:version`]: 'editor',
  [`DELETE ${V}/registered-models/:name/versions/:version`]: 'manager',
  [`PUT ${V}/registered-models/:name/versions/:version/tags`]: 'editor',
  [`DELETE ${V}/registered-models/:name/versions/:version/tags/:key`]: 'editor',
  [`POST ${V}/registered-models/:name/versions/:version/stage`]: 'editor',
  [`GET ${V}/registered-models/:name/versions/:version/history`]: 'reader',
  [`GET ${V}/registered-models/:name/versions/:version/manifest`]: 'reader',
  [`POST ${V}/registered-models/:name/versions/:version/evaluations`]: 'editor',
  [`GET ${V}/registered-models/:name/versions/:version/evaluations`]: 'reader',
  [`POST ${V}/registered-models/:name/versions/:version/checks`]: 'editor',
  [`GET ${V}/registered-models/:name/versions/:version/checks`]: 'reader',
  [`GET ${V}/registered-models/:name/versions/status`]: 'reader',
  [`GET ${V}/registered-models/:name/versions/:version/revalidation`]: 'reader',
  [`POST ${V}/registered-models/:name/versions/:version/revalidation/clear`]: 'manager',
  [`GET ${V}/revalidations`]: 'signedIn',
  [`POST ${V}/registered-models/:name/versions/:version/attestation`]: 'editor',
  [`GET ${V}/registered-models/:name/versions/:version/attestation`]: 'reader',
  [`GET ${V}/registry/completeness`]: 'admin',
  // Promotion policies: read by the model's readers, written by its managers (a global one by administrators); the
  // gate only reads; trying rules against a version is for its editors.
  [`GET ${V}/policies`]: 'signedIn',
  [`GET ${V}/policies/:name`]: 'reader',
  [`PUT ${V}/policies/:name`]: 'manager',
  [`DELETE ${V}/policies/:name`]: 'manager',
  [`POST ${V}/registered-models/:name/versions/:version/gate`]: 'reader',
  [`POST ${V}/registered-models/:name/versions/:version/policy-test`]: 'editor',
  // Protected transitions: configuring protection is managing the model; approving needs read, then the request's
  // own rules (team or role, separation of duties); break-glass is administrators' only.
  [`GET ${V}/registered-models/:name/protection`]: 'reader',
  [`PUT ${V}/registered-models/:name/protection`]: 'manager',
  [`DELETE ${V}/registered-models/:name/protection`]: 'manager',
  [`GET ${V}/registered-models/:name/versions/:version/approval-state`]: 'reader',
  [`POST ${V}/registered-models/:name/transition-requests`]: 'editor',
  [`GET ${V}/transition-requests`]: 'signedIn',
  [`GET ${V}/transition-requests/:requestId`]: 'reader',
  [`POST ${V}/transition-requests/:requestId/approve`]: 'reader',
  [`POST ${V}/transition-requests/:requestId/reject`]: 'reader',
  [`POST ${V}/transition-requests/:requestId/comment`]: 'reader',
  [`POST ${V}/transition-requests/:requestId/withdraw`]: 'reader',
  [`POST ${V}/transition-requests/:requestId/break-glass`]: 'admin',
  // Registry governance: anyone signed in reads the rules; changing them is global management.
  [`GET ${V}/vocabularies`]: 'signedIn',
  [`GET ${V}/vocabularies/:tagKey`]: 'signedIn',
  [`PUT ${V}/vocabularies/:tagKey`]: 'admin',
  [`DELETE ${V}/vocabularies/:tagKey`]: 'admin',
  [`GET ${V}/naming-rules`]: 'signedIn',
  [`PUT ${V}/naming-rules/:entityKind`]: 'admin',
  [`DELETE ${V}/naming-rules/:entityKind`]: 'admin',
  [`GET ${V}/schemas`]: 'signedIn',
  [`GET ${V}/schemas/:subject`]: 'signedIn',
  [`PUT ${V}/schemas/:subject/config`]: 'admin',
  [`GET ${V}/schemas/:subject/versions`]: 'signedIn',
  [`POST ${V}/schemas/:subject/versions`]: 'admin',
  [`GET ${V}/schemas/:subject/versions/:version`]: 'signedIn',
  [`POST ${V}/schemas/:subject/compatibility`]: 'signedIn',
  [`POST ${V}/schemas/:subject/versions/:version/validate`]: 'signedIn',
  // Lineage: entities of no experiment are written with global roles; model versions through their model. A new
  // dataset may be created by anyone signed in (who then manages it, as with experiments); a version that names the
  // run that produced it (the request names the fixture's run) also takes editing that run.
  [`POST ${V}/lineage/datasets`]: 'signedIn',
  [`GET ${V}/lineage/dataset-versions`]: 'signedIn',
  [`POST ${V}/lineage/dataset-versions`]: 'editor',
  [`GET ${V}/lineage/dataset-versions/:versionId`]: 'signedIn',
  [`POST ${V}/lineage/features`]: 'admin',
  [`POST ${V}/lineage/environments`]: 'admin',
  [`GET ${V}/lineage/environments/:environmentId`]: 'signedIn',
  [`POST ${V}/lineage/code-refs`]: 'admin',
  [`POST ${V}/lineage/deployment-targets`]: 'admin',
  [`POST ${V}/lineage/deployments`]: 'editor',
  [`PATCH ${V}/lineage/deployments/:deploymentId`]: 'admin',
  [`POST ${V}/lineage/model-versions`]: 'editor',
  [`POST ${V}/lineage/edges`]: 'admin',
  [`POST ${V}/lineage`]: 'admin',
  [`GET ${V}/lineage`]: 'signedIn',
  [`GET ${V}/lineage/openlineage/runs/:olRunId`]: 'signedIn',
  [`GET ${V}/lineage/nodes`]: 'signedIn',
  [`GET ${V}/lineage/nodes/search`]: 'signedIn',
  [`GET ${V}/lineage/upstream`]: 'signedIn',
  [`GET ${V}/lineage/downstream`]: 'signedIn',
  [`GET ${V}/lineage/impact`]: 'signedIn',
  [`GET ${V}/lineage/path`]: 'signedIn',
  // Discovery: any signed-in caller, shown only what it may read.
  [`GET ${V}/search`]: 'signedIn',
  [`GET ${V}/search/autocomplete`]: 'signedIn',
  // Opening a result and the choice not to be recorded are each caller's own.
  [`POST ${V}/search/opens`]: 'signedIn',
  [`GET ${V}/search/usage-preference`]: 'signedIn',
  [`PUT ${V}/search/usage-preference`]: 'signedIn',
  // Saved searches: anyone saves their own and opens one by its link; only its owner (or an admin) deletes it, and a
  // missing one is a 404 to anyone.
  [`POST ${V}/saved-searches`]: 'signedIn',
  [`GET ${V}/saved-searches`]: 'signedIn',
  [`GET ${V}/saved-searches/:savedSearchId`]: 'signedIn',
  [`DELETE ${V}/saved-searches/:savedSearchId`]: 'signedIn',
  [`GET ${V}/saved-searches/:savedSearchId/subscription`]: 'signedIn',
  [`PUT ${V}/saved-searches/:savedSearchId/subscription`]: 'signedIn',
  [`DELETE ${V}/saved-searches/:savedSearchId/subscription`]: 'signedIn',
  // Experiment starters: one experiment's need its read; a described new one compares only readable experiments.
  [`GET ${V}/experiments/:experimentId/suggested-params`]: 'reader',
  [`GET ${V}/suggested-params`]: 'signedIn',
  [`GET ${V}/registered-models/:name/similar`]: 'reader',
  [`GET ${V}/lineage/dataset-versions/:versionId/models`]: 'signedIn',
  [`GET ${V}/lineage/features/:name/dependents`]: 'signedIn',
  [`GET ${V}/lineage/model-versions/:modelId/:version/prov`]: 'reader',
  [`GET ${V}/lineage/model-versions/:modelId/:version/completeness`]: 'reader',
  [`GET ${V}/lineage/export`]: 'admin',
  // Dependencies: a version's declarations follow its model; target environments are server-wide like targets;
  // questions across models answer only about the models the caller may read.
  [`GET ${V}/registered-models/:name/versions/:version/dependencies`]: 'reader',
  [`PUT ${V}/registered-models/:name/versions/:version/dependencies`]: 'editor',
  [`GET ${V}/registered-models/:name/versions/:version/compatibility`]: 'reader',
  [`GET ${V}/registered-models/:name/versions/:version/compatibility/all-targets`]: 'reader',
  [`PUT ${V}/deployment-targets/:target/environment`]: 'admin',
  [`GET ${V}/deployment-targets/:target/environment`]: 'signedIn',
  [`GET ${V}/deployment-targets/:target/conflicts`]: 'signedIn',
  [`GET ${V}/deployment-targets/:target/resolve`]: 'signedIn',
  [`POST ${V}/dependencies/what-if`]: 'signedIn',
  [`GET ${V}/dependencies/dependents`]: 'signedIn',
  [`GET ${V}/dependencies/impact`]: 'signedIn',
  [`POST ${V}/dependencies/schema-impact`]: 'signedIn',
  // The audit log and signing keys.
  [`GET ${V}/audit/events`]: 'admin',
  [`GET ${V}/audit/events.jsonl`]: 'admin',
  [`GET ${V}/audit/events/:seq`]: 'admin',
  [`GET ${V}/audit/events/:seq/proof`]: 'admin',
  [`GET ${V}/audit/consistency`]: 'admin',
  [`POST ${V}/audit/checkpoints`]: 'admin',
  [`GET ${V}/audit/checkpoints`]: 'admin',
  [`GET ${V}/audit/checkpoints/latest`]: 'admin',
  [`GET ${V}/keys`]: 'signedIn',
  [`POST ${V}/keys/rotate`]: 'admin',
  // Encryption of sensitive values: each experiment's and each model's patterns, and the data keys' rotation.
  [`GET ${V}/experiments/:experimentId/sensitive-keys`]: 'reader',
  [`PUT ${V}/experiments/:experimentId/sensitive-keys`]: 'manager',
  [`GET ${V}/registered-models/:name/sensitive-keys`]: 'reader',
  [`PUT ${V}/registered-models/:name/sensitive-keys`]: 'manager',
  [`GET ${V}/encryption`]: 'admin',
  [`POST ${V}/encryption/rotate`]: 'admin',
  // Access control itself.
  [`GET ${V}/auth/session`]: 'public',
  [`POST ${V}/auth/login`]: 'public',
  [`POST ${V}/auth/logout`]: 'signedIn',
  [`GET ${V}/auth/permissions`]: 'signedIn',
  [`GET ${V}/auth/sso/start`]: 'public',
  [`GET ${V}/auth/sso/callback`]: 'public',
  [`POST ${V}/users`]: 'admin',
  [`GET ${V}/users`]: 'admin',
  [`POST ${V}/users/:name/deactivate`]: 'admin',
  [`POST ${V}/users/:name/activate`]: 'admin',
  [`POST ${V}/teams`]: 'admin',
  [`GET ${V}/teams`]: 'signedIn',
  // What finished runs must carry: the server's and teams' are set by administrators, an experiment's by its managers.
  [`GET ${V}/run-requirements/server`]: 'signedIn',
  [`PUT ${V}/run-requirements/server`]: 'admin',
  [`DELETE ${V}/run-requirements/server`]: 'admin',
  [`GET ${V}/teams/:name/run-requirements`]: 'signedIn',
  [`PUT ${V}/teams/:name/run-requirements`]: 'admin',
  [`DELETE ${V}/teams/:name/run-requirements`]: 'admin',
  [`GET ${V}/experiments/:experimentId/run-requirements`]: 'reader',
  [`PUT ${V}/experiments/:experimentId/run-requirements`]: 'manager',
  [`DELETE ${V}/experiments/:experimentId/run-requirements`]: 'manager',
  [`POST ${V}/teams/:name/members`]: 'admin',
  [`DELETE ${V}/teams/:name/members/:user`]: 'admin',
  [`POST ${V}/tokens`]: 'self',
  [`GET ${V}/tokens`]: 'self',
  [`DELETE ${V}/tokens/:tokenId`]: 'self',
  [`POST ${V}/permissions`]: 'manager',
  [`DELETE ${V}/permissions`]: 'manager',
  [`GET ${V}/permissions`]: 'manager',
  [`PUT ${V}/restrictions`]: 'manager',
  [`GET ${V}/restrictions`]: 'admin',
  [`GET ${V}/access-log`]: 'admin',
  [`GET ${V}/access-log.jsonl`]: 'admin',
  // Each caller's own inbox.
  [`GET ${V}/notifications`]: 'signedIn',
  [`GET ${V}/notifications/unread-count`]: 'signedIn',
  [`POST ${V}/notifications/mark-read`]: 'signedIn',
  // Comments: reading the subject reads and writes its comments; a comment by id is the author's (or a manager's),
  // answered 404 to whoever may not read its subject.
  [`GET ${V}/runs/:runId/comments`]: 'reader',
  [`POST ${V}/runs/:runId/comments`]: 'reader',
  [`GET ${V}/registered-models/:name/versions/:version/comments`]: 'reader',
  [`POST ${V}/registered-models/:name/versions/:version/comments`]: 'reader',
  [`GET ${V}/lineage/dataset-comments`]: 'signedIn',
  [`POST ${V}/lineage/dataset-comments`]: 'signedIn',
  [`PATCH ${V}/comments/:commentId`]: 'signedIn',
  [`DELETE ${V}/comments/:commentId`]: 'signedIn',
  // Milestones: read with the experiment or model, set and removed by its editors.
  [`GET ${V}/experiments/:experimentId/milestones`]: 'reader',
  [`POST ${V}/experiments/:experimentId/milestones`]: 'editor',
  [`DELETE ${V}/experiments/:experimentId/milestones/:milestoneId`]: 'editor',
  [`GET ${V}/registered-models/:name/milestones`]: 'reader',
  [`POST ${V}/registered-models/:name/milestones`]: 'editor',
  [`DELETE ${V}/registered-models/:name/milestones/:milestoneId`]: 'editor',
  // Reports: opened by the experiment's readers, written by its editors.
  [`GET ${V}/experiments/:experimentId/reports`]: 'reader',
  [`POST ${V}/experiments/:experimentId/reports`]: 'editor',
  [`GET ${V}/experiments/:experimentId/reports/:reportId`]: 'reader',
  [`PUT ${V}/experiments/:experimentId/reports/:reportId`]: 'editor',
  [`DELETE ${V}/experiments/:experimentId/reports/:reportId`]: 'editor',
  // Owners: readers see them, editors set them. The fixture has no dataset, so its owners answer 404 to anyone signed
  // in (test/collaboration/owners.test.ts checks the roles on a real one).
  [`GET ${V}/experiments/:experimentId/owners`]: 'reader',
  [`PUT ${V}/experiments/:experimentId/owners`]: 'editor',
  [`GET ${V}/lineage/dataset-owners`]: 'signedIn',
  [`PUT ${V}/lineage/dataset-owners`]: 'signedIn',
  [`GET ${V}/users/suggestions`]: 'signedIn',
};

const MLFLOW_PREFIXES = ['/api/2.0/mlflow', '/ajax-api/2.0/mlflow', '/api/2.0/preview/mlflow'];
const ARTIFACT_PREFIXES = ['/api/2.0/mlflow-artifacts', '/ajax-api/2.0/mlflow-artifacts'];

function specKey(method: string, url: string): string {
  const verb = method === 'HEAD' ? 'GET' : method;
  for (const prefix of ARTIFACT_PREFIXES)
    if (url.startsWith(`${prefix}/`)) return `${verb} ${MA}${url.slice(prefix.length)}`;
  for (const prefix of MLFLOW_PREFIXES)
    if (url.startsWith(`${prefix}/`)) return `${verb} ${M}${url.slice(prefix.length)}`;
  return `${verb} ${url}`;
}

type Caller = 'anonymous' | 'otherTeam' | 'reader' | 'editor' | 'manager' | 'admin';
const CALLERS: Caller[] = ['anonymous', 'otherTeam', 'reader', 'editor', 'manager', 'admin'];
const RANK: Record<Caller, number> = { anonymous: 0, otherTeam: 1, reader: 2, editor: 3, manager: 4, admin: 5 };

function allowed(required: Required, caller: Caller): boolean {
  switch (required) {
    case 'public':
      return true;
    case 'signedIn':
      return caller !== 'anonymous';
    case 'reader':
      return RANK[caller] >= RANK.reader;
    case 'editor':
      return RANK[caller] >= RANK.editor;
    case 'manager':
      return RANK[caller] >= RANK.manager;
    case 'admin':
      return caller === 'admin';
    case 'self':
      return caller === 'manager' || caller === 'admin';
  }
}

for (const backend of backends) {
  describe(`every route × every caller (${backend.name})`, () => {
    const t = useTestServer(backend, {
      server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
    });

    it('grants exactly what the specification says, and never fails with a 500', { timeout: 300_000 }, async () => {
      const url = t.url;
      // Reader, editor and manager hold their role on one experiment and one registered model; the other team
      // manages an experiment and model of its own and nothing here.
      await ok(callAs(url, ADMIN_TOKEN, 'POST', '/api/v1/teams', { name: 'others' }));
      const tokens: Record<Caller, string | undefined> = {
        anonymous: undefined,
        otherTeam: await userWithToken(url, 'otto', { teams: ['others'] }),
        reader: await userWithToken(url, 'rita'),
        editor: await userWithToken(url, 'eddie'),
        manager: await userWithToken(url, 'mona'),
        admin: ADMIN_TOKEN,
      };
      await userWithToken(url, 'dummy');
      const theirs = await ok(
        callAs<{ experiment_id: string }>(url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/experiments/create', {
          name: 'theirs',
        }),
      );
      await ok(callAs(url, ADMIN_TOKEN, 'POST', '/api/v1/registered-models', { name: 'their-model' }));
      await grant(url, { role: 'manager', team: 'others', experiment: theirs.experiment_id });
      await grant(url, { role: 'manager', team: 'others', model: 'their-model' });

      const fixture = await makeFixture(url, t.server.store.db, 'common');
      const routes = t.server.app.routeTable;
      const unspecified = routes.filter((r) => !(specKey(r.method, r.url) in spec));
      expect(unspecified.map((r) => `${r.method} ${r.url}`)).toEqual([]);

      // Deletions last, so they do not take away what the others address; the hard deletion of the registered
      // model gets a fixture of its own.
      const ordered = [...routes].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
      const failures: string[] = [];
      let checked = 0;
      for (const route of ordered) {
        const required = spec[specKey(route.method, route.url)] as Required;
        const own =
          route.method === 'DELETE' && route.url.endsWith('/registered-models/:name')
            ? await makeFixture(url, t.server.store.db, 'own')
            : fixture;
        const selfToken = route.url.endsWith('/tokens/:tokenId') ? await ownedToken(url) : undefined;
        // Callers of a route that changes nothing lasting go at once; deletions one caller at a time, refusals first.
        const check = async (caller: Caller) => {
          const request = requestFor(route.method, route.url, own, selfToken?.id);
          const reply = await callAs(url, tokens[caller], route.method, request.path, request.body);
          checked += 1;
          const expected = allowed(required, caller);
          const denied = reply.status === 401 || reply.status === 403;
          // The UI shell answers 503 with a help page where the UI was not built.
          const serverFault = reply.status >= 500 && !(route.url === '/*' && reply.status === 503);
          const problem = serverFault
            ? `answered ${reply.status}`
            : expected && denied
              ? `was refused (${reply.status} ${JSON.stringify(reply.body)})`
              : !expected && !denied
                ? `was let through (${reply.status})`
                : !expected && caller === 'anonymous' && reply.status !== 401
                  ? `answered ${reply.status} instead of 401`
                  : undefined;
          if (problem) failures.push(`${route.method} ${route.url} as ${caller} (needs ${required}): ${problem}`);
          if (reply.status === 401 && !/Bearer/.test(reply.headers.get('www-authenticate') ?? '')) {
            failures.push(`${route.method} ${route.url} as ${caller}: 401 without a WWW-Authenticate challenge`);
          }
          const code = (reply.body as { error_code?: string }).error_code;
          if (reply.status === 403 && route.method !== 'HEAD' && code !== 'PERMISSION_DENIED') {
            failures.push(`${route.method} ${route.url} as ${caller}: 403 with error_code ${code}`);
          }
        };
        if (route.method === 'DELETE') for (const caller of CALLERS) await check(caller);
        else await Promise.all(CALLERS.map(check));
        if (selfToken) {
          // The other half of "self": the owner of the token may revoke it, which the table's manager did above.
          expect(selfToken.owner).toBe('mona');
        }
      }
      expect(failures).toEqual([]);
      expect(checked).toBeGreaterThan(1000);
    });
  });
}

interface Fixture {
  experimentId: string;
  experimentName: string;
  runId: string;
  loggedModelId: string;
  modelName: string;
  modelId: string;
  policyName: string;
  /** A transition request of the model's version, already withdrawn: acting on it is a conflict, never a denial. */
  requestId: string;
}

let fixtureCount = 0;

/** An experiment with a run and a logged model, and a registered model with a version, granted to the three roles. */
async function makeFixture(url: string, db: Executor, label: string): Promise<Fixture> {
  fixtureCount += 1;
  const experimentName = `exp-${label}-${fixtureCount}`;
  const { experiment_id: experimentId } = await ok(
    callAs<{ experiment_id: string }>(url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/experiments/create', {
      name: experimentName,
    }),
  );
  const { run } = await ok(
    callAs<{ run: { info: { run_id: string } } }>(url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/runs/create', {
      experiment_id: experimentId,
    }),
  );
  const { model } = await ok(
    callAs<{ model: { info: { model_id: string } } }>(url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/logged-models', {
      experiment_id: experimentId,
      name: 'clf',
    }),
  );
  const modelName = `model-${label}-${fixtureCount}`;
  const created = await ok(
    callAs<{ registered_model: { name: string } }>(
      url,
      ADMIN_TOKEN,
      'POST',
      '/api/2.0/mlflow/registered-models/create',
      {
        name: modelName,
      },
    ),
  );
  await ok(
    callAs(url, ADMIN_TOKEN, 'POST', '/api/2.0/mlflow/model-versions/create', {
      name: created.registered_model.name,
      source: `mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts/model`,
      run_id: run.info.run_id,
    }),
  );
  // Lineage addresses model versions by the registered model's internal id.
  const { model_id: modelId } = await db
    .selectFrom('registered_models')
    .select('model_id')
    .where('name', '=', modelName)
    .executeTakeFirstOrThrow();
  const request = await ok(
    callAs<{ transitionRequest: { id: string } }>(
      url,
      ADMIN_TOKEN,
      'POST',
      `/api/v1/registered-models/${modelName}/transition-requests`,
      {
        version: 1,
        stage: 'Production',
      },
    ),
  );
  const requestId = request.transitionRequest.id;
  await ok(callAs(url, ADMIN_TOKEN, 'POST', `/api/v1/transition-requests/${requestId}/withdraw`, {}));
  for (const [user, role] of [
    ['rita', 'reader'],
    ['eddie', 'editor'],
    ['mona', 'manager'],
  ] as const) {
    await grant(url, { role, user, experiment: experimentId });
    await grant(url, { role, user, model: modelName });
  }
  // A policy of the model's own (on a stage nothing here moves to): its readers read it, its managers change it.
  const policyName = `policy-${label}-${fixtureCount}`;
  await ok(
    callAs(url, ADMIN_TOKEN, 'PUT', `/api/v1/policies/${policyName}`, {
      model: modelName,
      target: { stage: 'Archived' },
      rules: [{ name: 'anything', expression: 'true' }],
    }),
  );
  return {
    policyName,
    experimentId,
    experimentName,
    runId: run.info.run_id,
    loggedModelId: model.info.model_id,
    modelName,
    modelId,
    requestId,
  };
}

/** A token of the manager's, for the revocation route: its owner may revoke it, others may not. */
async function ownedToken(url: string): Promise<{ id: string; owner: string }> {
  const created = await ok(
    callAs<{ info: { id: string; user: string } }>(url, ADMIN_TOKEN, 'POST', '/api/v1/tokens', {
      user: 'mona',
      name: 'spare',
    }),
  );
  return { id: created.info.id, owner: created.info.user };
}

/**
 * A request addressing the fixture: path parameters by name, and every field a route may locate its resource by,
 * in the query of reads and the body of writes. The access check runs before validation, so the extra fields change
 * nothing about who is let in; a request let in may then be refused as malformed, which is not a denial.
 */
function requestFor(
  method: string,
  url: string,
  f: Fixture,
  tokenId: string | undefined,
): { path: string; body?: unknown } {
  const isMlflow = url.includes('/mlflow');
  const params: Record<string, string> = {
    experimentId: f.experimentId,
    runId: f.runId,
    name: url.includes('/experiments/by-name/')
      ? f.experimentName
      : url.includes('/policies/')
        ? f.policyName
        : url.includes('/users/')
          ? 'dummy'
          : url.includes('/teams/')
            ? 'others'
            : f.modelName,
    version: '1',
    model_id: f.loggedModelId,
    modelId: url.includes('/lineage/') ? f.modelId : f.loggedModelId,
    key: 'k',
    tag_key: 'k',
    alias: 'champion',
    webhook_id: 'missing-hook',
    subject: 'subject',
    tagKey: 'k',
    entityKind: 'registered_model',
    seq: '1',
    deploymentId: 'd',
    versionId: 'v',
    environmentId: 'e',
    olRunId: 'o',
    user: 'otto',
    tokenId: tokenId ?? 'tok-missing',
    requestId: f.requestId,
    '*': url.includes('mlflow-artifacts') ? `${f.experimentId}/${f.runId}/artifacts/x.txt` : 'x.txt',
  };
  const path = url.replace(/:(\w+)|\*/g, (match, name: string | undefined) =>
    encodeURIComponent(params[name ?? '*'] ?? match).replaceAll('%2F', '/'),
  );
  const locating: Record<string, unknown> = isMlflow
    ? {
        experiment_id: f.experimentId,
        experiment_ids: [f.experimentId],
        experiment_name: f.experimentName,
        run_id: f.runId,
        run_ids: [f.runId],
        name: f.modelName,
        model_id: f.loggedModelId,
        source: `mlflow-artifacts:/${f.experimentId}/${f.runId}/artifacts/model`,
        path: `${f.experimentId}/${f.runId}/artifacts`,
      }
    : url.includes('/permissions') || url.includes('/restrictions')
      ? { role: 'reader', user: 'dummy', experiment: f.experimentId, restricted: false }
      : url.endsWith('/tokens')
        ? { user: 'mona' }
        : {
            experimentId: f.experimentId,
            experimentIds: [f.experimentId],
            runIds: [f.runId],
            runId: f.runId,
            producedByRunId: f.runId,
            originRunId: f.runId,
            // The two runs a comparison names.
            ...(url.endsWith('/runs/diff') ? { a: f.runId, b: f.runId } : {}),
            modelId: f.modelId,
            version: 1,
            source: `runs:/${f.runId}/model`,
            model: f.modelName,
          };
  if (method === 'GET' || method === 'HEAD') {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(locating)) {
      for (const item of [value].flat()) query.append(key, String(item));
    }
    return { path: `${path}?${query}` };
  }
  if (method === 'PUT' && url.includes('artifacts')) return { path };
  return { path, body: locating };
}
