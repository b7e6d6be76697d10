import type { RunDiff } from '../../domain/tracking/run-diff.js';
import { toWireNumber } from '../../sdk/wire/non-finite.js';
import type { WireRunDiff } from '../../sdk/wire/run-diff-shapes.js';
import type { Services } from '../../services/services.js';
import { runAt } from '../access/locators.js';
import { access, allOf, needs } from '../access/route-access.js';
import type { TypedApp } from '../typed-app.js';
import { RunDiffJson, RunDiffQuery } from './run-diff-schemas.js';

/** The comparison `mnemo diff` prints and the UI shows: reading it needs read access to both runs. */
export async function runDiffRoutes(app: TypedApp, { services }: { services: Services }) {
  app.get(
    '/runs/diff',
    {
      config: access(allOf(needs('read', runAt('query', 'a')), needs('read', runAt('query', 'b')))),
      schema: {
        tags: ['runs'],
        summary:
          'What differs between two runs: params, metrics (final and best), tags, code, environment packages and data',
        querystring: RunDiffQuery,
        response: { 200: RunDiffJson },
      },
    },
    async (request) => presentRunDiff(await services.runDiff.diff(request.query.a, request.query.b)),
  );
}

function presentRunDiff(diff: RunDiff): WireRunDiff {
  const wire = (value: number | null) => (value === null ? null : toWireNumber(value));
  return {
    ...diff,
    metrics: diff.metrics.map((m) => ({
      ...m,
      final: { a: wire(m.final.a), b: wire(m.final.b), delta: m.final.delta },
      best: { a: wire(m.best.a), b: wire(m.best.b), delta: m.best.delta },
    })),
  };
}
