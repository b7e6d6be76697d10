import { invalid } from '../errors.js';

/**
 * One of SearchLoggedModels' `order_by` objects: an attribute, or `metrics.<key>` optionally of one dataset.
 * MLflow sends objects rather than the `key DESC` strings other searches take.
 */
export type LoggedModelOrder =
  | { kind: 'attribute'; column: LoggedModelOrderColumn; ascending: boolean }
  | { kind: 'metric'; key: string; ascending: boolean; datasetName?: string; datasetDigest?: string };

export type LoggedModelOrderColumn = 'name' | 'model_id' | 'creation_time' | 'last_updated_time' | 'status';

const ATTRIBUTES = new Map<string, LoggedModelOrderColumn>([
  ['name', 'name'],
  ['model_id', 'model_id'],
  ['status', 'status'],
  ['creation_time', 'creation_time'],
  ['creation_timestamp', 'creation_time'],
  ['last_updated_time', 'last_updated_time'],
  ['last_updated_timestamp', 'last_updated_time'],
]);

export interface LoggedModelOrderInput {
  field_name: string;
  ascending?: boolean | undefined;
  dataset_name?: string | undefined;
  dataset_digest?: string | undefined;
}

/** Checks and normalises the order_by objects; ascending unless told otherwise, as MLflow does. */
export function parseLoggedModelOrder(inputs: readonly LoggedModelOrderInput[] | undefined): LoggedModelOrder[] {
  return (inputs ?? []).map((input) => {
    const ascending = input.ascending ?? true;
    const field = input.field_name.replace(/^attributes\./, '');
    const metric = /^metrics\.(.+)$/.exec(field);
    if (metric) {
      const key = metric[1]!.replace(/^`(.*)`$/, '$1');
      const order: LoggedModelOrder = { kind: 'metric', key, ascending };
      if (input.dataset_name) order.datasetName = input.dataset_name;
      if (input.dataset_digest) {
        if (!input.dataset_name) throw invalid('order_by dataset_digest needs a dataset_name');
        order.datasetDigest = input.dataset_digest;
      }
      return order;
    }
    if (input.dataset_name || input.dataset_digest) {
      throw invalid(`order_by '${input.field_name}': a dataset can only be given for a metric`);
    }
    const column = ATTRIBUTES.get(field);
    if (!column) {
      throw invalid(
        `order_by field '${input.field_name}' is not supported; use metrics.<key> or one of ${[...ATTRIBUTES.keys()].join(', ')}`,
      );
    }
    return { kind: 'attribute', column, ascending };
  });
}

/** The datasets a search's metric comparisons are restricted to: a name, and optionally its digest. */
export interface DatasetRestriction {
  name: string;
  digest?: string | undefined;
}

export function parseDatasetRestrictions(
  inputs: readonly { dataset_name?: string | undefined; dataset_digest?: string | undefined }[] | undefined,
): DatasetRestriction[] {
  return (inputs ?? []).map((input, i) => {
    if (!input.dataset_name) throw invalid(`datasets[${i}].dataset_name is required`);
    return input.dataset_digest
      ? { name: input.dataset_name, digest: input.dataset_digest }
      : { name: input.dataset_name };
  });
}
