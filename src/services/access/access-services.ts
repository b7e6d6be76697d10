import type { RoleName } from '../../domain/access/access-types.js';
import type { Store } from '../../store/store.js';
import type { UnitOfWork } from '../unit-of-work.js';
import { AccessPolicy } from './access-policy.js';
import { Authenticator } from './authenticator.js';
import { DenialRecorder } from './denial-recorder.js';
import { PermissionService } from './permission-service.js';
import { SessionService } from './session-service.js';
import { TokenService } from './token-service.js';
import { UserService } from './user-service.js';

export interface AccessServices {
  authenticator: Authenticator;
  policy: AccessPolicy;
  denials: DenialRecorder;
  users: UserService;
  tokens: TokenService;
  permissions: PermissionService;
  sessions: SessionService;
}

export function createAccessServices(deps: {
  store: Store;
  unitOfWork: UnitOfWork;
  now: () => number;
  defaultRole?: RoleName | null;
}): AccessServices {
  const { store, unitOfWork, now } = deps;
  return {
    authenticator: new Authenticator(store, now),
    policy: new AccessPolicy(store, deps.defaultRole === undefined ? 'reader' : deps.defaultRole),
    denials: new DenialRecorder(store, unitOfWork),
    users: new UserService(store, unitOfWork, now),
    tokens: new TokenService(store, unitOfWork, now),
    permissions: new PermissionService(store, unitOfWork, now),
    sessions: new SessionService(store, now),
  };
}
