import { MnemoError } from '../../domain/errors.js';
import { findPrincipalByName } from '../../store/repositories/access/principal-repository.js';
import type { Store } from '../../store/store.js';
import { generateToken } from './credentials.js';
import type { TokenService } from './token-service.js';
import type { UserService } from './user-service.js';

export const BUILT_IN_ADMIN = 'admin';
const ADMIN_TOKEN_NAME = 'admin-token';

/**
 * Makes sure a server with authentication can be administered: the built-in `admin` exists, and holds the
 * configured admin token (MNEMO_ADMIN_TOKEN), or, on the very first start without one, a generated token that is
 * returned to be shown once. Later starts without a configured token change nothing.
 */
export async function bootstrapAdmin(
  store: Store,
  users: UserService,
  tokens: TokenService,
  configuredToken: string | undefined,
): Promise<{ generatedToken?: string }> {
  let admin = await findPrincipalByName(store.db, BUILT_IN_ADMIN);
  const firstStart = !admin;
  if (!admin) {
    try {
      await users.create({ name: BUILT_IN_ADMIN, admin: true, displayName: 'Administrator' });
    } catch (error) {
      // Another replica starting at the same moment created it first.
      if (!(error instanceof MnemoError && error.code === 'RESOURCE_ALREADY_EXISTS')) throw error;
    }
    admin = await findPrincipalByName(store.db, BUILT_IN_ADMIN);
  }
  if (!admin) throw new Error('the built-in admin could not be created');
  if (configuredToken !== undefined) {
    await tokens.install(admin.principal_id, ADMIN_TOKEN_NAME, configuredToken);
    return {};
  }
  if (!firstStart) return {};
  const generatedToken = generateToken();
  await tokens.install(admin.principal_id, ADMIN_TOKEN_NAME, generatedToken);
  return { generatedToken };
}
