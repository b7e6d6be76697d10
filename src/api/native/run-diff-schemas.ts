import { Type } from '@sinclair/typebox';
import { MetricValue } from './schemas.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const NullableValue = Type.Union([MetricValue, Type.Null()]);

const ValueChangeJson = Type.Object({ key: Type.String(), a: Nullable(Type.String()), b: Nullable(Type.String()) });
const MetricPairJson = Type.Object({
  a: NullableValue,
  b: NullableValue,
  delta: Type.Union([Type.Number(), Type.Null()]),
});
const PackageJson = Type.Object({ name: Type.String(), version: Type.String() });

export const RunDiffQuery = Type.Object(
  {
    a: Type.String({ minLength: 1, maxLength: 64, description: 'the run compared from' }),
    b: Type.String({ minLength: 1, maxLength: 64, description: 'the run compared to' }),
  },
  { additionalProperties: false },
);

export const RunDiffJson = Type.Object({
  a: Type.String(),
  b: Type.String(),
  params: Type.Array(ValueChangeJson),
  metrics: Type.Array(
    Type.Object({
      key: Type.String(),
      direction: Type.Union([Type.Literal('min'), Type.Literal('max')]),
      final: MetricPairJson,
      best: MetricPairJson,
    }),
  ),
  tags: Type.Array(ValueChangeJson),
  code: Type.Array(Type.Object({ field: Type.String(), a: Nullable(Type.String()), b: Nullable(Type.String()) })),
  environment: Type.Union([
    Type.Object({
      a: Nullable(Type.String()),
      b: Nullable(Type.String()),
      packages: Type.Object({
        added: Type.Array(PackageJson),
        removed: Type.Array(PackageJson),
        changed: Type.Array(Type.Object({ name: Type.String(), a: Type.String(), b: Type.String() })),
      }),
    }),
    Type.Null(),
  ]),
  data: Type.Array(ValueChangeJson),
  identical: Type.Boolean(),
});
