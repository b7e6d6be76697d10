import { beforeAll, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/cli/audit-command.js';
import type { VerificationReport } from '../../src/domain/provenance/verification-report.js';
import type { ReportSummary, ReportView } from '../../src/sdk/wire/report-shapes.js';
import { ADMIN_TOKEN, callAs, grant, ok, userWithToken } from '../access/access-fixture.js';
import { backends } from '../support/backends.js';
import { useTestServer } from '../support/test-server.js';

/**
 * Reports over HTTP with access control on and no default role: ana edits the churn experiment and reads the lab
 * experiment, bo reads churn only, carl reads nothing. A report on churn pins a lab run that bo may not see.
 */
describe.each(backends)('reports on $name', (backend) => {
  const api = useTestServer(backend, {
    server: { auth: { enabled: true, adminToken: ADMIN_TOKEN, defaultRole: null } },
  });
  const t = { ana: '', bo: '', carl: '' };
  const ids = { churn: '', lab: '', run: '', run2: '', labRun: '', hiddenFromAna: '', doomed: '' };
  const call = <T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown) =>
    callAs<T>(api.url, token, method, path, body);
  const mlflow = (path: string, body: unknown) => ok(call(ADMIN_TOKEN, 'POST', `/api/2.0/mlflow${path}`, body));
  const reportsPath = () => `/api/v1/experiments/${ids.churn}/reports`;
  const runIn = async (experimentId: string, name: string, auc: number) => {
    const { run } = (await mlflow('/runs/create', { experiment_id: experimentId, run_name: name })) as {
      run: { info: { run_id: string } };
    };
    await mlflow('/runs/log-batch', {
      run_id: run.info.run_id,
      metrics: [{ key: 'val_auc', value: auc, timestamp: 1, step: 0 }],
    });
    return run.info.run_id;
  };

  beforeAll(async () => {
    for (const name of ['ana', 'bo', 'carl'] as const) t[name] = await userWithToken(api.url, name);
    ids.churn = (await mlflow('/experiments/create', { name: 'churn' })).experiment_id as string;
    ids.lab = (await mlflow('/experiments/create', { name: 'lab' })).experiment_id as string;
    const secret = (await mlflow('/experiments/create', { name: 'secret' })).experiment_id as string;
    ids.run = await runIn(ids.churn, 'baseline', 0.8);
    ids.run2 = await runIn(ids.churn, 'tuned', 0.9);
    ids.doomed = await runIn(ids.churn, 'doomed', 0.1);
    ids.labRun = await runIn(ids.lab, 'lab-secret-name', 0.95);
    ids.hiddenFromAna = await runIn(secret, 'nobody', 0.5);
    await grant(api.url, { role: 'editor', user: 'ana', experiment: ids.churn });
    await grant(api.url, { role: 'reader', user: 'ana', experiment: ids.lab });
    await grant(api.url, { role: 'reader', user: 'bo', experiment: ids.churn });
  });

  it('creates a report whose readers see live runs and charts, and which its readers cannot change', async () => {
    const body = {
      title: 'Weekly review',
      blocks: [
        { kind: 'note', markdown: '# Findings\nTuned **wins**.' },
        { kind: 'runs', runIds: [ids.run, ids.run2] },
        { kind: 'chart', metricKey: 'val_auc', runIds: [ids.run, ids.run2] },
      ],
    };
    const created = await call<{ report: ReportView }>(t.ana, 'POST', reportsPath(), body);
    expect(created.status).toBe(201);
    const report = created.body.report;
    expect(report).toMatchObject({ title: 'Weekly review', experimentId: ids.churn, createdBy: 'ana', blockCount: 3 });

    const opened = await call<{ report: ReportView }>(t.bo, 'GET', `${reportsPath()}/${report.id}`);
    expect(opened.status).toBe(200);
    expect(opened.body.report.blocks).toEqual([
      { kind: 'note', markdown: '# Findings\nTuned **wins**.' },
      {
        kind: 'runs',
        hiddenRuns: 0,
        runs: [
          {
            runId: ids.run,
            experimentId: ids.churn,
            runName: 'baseline',
            status: 'RUNNING',
            metrics: { val_auc: 0.8 },
          },
          { runId: ids.run2, experimentId: ids.churn, runName: 'tuned', status: 'RUNNING', metrics: { val_auc: 0.9 } },
        ],
      },
      {
        kind: 'chart',
        metricKey: 'val_auc',
        hiddenRuns: 0,
        runs: [
          { runId: ids.run, experimentId: ids.churn, runName: 'baseline' },
          { runId: ids.run2, experimentId: ids.churn, runName: 'tuned' },
        ],
      },
    ]);

    // Live data: a value logged after the report was written shows the next time it is opened.
    await mlflow('/runs/log-batch', {
      run_id: ids.run,
      metrics: [{ key: 'val_auc', value: 0.85, timestamp: 2, step: 1 }],
    });
    const again = await call<{ report: ReportView }>(t.bo, 'GET', `${reportsPath()}/${report.id}`);
    expect(again.body.report.blocks[1]).toMatchObject({ runs: [{ metrics: { val_auc: 0.85 } }, {}] });

    const listed = await call<{ reports: ReportSummary[] }>(t.bo, 'GET', reportsPath());
    expect(listed.body.reports.map((r) => r.id)).toEqual([report.id]);

    // bo reads but does not edit; carl reads nothing, not even that the report exists.
    expect((await call(t.bo, 'POST', reportsPath(), body)).status).toBe(403);
    expect((await call(t.bo, 'PUT', `${reportsPath()}/${report.id}`, { ...body, title: 'mine' })).status).toBe(403);
    expect((await call(t.bo, 'DELETE', `${reportsPath()}/${report.id}`)).status).toBe(403);
    expect((await call(t.carl, 'GET', reportsPath())).status).toBe(403);
    expect((await call(t.carl, 'GET', `${reportsPath()}/${report.id}`)).status).toBe(403);
    const unchanged = await call<{ report: ReportView }>(t.ana, 'GET', `${reportsPath()}/${report.id}`);
    expect(unchanged.body.report.title).toBe('Weekly review');
    expect(unchanged.body.report.updatedAt).toBe(report.updatedAt);
  });

  it('refuses bad reports with a 400 and changes nothing', async () => {
    const before = (await call<{ reports: ReportSummary[] }>(t.ana, 'GET', reportsPath())).body.reports;
    const note = { kind: 'note', markdown: 'x' };
    for (const body of [
      { title: '', blocks: [] },
      { title: 'x'.repeat(201), blocks: [] },
      { title: 't', blocks: Array(51).fill(note) },
      { title: 't', blocks: [{ kind: 'note', markdown: ' ' }] },
      { title: 't', blocks: [{ kind: 'image', src: 'x' }] },
      { title: 't', blocks: [{ kind: 'runs', runIds: [] }] },
      { title: 't', blocks: [{ kind: 'runs', runIds: Array.from({ length: 101 }, (_, i) => `r${i}`) }] },
      { title: 't', blocks: [{ kind: 'chart', metricKey: '', runIds: [ids.run] }] },
      { title: 't', blocks: [{ kind: 'runs', runIds: ['no-such-run'] }] },
      // A run ana may not read is answered as one that does not exist.
      { title: 't', blocks: [{ kind: 'runs', runIds: [ids.hiddenFromAna] }] },
      { title: 't', blocks: [note], extra: 1 },
      { title: 5, blocks: [] },
      {},
    ]) {
      const reply = await call<{ error_code: string; message: string }>(t.ana, 'POST', reportsPath(), body);
      expect(reply.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(reply.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(typeof reply.body.message).toBe('string');
    }
    const refused = await call<{ message: string }>(t.ana, 'POST', reportsPath(), {
      title: 't',
      blocks: [{ kind: 'runs', runIds: [ids.hiddenFromAna] }],
    });
    expect(refused.body.message).toBe(`Run '${ids.hiddenFromAna}' does not exist`);
    expect((await call<{ reports: ReportSummary[] }>(t.ana, 'GET', reportsPath())).body.reports).toEqual(before);

    const [report] = before;
    const badUpdate = await call(t.ana, 'PUT', `${reportsPath()}/${report!.id}`, {
      title: 'renamed',
      blocks: [{ kind: 'runs', runIds: ['no-such-run'] }],
    });
    expect(badUpdate.status).toBe(400);
    const still = await call<{ report: ReportView }>(t.ana, 'GET', `${reportsPath()}/${report!.id}`);
    expect(still.body.report.title).toBe(report!.title);
    expect((await call(t.ana, 'GET', `${reportsPath()}/nope`)).status).toBe(404);
    expect((await call(t.ana, 'PUT', `${reportsPath()}/nope`, { title: 't', blocks: [] })).status).toBe(404);
    expect((await call(ADMIN_TOKEN, 'GET', '/api/v1/experiments/999999/reports')).status).toBe(404);
    // A report is reached only through its own experiment.
    expect((await call(ADMIN_TOKEN, 'GET', `/api/v1/experiments/${ids.lab}/reports/${report!.id}`)).status).toBe(404);
  });

  it('never names a run its reader may not see, counting it as hidden instead', async () => {
    const { report } = await ok(
      call<{ report: ReportView }>(t.ana, 'POST', reportsPath(), {
        title: 'Across experiments',
        blocks: [
          { kind: 'runs', runIds: [ids.run, ids.labRun, ids.doomed] },
          { kind: 'chart', metricKey: 'val_auc', runIds: [ids.labRun, ids.run2] },
        ],
      }),
    );
    // ana reads lab: she sees its run.
    expect(report.blocks[0]).toMatchObject({ hiddenRuns: 0, runs: [{ runId: ids.run }, { runId: ids.labRun }, {}] });

    await mlflow('/runs/delete', { run_id: ids.doomed });
    const path = `${reportsPath()}/${report.id}`;
    const reply = await call<{ report: ReportView }>(t.bo, 'GET', path);
    expect(reply.status).toBe(200);
    expect(reply.body.report.blocks).toEqual([
      {
        kind: 'runs',
        hiddenRuns: 2,
        runs: [
          {
            runId: ids.run,
            experimentId: ids.churn,
            runName: 'baseline',
            status: 'RUNNING',
            metrics: { val_auc: 0.85 },
          },
        ],
      },
      {
        kind: 'chart',
        metricKey: 'val_auc',
        hiddenRuns: 1,
        runs: [{ runId: ids.run2, experimentId: ids.churn, runName: 'tuned' }],
      },
    ]);
    const raw = JSON.stringify(reply.body);
    expect(raw).not.toContain(ids.labRun);
    expect(raw).not.toContain('lab-secret-name');
    expect(raw).not.toContain(ids.doomed);

    // The deleted run is hidden from ana too, and counted.
    const ana = await call<{ report: ReportView }>(t.ana, 'GET', path);
    expect(ana.body.report.blocks[0]).toMatchObject({ hiddenRuns: 1 });
  });

  it('lets an editor reorder and delete, and audits every write', async () => {
    const { report } = await ok(
      call<{ report: ReportView }>(t.ana, 'POST', reportsPath(), {
        title: 'Draft',
        blocks: [
          { kind: 'note', markdown: 'first' },
          { kind: 'note', markdown: 'second' },
        ],
      }),
    );
    const path = `${reportsPath()}/${report.id}`;
    const reordered = await call<{ report: ReportView }>(t.ana, 'PUT', path, {
      title: 'Final',
      blocks: [
        { kind: 'note', markdown: 'second' },
        { kind: 'note', markdown: 'first' },
      ],
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.report.title).toBe('Final');
    expect(reordered.body.report.blocks.map((b) => (b.kind === 'note' ? b.markdown : ''))).toEqual(['second', 'first']);

    expect((await call(t.ana, 'DELETE', path)).status).toBe(200);
    expect((await call(t.ana, 'GET', path)).status).toBe(404);
    expect((await call(t.ana, 'DELETE', path)).status).toBe(404);

    const audit = await call<{ events: { action: string; entityId: string }[] }>(
      ADMIN_TOKEN,
      'GET',
      '/api/v1/audit/events?entityKind=report',
    );
    const actions = audit.body.events.filter((e) => e.entityId === report.id).map((e) => e.action);
    expect(actions.sort()).toEqual(['report.create', 'report.delete', 'report.update']);
  });

  it('leaves a log that verifies, and shows a report edited behind the server', async () => {
    const verify = async () => {
      const result = await auditVerify({ backendStoreUri: api.backendUri, json: true });
      return { code: result.code, report: JSON.parse(result.stdout) as VerificationReport };
    };
    const clean = await verify();
    expect(clean.report.problems).toEqual([]);
    expect(clean.code).toBe(0);

    const db = api.server.store.db;
    const row = await db.selectFrom('reports').selectAll().orderBy('report_id').executeTakeFirstOrThrow();
    const slipped = JSON.stringify([...JSON.parse(row.blocks), { kind: 'runs', runIds: [ids.hiddenFromAna] }]);
    await db.updateTable('reports').set({ blocks: slipped }).where('report_id', '=', row.report_id).execute();
    try {
      const tampered = await verify();
      expect(tampered.code).toBe(1);
      expect(tampered.report.problems.map((p) => p.message).join('\n')).toContain(`report '${row.title}'`);
    } finally {
      await db.updateTable('reports').set({ blocks: row.blocks }).where('report_id', '=', row.report_id).execute();
    }
    expect((await verify()).report.problems).toEqual([]);
  });
});
