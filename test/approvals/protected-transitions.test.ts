import { describe, expect, it } from 'vitest';
import { TransitionRequestedError } from '../../src/sdk/approvals.js';
import { RegistryClient } from '../../src/sdk/registry.js';
import { verifyAuditTrail } from '../../src/services/provenance/verify/audit-verifier.js';
import { ADMIN_TOKEN, callAs, ok } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';
import {
  approve,
  auditActions,
  MLFLOW,
  modelWithVersion,
  people,
  type RequestBody,
  requestIdIn,
  requestOf,
  type Tokens,
} from './approval-fixture.js';

for (const backend of backends) {
  describe(`protected transitions (${backend.name})`, () => {
    const t = useTestServer(backend, {
      server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: 'reader' } },
    });
    let tokens: Tokens;
    const tokenOf = async () => {
      tokens ??= await people(t.url);
      return tokens;
    };
    const toProduction = (token: string, name: string) =>
      callAs(t.url, token, 'POST', `${MLFLOW}/model-versions/transition-stage`, {
        name,
        version: '1',
        stage: 'Production',
        archive_existing_versions: false,
      });

    it('turns an MLflow transition to Production into a request; a manager of the model completes it', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'default');
      const refused = await toProduction(tk.requester!, name);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ error_code: 'PERMISSION_DENIED' });
      const id = requestIdIn(refused);
      expect(String((refused.body as { message: string }).message)).toContain('needs approval');

      // Asking again names the same open request.
      expect(requestIdIn(await toProduction(tk.requester!, name))).toBe(id);
      const version = await ok(
        callAs<{ model_version: { current_stage: string } }>(
          t.url,
          tk.requester,
          'GET',
          `${MLFLOW}/model-versions/get?name=${name}&version=1`,
        ),
      );
      expect(version.model_version.current_stage).toBe('None');

      // Without teams, approving needs the manager role on the model.
      const outsider = await approve(t.url, tk.outsider, id);
      expect(outsider.status).toBe(403);
      expect(outsider.body.message).toMatch(/rule role:/);

      const approved = await approve(t.url, tk.boss, id, 'ship it');
      expect(approved.status).toBe(200);
      expect(approved.body.transitionRequest).toMatchObject({
        status: 'approved',
        approvedBy: ['boss'],
        decidedBy: 'boss',
      });
      expect(approved.body.modelVersion?.stage).toBe('Production');

      const history = await ok(
        callAs<{ transitions: { toStage: string; actor: string; approvedBy?: string[]; requestId?: string }[] }>(
          t.url,
          tk.outsider,
          'GET',
          `/api/v1/registered-models/${name}/versions/1/history`,
        ),
      );
      expect(history.transitions.at(-1)).toMatchObject({
        toStage: 'Production',
        actor: 'requester',
        approvedBy: ['boss'],
        requestId: id,
      });
      const events = await auditActions(t.url, id);
      expect(events.map((e) => [e.action, e.actor])).toEqual([
        ['transition_request.create', 'requester'],
        ['transition_request.approve', 'boss'],
      ]);
      const stageEvents = (await auditActions(t.url, `${await modelId(name)}/1`)).map((e) => e.action);
      expect(stageEvents).toContain('model_version.transition_stage');

      // Decided: acting on it again is a conflict.
      const again = await approve(t.url, tk.boss, id);
      expect(again.status).toBe(409);
      expect(again.body.message).toMatch(/already decided: approved/);
    });

    it('holds a native transition as a 202 with the request, and Staging stays unprotected', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'native');
      const staging = await callAs(t.url, tk.requester, 'POST', `/api/v1/registered-models/${name}/versions/1/stage`, {
        stage: 'Staging',
      });
      expect(staging.status).toBe(200);
      const production = await callAs<{ transitionRequest: RequestBody }>(
        t.url,
        tk.requester,
        'POST',
        `/api/v1/registered-models/${name}/versions/1/stage`,
        { stage: 'Production', reason: 'beats the champion' },
      );
      expect(production.status).toBe(202);
      expect(production.body.transitionRequest).toMatchObject({
        name,
        version: 1,
        stage: 'Production',
        requester: 'requester',
        status: 'pending',
        requiredApprovals: 1,
      });
      const state = await ok(
        callAs(
          t.url,
          tk.outsider,
          'GET',
          `/api/v1/registered-models/${name}/versions/1/approval-state?stage=Production`,
        ),
      );
      expect(state).toEqual({
        required: true,
        approvals: 0,
        needed: 1,
        pendingRequestId: production.body.transitionRequest.id,
      });
    });

    it('applies the separation-of-duties, team and quorum rules, each refusal naming its rule', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'duties');
      // An editor may not configure protection; the model's manager may.
      const byEditor = await callAs(t.url, tk.requester, 'PUT', `/api/v1/registered-models/${name}/protection`, {
        stages: ['Production'],
      });
      expect(byEditor.status).toBe(403);
      const rule = await ok(
        callAs(t.url, tk.boss, 'PUT', `/api/v1/registered-models/${name}/protection`, {
          stages: ['Production'],
          aliases: ['champion'],
          approvals: 2,
          teams: ['risk', 'legal'],
        }),
      );
      expect(rule).toMatchObject({ source: 'model', approvals: 2, teams: ['risk', 'legal'] });

      // The alias route of MLflow is held too.
      const setAlias = await callAs(t.url, tk.requester, 'POST', `${MLFLOW}/registered-models/alias`, {
        name,
        alias: 'champion',
        version: '1',
      });
      expect(setAlias.status).toBe(403);
      const id = requestIdIn(setAlias);
      expect(await requestOf(t.url, id)).toMatchObject({ alias: 'champion', requiredTeams: ['risk', 'legal'] });

      // The trainer, author and requester would pass the team rule but not separation of duties: make them members.
      for (const user of ['trainer', 'author', 'requester']) {
        await ok(callAs(t.url, ADMIN_TOKEN, 'POST', '/api/v1/teams/risk/members', { user }));
      }
      const requester = await approve(t.url, tk.requester, id);
      expect([requester.status, requester.body.message]).toEqual([
        403,
        expect.stringMatching(/separation of duties: 'requester' requested/),
      ]);
      const author = await approve(t.url, tk.author, id);
      expect([author.status, author.body.message]).toEqual([
        403,
        expect.stringMatching(/separation of duties: 'author' registered version 1/),
      ]);
      const trainer = await approve(t.url, tk.trainer, id);
      expect([trainer.status, trainer.body.message]).toEqual([
        403,
        expect.stringMatching(/separation of duties: 'trainer' ran the source run/),
      ]);
      const outsider = await approve(t.url, tk.outsider, id);
      expect([outsider.status, outsider.body.message]).toEqual([
        403,
        expect.stringMatching(/rule team: 'outsider' is in none/),
      ]);

      // One person in both teams fills one slot only, and cannot approve twice.
      const first = await approve(t.url, tk.both, id);
      expect(first.body.transitionRequest).toMatchObject({ status: 'pending', approvedBy: ['both'] });
      const twice = await approve(t.url, tk.both, id);
      expect([twice.status, twice.body.message]).toEqual([
        403,
        expect.stringMatching(/one person cannot fill two approval slots/),
      ]);
      const state = await ok(
        callAs(t.url, tk.outsider, 'GET', `/api/v1/registered-models/${name}/versions/1/approval-state?alias=champion`),
      );
      expect(state).toEqual({ required: true, approvals: 1, needed: 2, pendingRequestId: id });

      const second = await approve(t.url, tk.risk1, id);
      expect(second.body.transitionRequest).toMatchObject({ status: 'approved', approvedBy: ['both', 'risk1'] });
      const resolved = await ok(
        callAs<{ model_version: { version: string } }>(
          t.url,
          tk.outsider,
          'GET',
          `${MLFLOW}/registered-models/alias?name=${name}&alias=champion`,
        ),
      );
      expect(resolved.model_version.version).toBe('1');
    });

    it('does not count two approvers of one team for a rule that needs two teams', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'teams');
      await ok(
        callAs(t.url, tk.boss, 'PUT', `/api/v1/registered-models/${name}/protection`, {
          stages: ['Production'],
          approvals: 2,
          teams: ['risk', 'legal'],
        }),
      );
      const id = requestIdIn(await toProduction(tk.requester!, name));
      await ok(approve(t.url, tk.risk1, id));
      const second = await ok(approve(t.url, tk.risk2, id));
      expect(second.transitionRequest).toMatchObject({ status: 'pending', approvedBy: ['risk1', 'risk2'] });
      const third = await ok(approve(t.url, tk.legal1, id));
      expect(third.transitionRequest.status).toBe('approved');
      expect(third.modelVersion?.stage).toBe('Production');
    });

    it('records rejections, comments and withdrawals, and refuses to act on a decided request', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'decisions');
      const rejected = requestIdIn(await toProduction(tk.requester!, name));
      const comment = await callAs<{ transitionRequest: RequestBody }>(
        t.url,
        tk.outsider,
        'POST',
        `/api/v1/transition-requests/${rejected}/comment`,
        { comment: 'what about the drift report?' },
      );
      expect(comment.status).toBe(200);
      const byOutsider = await callAs(t.url, tk.outsider, 'POST', `/api/v1/transition-requests/${rejected}/reject`, {});
      expect(byOutsider.status).toBe(403);
      const reject = await ok(
        callAs<{ transitionRequest: RequestBody }>(
          t.url,
          tk.boss,
          'POST',
          `/api/v1/transition-requests/${rejected}/reject`,
          {
            comment: 'drift too high',
          },
        ),
      );
      expect(reject.transitionRequest).toMatchObject({ status: 'rejected', decidedBy: 'boss' });
      expect(reject.transitionRequest.activity.map((a) => [a.kind, a.actor, a.comment])).toEqual([
        ['request', 'requester', null],
        ['comment', 'outsider', 'what about the drift report?'],
        ['reject', 'boss', 'drift too high'],
      ]);
      expect((await approve(t.url, tk.boss, rejected)).status).toBe(409);

      // A new attempt opens a new request; only its requester (or an administrator) may withdraw it.
      const withdrawn = requestIdIn(await toProduction(tk.requester!, name));
      expect(withdrawn).not.toBe(rejected);
      const notTheirs = await callAs(t.url, tk.boss, 'POST', `/api/v1/transition-requests/${withdrawn}/withdraw`, {});
      expect([notTheirs.status, (notTheirs.body as { message: string }).message]).toEqual([
        403,
        expect.stringMatching(/rule requester/),
      ]);
      await ok(
        callAs(t.url, tk.requester, 'POST', `/api/v1/transition-requests/${withdrawn}/withdraw`, { comment: 'oops' }),
      );
      expect((await requestOf(t.url, withdrawn)).status).toBe('withdrawn');
      expect((await approve(t.url, tk.boss, withdrawn)).status).toBe(409);
      const actions = (await auditActions(t.url, rejected)).map((e) => e.action);
      expect(actions).toEqual(['transition_request.create', 'transition_request.comment', 'transition_request.reject']);
      expect((await auditActions(t.url, withdrawn)).map((e) => e.action)).toContain('transition_request.withdraw');

      const listed = await ok(
        callAs<{ transitionRequests: RequestBody[] }>(
          t.url,
          tk.outsider,
          'GET',
          `/api/v1/transition-requests?name=${name}`,
        ),
      );
      expect(listed.transitionRequests.map((r) => r.status)).toEqual(['withdrawn', 'rejected']);
    });

    it('answers 409 for a request whose version was deleted since', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'deleted');
      const id = requestIdIn(await toProduction(tk.requester!, name));
      await ok(callAs(t.url, ADMIN_TOKEN, 'DELETE', `${MLFLOW}/model-versions/delete`, { name, version: '1' }));
      const approval = await approve(t.url, tk.boss, id);
      expect([approval.status, approval.body.message]).toEqual([409, expect.stringMatching(/no longer exists/)]);
      const create = await callAs(
        t.url,
        tk.requester,
        'POST',
        `/api/v1/registered-models/${name}/transition-requests`,
        {
          version: 1,
          stage: 'Production',
        },
      );
      expect(create.status).toBe(409);
    });

    it('lets an administrator break the glass only with a reason, recorded in the audit log', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'glass');
      const id = requestIdIn(await toProduction(tk.requester!, name));
      const byManager = await callAs(t.url, tk.boss, 'POST', `/api/v1/transition-requests/${id}/break-glass`, {
        reason: 'outage',
      });
      expect(byManager.status).toBe(403);
      const noReason = await callAs(t.url, ADMIN_TOKEN, 'POST', `/api/v1/transition-requests/${id}/break-glass`, {
        reason: '   ',
      });
      expect(noReason.status).toBe(400);
      const broken = await ok(
        callAs<{ transitionRequest: RequestBody; modelVersion: { stage: string } }>(
          t.url,
          ADMIN_TOKEN,
          'POST',
          `/api/v1/transition-requests/${id}/break-glass`,
          { reason: 'incident 42: rollback of a broken champion' },
        ),
      );
      expect(broken.transitionRequest.status).toBe('overridden');
      expect(broken.modelVersion.stage).toBe('Production');
      const events = await auditActions(t.url, id);
      const glass = events.find((e) => e.action === 'transition_request.break_glass');
      expect(glass?.actor).toBe('admin');
      expect(glass?.state).toMatchObject({
        status: 'overridden',
        activity: { kind: 'break_glass', comment: 'incident 42: rollback of a broken champion' },
      });
      expect((await verifyAuditTrail(t.server.store.db)).problems).toEqual([]);
    });

    it("serves Databricks' transition-request routes on the MLflow prefixes", async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'databricks');
      const created = await ok(
        callAs<{ request: { to_stage: string; user_id: string; comment: string } }>(
          t.url,
          tk.requester,
          'POST',
          `${MLFLOW}/transition-requests/create`,
          { name, version: '1', stage: 'Production', comment: 'please' },
        ),
      );
      expect(created.request).toMatchObject({ to_stage: 'Production', user_id: 'requester', comment: 'please' });
      const listed = await ok(
        callAs<{ requests: { to_stage: string }[] }>(
          t.url,
          tk.outsider,
          'GET',
          `/ajax-api/2.0/mlflow/transition-requests/list?name=${name}&version=1`,
        ),
      );
      expect(listed.requests).toHaveLength(1);
      const refused = await callAs(t.url, tk.author, 'POST', `${MLFLOW}/transition-requests/approve`, {
        name,
        version: '1',
        stage: 'Production',
        archive_existing_versions: false,
      });
      expect(refused.status).toBe(403);
      const approved = await ok(
        callAs<{ activity: { activity_type: string; user_id: string } }>(
          t.url,
          tk.boss,
          'POST',
          `/ajax-api/2.0/mlflow/transition-requests/approve`,
          { name, version: '1', stage: 'Production', archive_existing_versions: false, comment: 'ok' },
        ),
      );
      expect(approved.activity).toMatchObject({ activity_type: 'APPROVED_REQUEST', user_id: 'boss' });
      const after = await ok(
        callAs<{ requests: unknown[] }>(
          t.url,
          tk.outsider,
          'GET',
          `${MLFLOW}/transition-requests/list?name=${name}&version=1`,
        ),
      );
      expect(after.requests).toEqual([]);
      const none = await callAs(t.url, tk.boss, 'POST', `${MLFLOW}/transition-requests/reject`, {
        name,
        version: '1',
        stage: 'Production',
      });
      expect(none.status).toBe(404);
    });

    it('is usable from the SDK: a protected transition throws the request, approving applies it', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'sdk');
      const as = (token: string) => new RegistryClient({ url: t.url, token });
      const boss = as(tk.boss!);
      const rule = await boss.approvals.protect(name, { stages: ['Production'], aliases: ['champion'] });
      expect(rule).toMatchObject({ source: 'model', aliases: ['champion'] });
      const requested = await as(tk.requester!)
        .setAlias(name, 'champion', 1)
        .catch((error: unknown) => error);
      expect(requested).toBeInstanceOf(TransitionRequestedError);
      const request = (requested as TransitionRequestedError).request;
      expect(await boss.approvals.state(name, 1, { alias: 'champion' })).toEqual({
        required: true,
        approvals: 0,
        needed: 1,
        pendingRequestId: request.id,
      });
      const decision = await boss.approvals.approve(request.id, 'fine');
      expect(decision.transitionRequest.status).toBe('approved');
      expect((await boss.getByAlias(name, 'champion')).version).toBe(1);
      expect((await boss.approvals.list({ name, status: 'approved' })).map((r) => r.id)).toEqual([request.id]);
      expect(await boss.approvals.unprotect(name)).toMatchObject({ source: 'server', stages: ['Production'] });
    });

    it('lets `audit verify` notice a request or a rule changed behind the server', async () => {
      const tk = await tokenOf();
      const { name } = await modelWithVersion(t.url, tk, 'tamper');
      await ok(callAs(t.url, tk.boss, 'PUT', `/api/v1/registered-models/${name}/protection`, { stages: ['Staging'] }));
      const id = requestIdIn(
        await callAs(t.url, tk.requester, 'POST', `${MLFLOW}/model-versions/transition-stage`, {
          name,
          version: '1',
          stage: 'Staging',
          archive_existing_versions: false,
        }),
      );
      expect((await verifyAuditTrail(t.server.store.db)).problems).toEqual([]);
      const db = t.server.store.db;
      await db.updateTable('transition_requests').set({ status: 'approved' }).where('request_id', '=', id).execute();
      await db
        .updateTable('protection_rules')
        .set({ approvals: 5 })
        .where('model_id', '=', await modelId(name))
        .execute();
      const messages = (await verifyAuditTrail(db)).problems.map((p) => p.message).join('\n');
      expect(messages).toContain(`transition request ${id} was changed`);
      expect(messages).toMatch(/protection rule of model \S+ was changed/);
    });

    async function modelId(name: string): Promise<string> {
      const row = await t.server.store.db
        .selectFrom('registered_models')
        .select('model_id')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return row.model_id;
    }
  });

  describe(`transition request expiry (${backend.name})`, () => {
    // Requests here expire as soon as they are made: the next look at them finds them overdue.
    const t = useTestServer(backend, {
      server: {
        auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: 'reader' },
        protection: { requestTtlMs: 0 },
      },
    });

    it('records an expired request as such, and it can no longer be approved', async () => {
      const tk = await people(t.url);
      const { name } = await modelWithVersion(t.url, tk, 'expiry');
      const made = await callAs<{ transitionRequest: RequestBody }>(
        t.url,
        tk.requester,
        'POST',
        `/api/v1/registered-models/${name}/transition-requests`,
        {
          version: 1,
          stage: 'Production',
        },
      );
      expect(made.status).toBe(201);
      const id = made.body.transitionRequest.id;
      const later = await requestOf(t.url, id);
      expect(later.status).toBe('expired');
      expect(later.activity.map((a) => a.kind)).toEqual(['request', 'expire']);
      expect((await approve(t.url, tk.boss, id)).status).toBe(409);
      expect((await auditActions(t.url, id)).map((e) => e.action)).toEqual([
        'transition_request.create',
        'transition_request.expire',
      ]);
    });
  });

  describe(`protection on a server without authentication (${backend.name})`, () => {
    const t = useTestServer(backend);

    it('protects nothing by default, so promotion to Production works as in MLflow', async () => {
      await ok(callAs(t.url, undefined, 'POST', `${MLFLOW}/registered-models/create`, { name: 'open' }));
      const { experiment_id } = await ok(
        callAs<{ experiment_id: string }>(t.url, undefined, 'POST', `${MLFLOW}/experiments/create`, { name: 'open' }),
      );
      const { run } = await ok(
        callAs<{ run: { info: { run_id: string } } }>(t.url, undefined, 'POST', `${MLFLOW}/runs/create`, {
          experiment_id,
        }),
      );
      await ok(
        callAs(t.url, undefined, 'POST', `${MLFLOW}/model-versions/create`, {
          name: 'open',
          source: `runs:/${run.info.run_id}/model`,
          run_id: run.info.run_id,
        }),
      );
      const state = await ok(callAs(t.url, undefined, 'GET', '/api/v1/registered-models/open/protection'));
      expect(state).toMatchObject({ source: 'server', stages: [] });
      const moved = await callAs(t.url, undefined, 'POST', `${MLFLOW}/model-versions/transition-stage`, {
        name: 'open',
        version: '1',
        stage: 'Production',
        archive_existing_versions: false,
      });
      expect(moved.status).toBe(200);
    });
  });
}
