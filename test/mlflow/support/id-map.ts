type Json = unknown;

const RUN_ID = /[0-9a-f]{32}/g;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const EXPERIMENT_ID_KEYS = new Set(['experiment_id']);
// LoggedModel ids are `m-` and 32 hex characters: their hex part is mapped like a run id.
const LEARNED_KEYS = new Set(['experiment_id', 'run_id', 'run_uuid', 'model_id', 'webhook_id']);

/**
 * Ids a recorded MLflow server handed out, mapped to the ones Mnemo hands out at the same step, so later requests of
 * the recording can be replayed against Mnemo and its answers compared with the recorded ones.
 */
export class IdMap {
  private readonly experiments = new Map<string, string>();
  private readonly runs = new Map<string, string>();
  private readonly uuids = new Map<string, string>();

  /** Walks a recorded and an actual answer side by side and learns every id pair found under the same key. */
  learn(recorded: Json, actual: Json, key?: string): void {
    if (typeof recorded === 'string' && typeof actual === 'string' && key && LEARNED_KEYS.has(key)) {
      const target = key === 'experiment_id' ? this.experiments : key === 'webhook_id' ? this.uuids : this.runs;
      const [from, to] = key === 'model_id' ? [recorded.slice(2), actual.slice(2)] : [recorded, actual];
      if (!target.has(from)) target.set(from, to);
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      for (const [i, item] of recorded.entries()) this.learn(item, actual[i], key);
    } else if (isObject(recorded) && isObject(actual)) {
      for (const [k, v] of Object.entries(recorded)) this.learn(v, actual[k], k);
    }
  }

  /** Rewrites recorded ids in any JSON value (request bodies, queries, recorded answers) to Mnemo's ids. */
  apply(value: Json, key?: string): Json {
    if (typeof value === 'string') return this.applyToString(value, key);
    if (Array.isArray(value))
      return value.map((item) => this.apply(item, key === 'experiment_ids' ? 'experiment_id' : key));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.apply(v, k)]));
    return value;
  }

  applyToString(value: string, key?: string): string {
    if (key && EXPERIMENT_ID_KEYS.has(key)) return this.experiments.get(value) ?? value;
    let result = value.replace(UUID, (id) => this.uuids.get(id) ?? id).replace(RUN_ID, (id) => this.runs.get(id) ?? id);
    // Inside a string an experiment id is a path segment: the artifact URI's first, or the first of a path below
    // the artifact root (`<experiment>/<run>/…`, alone or after the proxy's `/artifacts/` prefix).
    for (const [recorded, actual] of this.experiments) {
      result = result
        .replace(new RegExp(`mlflow-artifacts:/${recorded}(?=/|$)`, 'g'), `mlflow-artifacts:/${actual}`)
        .replace(new RegExp(`(^|/artifacts/)${recorded}(?=/)`, 'g'), (_match, before: string) => `${before}${actual}`);
    }
    return result;
  }
}

export function isObject(value: Json): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
