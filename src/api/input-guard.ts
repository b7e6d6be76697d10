import type { FastifyInstance } from 'fastify';
import { invalid } from '../domain/errors.js';
import { findUnstorable } from '../domain/wire/storable-value.js';

/**
 * One check at the edge, before any route's schema or handler: every path parameter, query value and JSON body
 * field must be text both databases store exactly as it was hashed, and JSON must not nest beyond the cap. A request
 * that fails is refused whole with a 400 naming the field, before it can change anything.
 */
export function installInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const problem =
      findUnstorable(request.params, 'path') ??
      findUnstorable(request.query, 'query') ??
      findUnstorable(request.body, 'body');
    if (problem) throw invalid(`Invalid value for ${problem.path}: ${problem.reason}`);
  });
}
