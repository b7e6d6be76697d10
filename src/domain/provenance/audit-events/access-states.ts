import type {
  BindingResourceKind,
  BindingSubjectKind,
  PrincipalKind,
  RestrictableKind,
  RoleName,
  TokenScope,
} from '../../access/access-types.js';

/**
 * What the audit log records of access control. Secrets appear only as digests (enough to show a swapped password
 * or token hash); times that change with every use (last sign-in, last use) are left out.
 */
export interface PrincipalState {
  principalId: string;
  kind: PrincipalKind;
  name: string;
  email: string | null;
  displayName: string | null;
  isAdmin: boolean;
  active: boolean;
  passwordDigest: string | null;
  oidcSubject: string | null;
  createdTime: number;
}

export interface TeamState {
  teamId: string;
  name: string;
  createdTime: number;
}

export interface TeamMemberState {
  teamId: string;
  principalId: string;
  isMaintainer: boolean;
}

export interface TokenState {
  tokenId: string;
  principalId: string;
  name: string;
  scope: TokenScope | null;
  hashDigest: string | null;
  createdTime: number;
  expiresTime: number | null;
  revokedTime: number | null;
}

export interface RoleBindingState {
  subjectKind: BindingSubjectKind;
  subjectId: string;
  resourceKind: BindingResourceKind;
  resourceId: string;
  role: RoleName;
  createdTime: number;
}

export interface RestrictionState {
  resourceKind: RestrictableKind;
  resourceId: string;
}

/** One refused request: who (or which token), what it was after, why, from where. No credential is recorded. */
export interface DeniedAttemptState {
  principal?: string;
  tokenId?: string;
  method: string;
  route: string;
  resource?: string;
  reason: string;
  status: 401 | 403;
  sourceAddress: string;
  time: number;
}
