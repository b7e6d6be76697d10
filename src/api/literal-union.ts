import { type SchemaOptions, type TLiteral, type TUnion, Type } from '@sinclair/typebox';

type Literals<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K]> };

/**
 * A schema for one of a fixed list of strings. Mapping the list through `Type.Literal` by hand widens the handler's
 * type to `string`; this keeps it the union of the listed values.
 */
export function literalUnion<const T extends readonly string[]>(
  values: T,
  options?: SchemaOptions,
): TUnion<Literals<T>> {
  return Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  ) as TUnion<Literals<T>>;
}
