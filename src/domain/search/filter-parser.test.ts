import { describe, expect, it } from 'vitest';
import { MnemoError } from '../errors.js';
import type { Comparison } from './filter-ast.js';
import { parseExperimentFilter, parseOrderBy, parseRunFilter } from './filter-parser.js';

/** The single comparison of a one-comparison filter. */
function one(filter: string): Comparison {
  const { comparisons } = parseRunFilter(filter);
  expect(comparisons).toHaveLength(1);
  return comparisons[0]!;
}

/** Runs `fn`, asserting it throws an INVALID_PARAMETER_VALUE MnemoError, and returns the message. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MnemoError);
    expect((error as MnemoError).code).toBe('INVALID_PARAMETER_VALUE');
    return (error as MnemoError).message;
  }
  throw new Error('expected an error');
}

const runError = (filter: string) => errorOf(() => parseRunFilter(filter));

describe('parseRunFilter: empty input', () => {
  it.each([undefined, '', '   ', '\n\t '])('%j is an empty conjunction', (filter) => {
    expect(parseRunFilter(filter)).toEqual({ comparisons: [] });
  });
});

describe('parseRunFilter: identifiers', () => {
  it.each([
    ['metrics.acc > 1', 'metric', 'acc'],
    ['metric.acc > 1', 'metric', 'acc'],
    ["params.lr = 'x'", 'param', 'lr'],
    ["param.lr = 'x'", 'param', 'lr'],
    ["parameters.lr = 'x'", 'param', 'lr'],
    ["parameter.lr = 'x'", 'param', 'lr'],
    ["tags.t = 'x'", 'tag', 't'],
    ["tag.t = 'x'", 'tag', 't'],
    ["attributes.status = 'x'", 'attribute', 'status'],
    ["attribute.status = 'x'", 'attribute', 'status'],
    ["attr.status = 'x'", 'attribute', 'status'],
    ["run.status = 'x'", 'attribute', 'status'],
    ["datasets.name = 'x'", 'dataset', 'name'],
    ["dataset.digest = 'x'", 'dataset', 'digest'],
    ['METRICS.Acc > 1', 'metric', 'Acc'],
    ["Tags.T = 'x'", 'tag', 'T'],
  ])('%s → %s.%s', (filter, entity, key) => {
    expect(one(filter)).toMatchObject({ entity, key });
  });

  it('keeps dots in unquoted keys after the prefix', () => {
    expect(one("tags.mlflow.runName = 'r'")).toEqual({ entity: 'tag', key: 'mlflow.runName', op: '=', value: 'r' });
    expect(one('metrics.a.b.c < 2')).toMatchObject({ entity: 'metric', key: 'a.b.c' });
  });

  it('accepts backtick-quoted keys with spaces and special characters', () => {
    expect(one('metrics.`my metric` >= 0')).toMatchObject({ entity: 'metric', key: 'my metric' });
    expect(one("tags.`a-b/c:d` = 'x'")).toMatchObject({ entity: 'tag', key: 'a-b/c:d' });
    expect(one("params.`lr.x` = '1'")).toMatchObject({ entity: 'param', key: 'lr.x' });
  });

  it('accepts double-quoted keys', () => {
    expect(one('params."lr.x" = \'1\'')).toMatchObject({ entity: 'param', key: 'lr.x' });
    expect(one('metrics."val loss" < 0.3')).toMatchObject({ entity: 'metric', key: 'val loss' });
  });

  it('unescapes doubled or backslashed quotes inside quoted keys', () => {
    expect(one("tags.`a``b` = 'x'")).toMatchObject({ key: 'a`b' });
    expect(one('tags."a\\"b" = \'x\'')).toMatchObject({ key: 'a"b' });
  });

  it('treats unprefixed identifiers as attributes', () => {
    expect(one("status = 'FINISHED'")).toEqual({ entity: 'attribute', key: 'status', op: '=', value: 'FINISHED' });
    expect(one("`run_name` = 'a'")).toMatchObject({ entity: 'attribute', key: 'run_name' });
  });

  it('normalizes attribute aliases', () => {
    expect(one("attributes.runName = 'a'")).toMatchObject({ key: 'run_name' });
    expect(one("run_name = 'a'")).toMatchObject({ key: 'run_name' });
    expect(one('created > 5')).toEqual({ entity: 'attribute', key: 'start_time', op: '>', value: 5 });
    expect(one('attributes.created <= 5')).toMatchObject({ key: 'start_time', op: '<=' });
  });

  it.each(['status', 'run_name', 'user_id', 'artifact_uri', 'run_id', 'lifecycle_stage'])(
    'accepts string attribute %s',
    (key) => {
      expect(one(`attributes.${key} != 'x'`)).toEqual({ entity: 'attribute', key, op: '!=', value: 'x' });
    },
  );

  it.each(['start_time', 'end_time'])('accepts numeric attribute %s', (key) => {
    expect(one(`${key} < 1700000000000`)).toEqual({ entity: 'attribute', key, op: '<', value: 1700000000000 });
  });

  it('rejects unknown attributes, naming the key and listing the allowed ones', () => {
    const message = runError("attributes.colour = 'red'");
    expect(message).toContain("unknown attribute 'colour'");
    expect(message).toContain("'attributes.colour'");
    expect(message).toContain('status');
    expect(message).toContain('start_time');
    expect(message).toContain('at position 0');
    expect(runError("AND = 'x'")).toContain("unknown attribute 'AND'");
  });

  it('rejects attribute keys with the wrong case rather than guessing', () => {
    expect(runError("STATUS = 'x'")).toContain("unknown attribute 'STATUS'");
  });

  it('rejects unknown dataset keys, listing the allowed ones', () => {
    const message = runError("datasets.size = 'x'");
    expect(message).toContain("unknown dataset 'size'");
    expect(message).toMatch(/name, digest, context/);
  });

  it('rejects unknown entity prefixes', () => {
    expect(runError("foo.bar = 'x'")).toBe(
      "Invalid filter 'foo.bar = 'x'': unknown entity type 'foo' in 'foo.bar'; " +
        'expected metrics, params, tags, attributes or datasets at position 0',
    );
  });

  it('rejects a prefix with no key', () => {
    expect(runError("tags. = 'x'")).toMatch(/expected a key after 'tags\.'.* at position 5 \(found '='\)/);
    expect(runError('metrics.')).toMatch(/expected a key after 'metrics\.'.*\(found end of input\)/);
  });

  it('requires a quoted key to follow the dot directly', () => {
    expect(runError("tags. `a` = 'x'")).toMatch(/expected a key after 'tags\.'.* at position 5/);
  });

  it('rejects single-quoted keys (single quotes are for values)', () => {
    expect(runError("tags.'a' = 'x'")).toMatch(/expected a key after 'tags\.'/);
  });

  it('rejects empty quoted keys', () => {
    expect(runError("tags.`` = 'x'")).toContain("empty key after 'tags.'");
    expect(runError("`` = 'x'")).toContain('empty identifier');
  });

  it('rejects a comparison that does not start with an identifier', () => {
    expect(runError("'a' = 'a'")).toMatch(/expected an identifier.* at position 0 \(found ''a''\)/);
    expect(runError('= 1')).toMatch(/expected an identifier/);
    expect(runError("(status = 'a')")).toMatch(/expected an identifier.* at position 0 \(found '\('\)/);
  });
});

describe('parseRunFilter: values', () => {
  it.each([
    ['metrics.m = 1', 1],
    ['metrics.m = 0', 0],
    ['metrics.m = -3', -3],
    ['metrics.m = 2.5', 2.5],
    ['metrics.m = -0.25', -0.25],
    ['metrics.m = .5', 0.5],
    ['metrics.m = 5.', 5],
    ['metrics.m = 1e3', 1000],
    ['metrics.m = 1.5E-2', 0.015],
    ['metrics.m = -2e+2', -200],
  ])('%s parses the number', (filter, value) => {
    expect(one(filter)).toMatchObject({ value });
  });

  it('parses single- and double-quoted strings', () => {
    expect(one("params.p = 'single'")).toMatchObject({ value: 'single' });
    expect(one('params.p = "double"')).toMatchObject({ value: 'double' });
    expect(one("params.p = ''")).toMatchObject({ value: '' });
  });

  it('keeps whitespace, operators and keywords inside strings verbatim', () => {
    expect(one("params.p = '  a AND b OR c = d  '")).toMatchObject({ value: '  a AND b OR c = d  ' });
    expect(one('params.p = "it\'s"')).toMatchObject({ value: "it's" });
    expect(one('params.p = \'say "hi"\'')).toMatchObject({ value: 'say "hi"' });
  });

  it('unescapes doubled quotes', () => {
    expect(one("params.p = 'it''s'")).toMatchObject({ value: "it's" });
    expect(one('params.p = "a""b"')).toMatchObject({ value: 'a"b' });
    expect(one("params.p = ''''")).toMatchObject({ value: "'" });
  });

  it('unescapes backslash-escaped quotes and backslashes, keeping other backslashes', () => {
    expect(one("params.p = 'it\\'s'")).toMatchObject({ value: "it's" });
    expect(one('params.p = "a\\"b"')).toMatchObject({ value: 'a"b' });
    expect(one("params.p = 'a\\\\'")).toMatchObject({ value: 'a\\' });
    expect(one("params.p LIKE '50\\%'")).toMatchObject({ value: '50\\%' });
  });

  it('rejects unterminated strings at the opening quote', () => {
    expect(runError("params.p = 'abc")).toBe(
      "Invalid filter 'params.p = 'abc': unterminated quoted text starting with ' at position 11",
    );
    expect(runError("params.p = 'it\\'")).toMatch(/unterminated .* at position 11/);
  });

  it('rejects malformed numbers', () => {
    expect(runError('metrics.m = 12abc')).toMatch(/malformed number at position 12/);
    expect(runError('metrics.m = 1.2.3')).toMatch(/malformed number at position 12/);
    expect(runError('metrics.m = - 1')).toMatch(/unexpected character '-' at position 12/);
    expect(runError('metrics.m = 1e999')).toMatch(/number out of range at position 12/);
  });

  it('rejects unexpected characters with their position', () => {
    expect(runError('metrics.m = 1 ; drop')).toMatch(/unexpected character ';' at position 14/);
    expect(runError("params.p ! 'x'")).toMatch(/unexpected character '!' at position 9/);
  });
});

describe('parseRunFilter: operators', () => {
  it.each([
    ['=', '='],
    ['!=', '!='],
    ['<>', '!='],
    ['>', '>'],
    ['>=', '>='],
    ['<', '<'],
    ['<=', '<='],
  ] as const)('metric operator %s → %s', (written, op) => {
    expect(one(`metrics.m ${written} 1`)).toEqual({ entity: 'metric', key: 'm', op, value: 1 });
  });

  it.each([
    ['=', '='],
    ['!=', '!='],
    ['<>', '!='],
    ['LIKE', 'LIKE'],
    ['like', 'LIKE'],
    ['Like', 'LIKE'],
    ['ILIKE', 'ILIKE'],
    ['ilike', 'ILIKE'],
  ] as const)('string operator %s → %s', (written, op) => {
    expect(one(`params.p ${written} 'v'`)).toEqual({ entity: 'param', key: 'p', op, value: 'v' });
    expect(one(`tags.t ${written} 'v'`)).toMatchObject({ entity: 'tag', op });
  });

  it('parses operators written without surrounding spaces', () => {
    expect(one('metrics.m>=-1')).toEqual({ entity: 'metric', key: 'm', op: '>=', value: -1 });
    expect(one("params.p!='v'")).toMatchObject({ op: '!=', value: 'v' });
    expect(one("tags.t<>'v'")).toMatchObject({ op: '!=' });
  });

  it('parses IN and NOT IN lists of quoted strings', () => {
    expect(one("params.p IN ('a', \"b\", 'c''d')")).toEqual({
      entity: 'param',
      key: 'p',
      op: 'IN',
      value: ['a', 'b', "c'd"],
    });
    expect(one("tags.t not in ('x')")).toEqual({ entity: 'tag', key: 't', op: 'NOT IN', value: ['x'] });
    expect(one("attributes.run_id in('r1','r2')")).toEqual({
      entity: 'attribute',
      key: 'run_id',
      op: 'IN',
      value: ['r1', 'r2'],
    });
    expect(one("datasets.digest NOT IN ( 'a' , 'b' )")).toMatchObject({ op: 'NOT IN', value: ['a', 'b'] });
    expect(one("attributes.status In ('A')")).toMatchObject({ op: 'IN' });
  });

  it('rejects malformed IN lists', () => {
    expect(runError("params.p IN 'a'")).toMatch(/expected '\(' to start the list .* at position 12 \(found ''a''\)/);
    expect(runError('params.p IN ()')).toMatch(/expected a quoted string in the list .* at position 13 \(found '\)'\)/);
    expect(runError("params.p IN ('a',)")).toMatch(/expected a quoted string in the list .* at position 17/);
    expect(runError("params.p IN ('a' 'b')")).toMatch(/expected ',' or '\)' in the list at position 17/);
    expect(runError("params.p IN ('a'")).toMatch(/expected ',' or '\)' in the list .*\(found end of input\)/);
    expect(runError("params.p IN ('a', 1)")).toMatch(/expected a quoted string in the list .* at position 18/);
    expect(runError('params.p IN (`a`)')).toMatch(/expected a quoted string in the list/);
  });

  it('parses IS NULL and IS NOT NULL for params and tags, case-insensitively', () => {
    expect(one('params.p IS NULL')).toEqual({ entity: 'param', key: 'p', op: 'IS NULL' });
    expect(one('tags.t is not null')).toEqual({ entity: 'tag', key: 't', op: 'IS NOT NULL' });
    expect(one('params.`a b` Is Not Null')).toEqual({ entity: 'param', key: 'a b', op: 'IS NOT NULL' });
  });

  it('rejects incomplete IS / NOT operators', () => {
    expect(runError("params.p IS 'x'")).toMatch(/expected NULL after IS at position 12/);
    expect(runError('params.p IS NOT')).toMatch(/expected NULL after IS NOT at position 15 \(found end of input\)/);
    expect(runError("params.p NOT 'x'")).toMatch(/expected IN after NOT at position 13/);
  });

  it('rejects a missing or unknown operator, naming the token and position', () => {
    expect(runError('metrics.m')).toMatch(/expected a comparison operator .* at position 9 \(found end of input\)/);
    expect(runError('metrics.m 1')).toMatch(/expected a comparison operator .* at position 10 \(found '1'\)/);
    expect(runError("params.p CONTAINS 'x'")).toMatch(/expected a comparison operator .* \(found 'CONTAINS'\)/);
    expect(runError('metrics.m == 1')).toMatch(/expected a number for metric comparison at position 11 \(found '='\)/);
  });
});

describe('parseRunFilter: type rules', () => {
  it('reports a non-number for a metric with the token position', () => {
    expect(runError('metrics.acc > abc')).toBe(
      "Invalid filter 'metrics.acc > abc': expected a number for metric comparison at position 14 (found 'abc')",
    );
    expect(runError("metrics.acc > '0.5'")).toMatch(/expected a number for metric comparison at position 14/);
    expect(runError('metrics.acc >')).toMatch(/expected a number .* at position 13 \(found end of input\)/);
  });

  it.each(['LIKE', 'ILIKE', 'IN', 'NOT IN', 'IS NULL', 'IS NOT NULL'])('rejects %s on metrics', (op) => {
    const message = runError(`metrics.acc ${op} 'x'`);
    expect(message).toContain(`operator '${op}' is not supported for metric comparison 'metrics.acc'`);
    expect(message).toContain('at position 12');
  });

  it.each(['params.p', 'tags.t', 'attributes.status', 'datasets.name'])('requires a quoted string for %s', (id) => {
    expect(runError(`${id} = 1`)).toMatch(/expected a quoted string for \w+ comparison at position/);
    expect(runError(`${id} = bare`)).toMatch(/expected a quoted string .*\(found 'bare'\)/);
    expect(runError(`${id} = \`bt\``)).toMatch(/expected a quoted string/);
  });

  it.each(['>', '>=', '<', '<='])('rejects %s on strings', (op) => {
    expect(runError(`params.p ${op} 'a'`)).toContain(`operator '${op}' is not supported for param comparison`);
    expect(runError(`tags.t ${op} 'a'`)).toContain(`operator '${op}' is not supported for tag comparison`);
    expect(runError(`status ${op} 'a'`)).toContain(`operator '${op}' is not supported for attribute comparison`);
    expect(runError(`datasets.name ${op} 'a'`)).toContain(`operator '${op}' is not supported for dataset`);
  });

  it('only allows IS NULL on params and tags', () => {
    expect(runError('attributes.status IS NULL')).toContain("operator 'IS NULL' is not supported");
    expect(runError('datasets.name IS NOT NULL')).toContain("operator 'IS NOT NULL' is not supported");
    expect(runError('end_time IS NULL')).toContain("operator 'IS NULL' is not supported");
  });

  it('string attributes accept LIKE, ILIKE and IN', () => {
    expect(one("attributes.run_name LIKE 'exp-%'")).toMatchObject({ op: 'LIKE', value: 'exp-%' });
    expect(one("user_id ILIKE '%BOB%'")).toMatchObject({ op: 'ILIKE' });
    expect(one("status IN ('FINISHED', 'FAILED')")).toMatchObject({ value: ['FINISHED', 'FAILED'] });
    expect(one("attributes.run_id = 'abc'")).toMatchObject({ key: 'run_id', op: '=', value: 'abc' });
  });

  it('numeric attributes need numbers and numeric operators', () => {
    expect(runError("start_time > '5'")).toMatch(/expected a number for attribute comparison at position 13/);
    expect(runError("end_time LIKE '5'")).toContain("operator 'LIKE' is not supported for attribute comparison");
    expect(runError("created IN ('5')")).toContain("operator 'IN' is not supported");
  });
});

describe('parseRunFilter: conjunctions', () => {
  it('parses comparisons joined by AND in order', () => {
    expect(
      parseRunFilter("metrics.acc > 0.9 AND params.lr = '0.01' and tags.mlflow.user = 'ann' And status != 'FAILED'"),
    ).toEqual({
      comparisons: [
        { entity: 'metric', key: 'acc', op: '>', value: 0.9 },
        { entity: 'param', key: 'lr', op: '=', value: '0.01' },
        { entity: 'tag', key: 'mlflow.user', op: '=', value: 'ann' },
        { entity: 'attribute', key: 'status', op: '!=', value: 'FAILED' },
      ],
    });
  });

  it('tolerates arbitrary whitespace including newlines and tabs', () => {
    expect(parseRunFilter("  metrics.a>1\n\tAND\n  params.b  =  'c'  ").comparisons).toEqual([
      { entity: 'metric', key: 'a', op: '>', value: 1 },
      { entity: 'param', key: 'b', op: '=', value: 'c' },
    ]);
  });

  it('keeps repeated comparisons on the same key', () => {
    expect(parseRunFilter('metrics.a > 1 AND metrics.a < 2').comparisons).toHaveLength(2);
  });

  it('rejects OR with a message saying only AND is supported', () => {
    expect(runError('metrics.a = 1 OR metrics.b = 2')).toBe(
      "Invalid filter 'metrics.a = 1 OR metrics.b = 2': OR is not supported, only AND can join comparisons " +
        "at position 14 (found 'OR')",
    );
    expect(runError("params.a = 'x' or params.b = 'y'")).toContain('OR is not supported');
  });

  it('rejects dangling or doubled AND', () => {
    expect(runError('metrics.a = 1 AND')).toMatch(/expected an identifier.* at position 17 \(found end of input\)/);
    expect(runError('metrics.a = 1 AND AND metrics.b = 1')).toMatch(/unknown attribute 'AND'/);
    expect(runError('AND metrics.a = 1')).toMatch(/unknown attribute 'AND'/);
  });

  it('rejects comparisons not joined by AND', () => {
    expect(runError('metrics.a = 1 metrics.b = 2')).toMatch(
      /expected AND or the end of the filter at position 14 \(found 'metrics\.b'\)/,
    );
    expect(runError("params.a = 'x' 'y'")).toMatch(/expected AND .* at position 15/);
  });

  it('reports errors in later comparisons at their own position', () => {
    expect(runError('metrics.a = 1 AND metrics.b > x')).toMatch(/expected a number .* at position 30 \(found 'x'\)/);
    expect(runError("metrics.a = 1 AND nope = 'x'")).toMatch(/unknown attribute 'nope' at position 18/);
  });
});

describe('parseExperimentFilter', () => {
  const experimentError = (filter: string) => errorOf(() => parseExperimentFilter(filter));

  it('returns an empty conjunction for blank input', () => {
    expect(parseExperimentFilter(undefined)).toEqual({ comparisons: [] });
    expect(parseExperimentFilter('  ')).toEqual({ comparisons: [] });
  });

  it('parses name, time attributes and tags', () => {
    expect(
      parseExperimentFilter(
        "name LIKE 'proj-%' AND attributes.creation_time > 10 AND last_update_time <= 20 AND tags.`team x` = 'ml'",
      ),
    ).toEqual({
      comparisons: [
        { entity: 'attribute', key: 'name', op: 'LIKE', value: 'proj-%' },
        { entity: 'attribute', key: 'creation_time', op: '>', value: 10 },
        { entity: 'attribute', key: 'last_update_time', op: '<=', value: 20 },
        { entity: 'tag', key: 'team x', op: '=', value: 'ml' },
      ],
    });
    expect(parseExperimentFilter("attribute.name ilike '%A%'").comparisons[0]).toMatchObject({ op: 'ILIKE' });
    expect(parseExperimentFilter("tags.k != 'v'").comparisons[0]).toMatchObject({ op: '!=' });
  });

  it.each(['metrics.m > 1', "params.p = 'x'", "datasets.name = 'x'"])('rejects %s', (filter) => {
    expect(experimentError(filter)).toMatch(/comparisons are not supported when searching experiments .* position 0/);
  });

  it('rejects run attributes and unknown attributes, listing the allowed ones', () => {
    const message = experimentError("status = 'x'");
    expect(message).toContain("unknown attribute 'status'");
    expect(message).toContain('name, creation_time, last_update_time');
    expect(experimentError('start_time > 1')).toContain("unknown attribute 'start_time'");
  });

  it('applies experiment type rules', () => {
    expect(experimentError('name = 5')).toMatch(/expected a quoted string for attribute comparison at position 7/);
    expect(experimentError("creation_time = 'x'")).toMatch(/expected a number for attribute comparison/);
    expect(experimentError("name IN ('a')")).toContain("operator 'IN' is not supported");
    expect(experimentError('tags.t IS NULL')).toContain("operator 'IS NULL' is not supported");
    expect(experimentError("name > 'a'")).toContain("operator '>' is not supported");
  });

  it('rejects OR', () => {
    expect(experimentError("name = 'a' OR name = 'b'")).toContain('OR is not supported');
  });
});

describe('parseOrderBy', () => {
  const orderError = (clause: string, kind: 'run' | 'experiment' = 'run') =>
    errorOf(() => parseOrderBy([clause], kind));

  it('returns nothing for undefined or an empty list', () => {
    expect(parseOrderBy(undefined, 'run')).toEqual([]);
    expect(parseOrderBy([], 'experiment')).toEqual([]);
  });

  it('parses run clauses with optional, case-insensitive directions', () => {
    expect(
      parseOrderBy(
        [
          'metrics.acc DESC',
          'attributes.start_time',
          'params.lr ASC',
          'tags.`a b` desc',
          'start_time DESC',
          'created',
          'tags.mlflow.runName asc',
          'metrics."val loss"',
          'attr.runName Desc',
        ],
        'run',
      ),
    ).toEqual([
      { entity: 'metric', key: 'acc', ascending: false },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'param', key: 'lr', ascending: true },
      { entity: 'tag', key: 'a b', ascending: false },
      { entity: 'attribute', key: 'start_time', ascending: false },
      { entity: 'attribute', key: 'start_time', ascending: true },
      { entity: 'tag', key: 'mlflow.runName', ascending: true },
      { entity: 'metric', key: 'val loss', ascending: true },
      { entity: 'attribute', key: 'run_name', ascending: false },
    ]);
  });

  it.each(['start_time', 'end_time', 'status', 'run_name', 'user_id', 'run_id', 'artifact_uri'])(
    'orders runs by attribute %s',
    (key) => {
      expect(parseOrderBy([`attributes.${key}`], 'run')).toEqual([{ entity: 'attribute', key, ascending: true }]);
    },
  );

  it.each(['name', 'creation_time', 'last_update_time', 'experiment_id'])('orders experiments by %s', (key) => {
    expect(parseOrderBy([`${key} DESC`], 'experiment')).toEqual([{ entity: 'attribute', key, ascending: false }]);
  });

  it('tolerates surrounding whitespace', () => {
    expect(parseOrderBy(['  metrics.m \t DESC  '], 'run')).toEqual([{ entity: 'metric', key: 'm', ascending: false }]);
  });

  it('rejects unknown attributes, listing the allowed ones', () => {
    const message = orderError('lifecycle_stage');
    expect(message).toContain("cannot order runs by attribute 'lifecycle_stage'");
    expect(message).toContain('start_time');
    expect(orderError('start_time', 'experiment')).toContain("cannot order experiments by attribute 'start_time'");
    expect(orderError('creation_time', 'run')).toContain("attribute 'creation_time'");
  });

  it('rejects entities the target cannot be ordered by', () => {
    expect(orderError('datasets.name')).toContain("cannot order runs by dataset 'datasets.name'");
    expect(orderError('metrics.m', 'experiment')).toContain("cannot order experiments by metric 'metrics.m'");
    expect(orderError('tags.t', 'experiment')).toContain('cannot order experiments by tag');
  });

  it('rejects bad directions and trailing text with positions', () => {
    expect(orderError('metrics.m DOWN')).toBe(
      "Invalid order_by clause 'metrics.m DOWN': expected ASC, DESC or the end of the clause at position 10 (found 'DOWN')",
    );
    expect(orderError('metrics.m ASC DESC')).toMatch(/expected the end of the clause .* at position 14/);
    expect(orderError('metrics.m, params.p')).toMatch(/at position 9 \(found ','\)/);
  });

  it('rejects empty and malformed clauses', () => {
    expect(orderError('')).toMatch(/expected an identifier.*\(found end of input\)/);
    expect(orderError('   ')).toMatch(/expected an identifier/);
    expect(orderError('DESC')).toContain("cannot order runs by attribute 'DESC'");
    expect(orderError('foo.bar')).toContain("unknown entity type 'foo'");
    expect(orderError("'start_time'")).toMatch(/expected an identifier/);
    expect(orderError('metrics.`unterminated')).toContain('unterminated');
  });

  it('reports which clause of several is wrong', () => {
    expect(errorOf(() => parseOrderBy(['metrics.a', 'bogus DESC'], 'run'))).toContain("'bogus DESC'");
  });
});
