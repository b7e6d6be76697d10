import type { FastifyRequest } from 'fastify';
import { MnemoError } from '../../../domain/errors.js';

/**
 * Overriding failed policies is break-glass: administrators only, whatever role the caller holds on the model. On a
 * server without authentication every caller is the open-access administrator.
 */
export function requireAdministrator(request: FastifyRequest): void {
  const principal = request.principal;
  if (!principal?.isAdmin) {
    throw new MnemoError('PERMISSION_DENIED', 'Permission denied: only administrators may override failed policies');
  }
}
