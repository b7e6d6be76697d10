import type { RoleName } from '../../domain/access/access-types.js';
import type { Store } from '../../store/store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { AccessFactsCache } from './access-facts-cache.js';
import { AccessLog } from './access-log.js';
import { AccessPolicy } from './access-policy.js';
import { Authenticator } from './authenticator.js';
import { DenialRecorder } from './denial-recorder.js';
import { PermissionService } from './permission-service.js';
import { SessionService } from './session-service.js';
import type { SsoConfig } from './sso/sso-config.js';
import { SsoService } from './sso/sso-service.js';
import { SsoUsers } from './sso/sso-users.js';
import { TokenService } from './token-service.js';
import { UserService } from './user-service.js';

export interface AccessServices {
  /** Remembers what access checks read, once told to follow a change feed (servers with authentication do). */
  facts: AccessFactsCache;
  accessLog: AccessLog;
  authenticator: Authenticator;
  policy: AccessPolicy;
  denials: DenialRecorder;
  users: UserService;
  tokens: TokenService;
  permissions: PermissionService;
  sessions: SessionService;
  /** Present when an OpenID Connect provider is configured. */
  sso?: SsoService;
}

export function createAccessServices(deps: {
  store: Store;
  unitOfWork: UnitOfWork;
  now: () => number;
  defaultRole?: RoleName | null;
  sso?: SsoConfig;
}): AccessServices {
  const { store, unitOfWork, now } = deps;
  const facts = new AccessFactsCache();
  const authenticator = new Authenticator(store, now);
  return {
    facts,
    accessLog: new AccessLog(store, now),
    authenticator,
    policy: new AccessPolicy(store, deps.defaultRole === undefined ? 'reader' : deps.defaultRole, facts),
    denials: new DenialRecorder(unitOfWork),
    users: new UserService(store, unitOfWork, now),
    tokens: new TokenService(store, unitOfWork, now),
    permissions: new PermissionService(store, unitOfWork, now),
    sessions: new SessionService(store, now),
    sso: deps.sso && new SsoService(deps.sso, new SsoUsers(store, unitOfWork, authenticator, now), now),
  };
}
