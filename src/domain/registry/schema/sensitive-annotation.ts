import { invalid } from '../../errors.js';
import { MODEL_DOCUMENT_FIELDS, VERSION_DOCUMENT_FIELDS } from '../metadata-document.js';
import type { EntityKind } from '../naming-rule.js';
import type { JsonSchema } from './json-schema.js';

/**
 * `"x-sensitive": true` on a property of a metadata schema: the field's value is stored encrypted, whatever the
 * sensitive key patterns say. It marks what can be encrypted on its own:
 * - `model` and `model_version` subjects: a custom metadata field (`properties.<field>`) or a tag
 *   (`properties.tags.properties.<key>`);
 * - `run` subjects: a param (`properties.params.properties.<key>`) or a tag (`properties.tags.properties.<key>`).
 * Anywhere else (a nested field, a first-class field such as `description`, a `dataset` or `experiment` subject,
 * whose documents hold no free-form values) it is refused when the schema is registered rather than ignored: an
 * annotation that protects nothing must not look as if it did.
 */
export const SENSITIVE_KEYWORD = 'x-sensitive';

export interface SensitiveFields {
  /** Custom metadata fields (registry subjects). */
  metadata: string[];
  tags: string[];
  /** Run params (run subjects). */
  params: string[];
}

export const NO_SENSITIVE_FIELDS: SensitiveFields = { metadata: [], tags: [], params: [] };

/** Where an annotation may stand in a schema of each kind, as paths of `properties` steps. */
const ALLOWED: Partial<Record<EntityKind, { fields: boolean; maps: ('tags' | 'params')[] }>> = {
  model: { fields: true, maps: ['tags'] },
  model_version: { fields: true, maps: ['tags'] },
  run: { fields: false, maps: ['params', 'tags'] },
};

type SchemaObject = { [keyword: string]: unknown };

const isObject = (value: unknown): value is SchemaObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields a schema marks sensitive (see SENSITIVE_KEYWORD); the schema is assumed checked. */
export function sensitiveFieldsOf(schema: JsonSchema): SensitiveFields {
  if (!isObject(schema) || !isObject(schema.properties)) return NO_SENSITIVE_FIELDS;
  const marked = (properties: unknown): string[] =>
    isObject(properties)
      ? Object.entries(properties)
          .filter(([, sub]) => isObject(sub) && sub[SENSITIVE_KEYWORD] === true)
          .map(([name]) => name)
      : [];
  const properties = schema.properties;
  const inMap = (name: string) => {
    const map = properties[name];
    return isObject(map) ? marked(map.properties) : [];
  };
  const fields = marked(properties).filter((name) => name !== 'tags' && name !== 'params');
  if (fields.length === 0 && inMap('tags').length === 0 && inMap('params').length === 0) return NO_SENSITIVE_FIELDS;
  return { metadata: fields, tags: inMap('tags'), params: inMap('params') };
}

/** First-class fields: stored in columns of their own, they cannot be marked. */
const RESERVED: Partial<Record<EntityKind, readonly string[]>> = {
  model: MODEL_DOCUMENT_FIELDS,
  model_version: VERSION_DOCUMENT_FIELDS,
};

/** Refuses an annotation where it would protect nothing (see SENSITIVE_KEYWORD). */
export function checkSensitiveAnnotations(schema: JsonSchema, kind: EntityKind): void {
  const allowed = ALLOWED[kind];
  const reserved = RESERVED[kind] ?? [];
  const misplaced = (path: string[], reason: string) =>
    invalid(
      `'${SENSITIVE_KEYWORD}' at /${path.join('/')} ${reason}; it marks ` +
        (allowed
          ? allowed.fields
            ? 'a custom metadata field (properties/<field>) or a tag (properties/tags/properties/<key>)'
            : 'a param (properties/params/properties/<key>) or a tag (properties/tags/properties/<key>)'
          : `nothing in a '${kind}' schema, whose records hold no free-form values`),
    );
  const walk = (node: unknown, path: string[]): void => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) walk(item, [...path, String(i)]);
      return;
    }
    if (!isObject(node)) return;
    for (const [keyword, value] of Object.entries(node)) {
      if (keyword === SENSITIVE_KEYWORD) {
        if (typeof value !== 'boolean') throw misplaced([...path, keyword], 'must be true or false');
        if (value) checkPlace(path);
        continue;
      }
      walk(value, [...path, keyword]);
    }
  };
  const checkPlace = (path: string[]): void => {
    const where = [...path, SENSITIVE_KEYWORD];
    if (!allowed) throw misplaced(where, 'is not allowed');
    const [p0, field, p2, p3] = path;
    if (path.length === 2 && p0 === 'properties') {
      if (!allowed.fields || field === 'tags' || field === 'params') throw misplaced(where, 'is not allowed');
      if (reserved.includes(field!)) throw misplaced(where, `names the first-class field '${field}'`);
      return;
    }
    const inMap = allowed.maps.some((map) => map === field);
    if (path.length === 4 && p0 === 'properties' && inMap && p2 === 'properties' && p3 !== undefined) return;
    throw misplaced(where, 'is not allowed');
  };
  walk(schema, []);
}
