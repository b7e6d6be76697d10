import type { NeutralType } from './dump-format.js';

/** A value as a database driver hands it over: drivers read integers as bigint where they can to keep them exact. */
export type DriverValue = string | number | bigint | boolean | Buffer | Uint8Array | null;

/** What a value becomes in a dump line (see dump-format.ts). */
export type DumpValue = string | number | null;

export function encodeValue(type: NeutralType, value: DriverValue): DumpValue {
  if (value === null) return null;
  switch (type) {
    case 'integer':
      return encodeInteger(value);
    case 'real':
      return encodeReal(Number(value));
    case 'boolean':
      return value === true || value === 1 || value === 1n || value === '1' || value === 't' ? 1 : 0;
    case 'blob':
      return Buffer.from(value as Uint8Array).toString('base64');
    case 'text':
      return typeof value === 'string' ? value : String(value);
  }
}

function encodeInteger(value: DriverValue): DumpValue {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'string') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  // A real number in an integer column (SQLite allows it): kept as it is rather than rounded.
  return encodeReal(Number(value));
}

function encodeReal(value: number): DumpValue {
  return Number.isFinite(value) ? value : String(value);
}

/** A dump value as the target's driver takes it, for a column of the target's type. */
export function decodeValue(type: NeutralType, value: DumpValue, target: 'sqlite' | 'postgres'): DriverValue {
  if (value === null) return null;
  switch (type) {
    case 'integer':
      if (typeof value === 'string' && /^-?[0-9]+$/.test(value)) return target === 'sqlite' ? BigInt(value) : value;
      return typeof value === 'string' ? Number(value) : value;
    case 'real':
      return typeof value === 'string' ? Number(value) : value;
    case 'boolean':
      return target === 'postgres' ? Boolean(value) : value ? 1 : 0;
    case 'blob':
      return Buffer.from(String(value), 'base64');
    case 'text':
      return String(value);
  }
}
