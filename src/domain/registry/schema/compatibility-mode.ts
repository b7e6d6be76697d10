import { invalid } from '../../errors.js';

/** Confluent Schema Registry's compatibility modes, with the same meaning. */
export const COMPATIBILITY_MODES = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;
export type CompatibilityMode = (typeof COMPATIBILITY_MODES)[number];

/** A new subject starts in BACKWARD mode, as in Confluent: new readers must read everything already written. */
export const DEFAULT_COMPATIBILITY: CompatibilityMode = 'BACKWARD';

export function parseCompatibilityMode(raw: string): CompatibilityMode {
  const mode = COMPATIBILITY_MODES.find((m) => m === raw.toUpperCase());
  if (mode === undefined) {
    throw invalid(`Unknown compatibility mode '${raw}'; allowed: ${COMPATIBILITY_MODES.join(', ')}`);
  }
  return mode;
}

export interface ModeRule {
  /** The new schema must accept every document the old ones accept. */
  backward: boolean;
  /** The old schemas must accept every document the new one accepts. */
  forward: boolean;
  /** Checked against every earlier version rather than only the latest. */
  transitive: boolean;
}

export function ruleOf(mode: CompatibilityMode): ModeRule {
  return {
    backward: mode.startsWith('BACKWARD') || mode.startsWith('FULL'),
    forward: mode.startsWith('FORWARD') || mode.startsWith('FULL'),
    transitive: mode.endsWith('_TRANSITIVE'),
  };
}
