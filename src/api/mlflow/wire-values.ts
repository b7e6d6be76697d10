import { Type } from '@sinclair/typebox';
import { invalid } from '../../domain/errors.js';

/**
 * Protobuf's JSON mapping lets int64 fields travel as numbers or as decimal strings (the Java client sends strings,
 * the Python client numbers); both are accepted and read with `toInteger`.
 */
export const Int64 = Type.Union([Type.Integer(), Type.String({ pattern: '^-?[0-9]{1,16}$' })]);

/** A non-negative integer in a query string, where everything is a string. */
export const QueryInteger = Type.String({ pattern: '^[0-9]{1,9}$' });

export function toInteger(value: number | string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) throw invalid(`${field} must be an integer; got ${JSON.stringify(value)}`);
  return n;
}

export const ViewTypeJson = Type.Union([
  Type.Literal('ACTIVE_ONLY'),
  Type.Literal('DELETED_ONLY'),
  Type.Literal('ALL'),
]);

/**
 * MLflow 2.9 stores infinities as the largest finite doubles and reports NaN as the string "NaN"; clients compare
 * against those exact values, so they are reproduced here rather than Mnemo's native "Infinity" strings.
 */
export function metricValueForMlflow(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  if (value === Number.NEGATIVE_INFINITY) return -Number.MAX_VALUE;
  return value;
}

/** Query-string fields that may repeat (`order_by=a&order_by=b`) arrive as a string or an array of strings. */
export const RepeatableQuery = Type.Union([
  Type.String({ maxLength: 1000 }),
  Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 1000 }),
]);

export function asList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}
