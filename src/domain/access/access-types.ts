/** The vocabulary of access control, shared by the store's table shapes and the rules. */

export type PrincipalKind = 'user' | 'service';
export type RoleName = 'reader' | 'editor' | 'manager';
export type TokenScope = 'read' | 'write' | 'admin';
export type BindingSubjectKind = 'user' | 'team';
export type BindingResourceKind = 'experiment' | 'model' | 'dataset' | 'global';
export type RestrictableKind = 'experiment' | 'model' | 'dataset';

export const TOKEN_SCOPES: readonly TokenScope[] = ['read', 'write', 'admin'];
