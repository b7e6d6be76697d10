import fc from 'fast-check';

/**
 * Filter strings in MLflow's search language, from a small grammar: comparisons of metrics, params, tags,
 * attributes and datasets joined by AND (and OR, which MLflow refuses), quoted every way, with LIKE patterns and IN
 * lists; and broken ones: unbalanced quotes and parentheses, unknown comparators and entities, stray backticks,
 * non-finite numbers, NUL and lone surrogates, and very long input.
 */

const ENTITIES = ['metrics', 'params', 'tags', 'attributes', 'attribute', 'run', 'dataset', 'datasets', 'metric', 'x'];
const ATTRIBUTES = [
  'status',
  'run_name',
  'runName',
  'user_id',
  'run_id',
  'start_time',
  'end_time',
  'created',
  'complete',
  'name',
  'creation_time',
  'last_update_time',
  'model_id',
  'version_number',
  'source_run_id',
  'digest',
  'context',
  'artifact_uri',
  'lifecycle_stage',
];
const COMPARATORS = [
  '=',
  '!=',
  '<>',
  '>',
  '>=',
  '<',
  '<=',
  'LIKE',
  'ILIKE',
  'like',
  'IN',
  'NOT IN',
  'IS NULL',
  'IS NOT NULL',
];
const BAD_COMPARATORS = ['==', '=<', '=>', '~', 'REGEXP', 'CONTAINS', '! =', 'NOT', 'IS', 'BETWEEN', '<=>', '&&'];

const plainKey = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.]{0,15}$/);
const oddKey = fc.constantFrom('a b', 'a-b', "it's", 'a"b', 'a`b', '', '😀', 'x'.repeat(500), 'mlflow.runName', '%');

function quoted(text: string, quote: string): string {
  return `${quote}${text.replaceAll(quote, quote + quote)}${quote}`;
}

const key: fc.Arbitrary<string> = fc.oneof(
  plainKey,
  fc.tuple(fc.oneof(plainKey, oddKey), fc.constantFrom('`', '"', "'")).map(([text, quote]) => quoted(text, quote)),
);

const identifier: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.constantFrom(...ENTITIES), key).map(([entity, name]) => `${entity}.${name}`),
  fc.constantFrom(...ATTRIBUTES),
  fc.tuple(fc.constantFrom(...ENTITIES), fc.constantFrom(...ATTRIBUTES)).map(([entity, name]) => `${entity}.${name}`),
);

const likePattern = fc
  .array(fc.constantFrom('%', '_', 'a', '\\%', '\\_', '\\', '[a-z]', '^', '$', '.*', "''", 'é'), { maxLength: 6 })
  .map((parts) => parts.join(''));

const number = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom(
    '1e999',
    '-1e999',
    'NaN',
    'nan',
    'Infinity',
    '-Infinity',
    'inf',
    '9223372036854775808',
    '-0',
    '1e-400',
  ),
  fc.constantFrom('1.2.3', '12abc', '--1', '0x1f', '.', '-', '1e', '1e+'),
);

const stringValue = fc.oneof(
  fc
    .tuple(fc.oneof(fc.string({ maxLength: 10 }), likePattern), fc.constantFrom("'", '"'))
    .map(([t, q]) => quoted(t, q)),
  fc.constantFrom("'\u0000'", "'\uD800'", "'a\\'", "'it\\'s'", '"true"', "'FINISHED'", "'RUNNING'", '`x`'),
);

const value = fc.oneof(
  number,
  stringValue,
  fc.constantFrom('true', 'false', 'TRUE', 'null', 'NULL'),
  fc.array(fc.oneof(stringValue, number), { maxLength: 4 }).map((items) => `(${items.join(', ')})`),
);

const comparison: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.tuple(identifier, fc.constantFrom(...COMPARATORS), value).map((p) => p.join(' ')), weight: 6 },
  fc.tuple(identifier, fc.constantFrom(...BAD_COMPARATORS), value).map((p) => p.join(' ')),
  fc.tuple(identifier, fc.constantFrom('IS NULL', 'IS NOT NULL')).map((p) => p.join(' ')),
  fc.tuple(identifier, fc.constantFrom('LIKE', 'ILIKE'), likePattern).map(([id, op, p]) => `${id} ${op} '${p}'`),
);

const wellFormed: fc.Arbitrary<string> = fc.array(comparison, { minLength: 1, maxLength: 4 }).chain((parts) =>
  fc
    .array(fc.constantFrom(' AND ', ' and ', ' OR ', ' AND NOT ', ' '), {
      minLength: parts.length - 1,
      maxLength: parts.length - 1,
    })
    .map((joins) => parts.reduce((text, part, i) => (i === 0 ? part : `${text}${joins[i - 1]}${part}`), '')),
);

/** Breaks a well-formed filter: cut it, unbalance a quote or bracket, or insert hostile characters. */
const broken: fc.Arbitrary<string> = fc
  .tuple(wellFormed, fc.nat(), fc.constantFrom("'", '"', '`', '(', ')', '\u0000', '\uD800', ',', ';', '--', '/*', '\\'))
  .map(([text, at, insert]) => {
    const cut = at % (text.length + 1);
    return at % 3 === 0 ? text.slice(0, cut) : `${text.slice(0, cut)}${insert}${text.slice(cut)}`;
  });

const long: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 50, max: 3_000 }).map((n) => Array.from({ length: n }, () => 'metrics.m > 1').join(' AND ')),
  fc.integer({ min: 100, max: 5_000 }).map((n) => `${'('.repeat(n)}metrics.m > 1${')'.repeat(n)}`),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => `tags.t = '${'x'.repeat(n)}'`),
  fc
    .integer({ min: 50, max: 2_000 })
    .map((n) => `params.p IN (${Array.from({ length: n }, (_, i) => `'${i}'`).join(',')})`),
);

export const mlflowFilter: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: wellFormed, weight: 4 },
  { arbitrary: broken, weight: 3 },
  long,
  fc.constantFrom('', ' ', 'AND', '()', "''", '`', 'metrics.', 'tags.`', 'attributes.status = ', '= 1'),
);

/** An order_by clause, valid or not. */
export const mlflowOrderBy: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(identifier, fc.constantFrom('', ' ASC', ' DESC', ' asc', ' DOWN', ' ASC DESC')).map(([id, d]) => id + d),
  fc.constantFrom('', '`', 'metrics.`m', 'start_time,', 'x'.repeat(5_000)),
);
