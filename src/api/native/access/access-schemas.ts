import { Type } from '@sinclair/typebox';

const Name = Type.String({ minLength: 1, maxLength: 64 });

export const UserJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('user'), Type.Literal('service')]),
  email: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  isAdmin: Type.Boolean(),
  active: Type.Boolean(),
  hasPassword: Type.Boolean(),
  sso: Type.Boolean(),
  teams: Type.Array(Type.String()),
  createdTime: Type.Integer(),
  lastLoginTime: Type.Union([Type.Integer(), Type.Null()]),
});

export const CreateUserBody = Type.Object(
  {
    name: Name,
    kind: Type.Optional(Type.Union([Type.Literal('user'), Type.Literal('service')])),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    admin: Type.Optional(Type.Boolean()),
    teams: Type.Optional(Type.Array(Name, { maxItems: 100 })),
  },
  { additionalProperties: false },
);

export const TeamJson = Type.Object({
  id: Type.String(),
  name: Type.String(),
  members: Type.Array(Type.Object({ name: Type.String(), maintainer: Type.Boolean() })),
  createdTime: Type.Integer(),
});

export const TokenScopeJson = Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('admin')]);

export const TokenJson = Type.Object({
  id: Type.String(),
  user: Type.String(),
  name: Type.String(),
  scope: Type.Union([TokenScopeJson, Type.Null()]),
  createdTime: Type.Integer(),
  expiresTime: Type.Union([Type.Integer(), Type.Null()]),
  lastUsedTime: Type.Union([Type.Integer(), Type.Null()]),
  revokedTime: Type.Union([Type.Integer(), Type.Null()]),
});

export const CreateTokenBody = Type.Object(
  {
    user: Type.Optional(Name),
    name: Type.Optional(Name),
    /** `30d`, `12h`, `90m`, `2w`. */
    expiresIn: Type.Optional(Type.String({ maxLength: 16 })),
    scope: Type.Optional(TokenScopeJson),
  },
  { additionalProperties: false },
);

export const RoleJson = Type.Union([Type.Literal('reader'), Type.Literal('editor'), Type.Literal('manager')]);

export const BindingBody = Type.Object(
  {
    role: Type.Optional(RoleJson),
    user: Type.Optional(Name),
    team: Type.Optional(Name),
    experiment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    /** `<namespace>:<name>` */
    dataset: Type.Optional(Type.String({ minLength: 3, maxLength: 2001 })),
    global: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const BindingJson = Type.Object({
  role: RoleJson,
  subject: Type.Object({ kind: Type.Union([Type.Literal('user'), Type.Literal('team')]), name: Type.String() }),
  resource: Type.Object({
    kind: Type.Union([
      Type.Literal('experiment'),
      Type.Literal('model'),
      Type.Literal('dataset'),
      Type.Literal('global'),
    ]),
    id: Type.String(),
  }),
  createdTime: Type.Integer(),
});

export const RestrictionBody = Type.Object(
  {
    experiment: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    dataset: Type.Optional(Type.String({ minLength: 3, maxLength: 2001 })),
    restricted: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const RestrictionJson = Type.Object({
  kind: Type.Union([Type.Literal('experiment'), Type.Literal('model'), Type.Literal('dataset')]),
  id: Type.String(),
});

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

export const SessionJson = Type.Object({
  authEnabled: Type.Boolean(),
  ssoEnabled: Type.Boolean(),
  user: Type.Union([
    Type.Object({
      name: Type.String(),
      kind: Type.String(),
      isAdmin: Type.Boolean(),
      displayName: Type.Union([Type.String(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  csrfToken: Type.Union([Type.String(), Type.Null()]),
});

export const EffectiveRoleJson = Type.Object({
  /** The strongest role the caller may exercise on the resource; null when it may not read it. */
  role: Type.Union([RoleJson, Type.Null()]),
});
