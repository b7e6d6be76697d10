import { Environment, EvaluationError, ParseError } from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import { invalid, MnemoError } from '../errors.js';
import { MAX_EXPRESSION_LENGTH } from './policy.js';

/** The variables a rule may read; policy-context.ts builds their values from a version's record. */
export const POLICY_VARIABLES = ['model', 'version', 'run', 'lineage', 'approvals', 'target'] as const;

/**
 * One environment for every rule, made once: CEL with its standard macros over the record's maps, `now` as a
 * timestamp, and a linear-time `matchesPattern` in place of `matches` (which the library runs on JavaScript's
 * backtracking RegExp, so a rule's pattern could stall the server).
 */
const environment = (() => {
  const env = new Environment({
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 2000, maxDepth: 64, maxListElements: 500, maxMapEntries: 500, maxCallArguments: 16 },
  });
  for (const name of POLICY_VARIABLES) env.registerVariable(name, 'map');
  env.registerVariable('now', 'google.protobuf.Timestamp');
  env.registerFunction({
    name: 'matchesPattern',
    receiverType: 'string',
    returnType: 'bool',
    params: [{ name: 'pattern', type: 'string' }],
    handler: (text: string, pattern: string) => RE2JS.compile(pattern).matcher(text).find(),
  });
  return env;
})();

export type CompiledRule = (context: Record<string, unknown>) => unknown;

interface Range {
  start: number;
  end: number;
}

/** Line and column (both from 1) of an offset in an expression. */
export function positionOf(expression: string, offset: number): { line: number; column: number } {
  const before = expression.slice(0, Math.max(0, Math.min(offset, expression.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines.at(-1)!.length + 1 };
}

/** A rule refused when its policy is saved or tested: where in the expression, and why. */
export class RuleCompileError extends MnemoError {
  constructor(
    readonly rule: string,
    readonly position: { line: number; column: number; offset: number } | null,
    readonly reason: string,
  ) {
    const where = position ? ` at line ${position.line}, column ${position.column}` : '';
    super('INVALID_PARAMETER_VALUE', `Rule '${rule}' does not compile${where}: ${reason}`);
  }
}

function refusal(ruleName: string, expression: string, summary: string, range: Range | undefined) {
  const at = range ? { ...positionOf(expression, range.start), offset: range.start } : null;
  return new RuleCompileError(ruleName, at, summary);
}

function summaryOf(error: unknown): { summary: string; range: Range | undefined } {
  const e = error as { summary?: string; message?: string; range?: Range };
  const summary = e.summary ?? (e.message ?? String(error)).split('\n')[0]!;
  return { summary, range: e.range && typeof e.range.start === 'number' ? e.range : undefined };
}

/**
 * Parses and type-checks a rule; a rule that does not compile (syntax, unknown variable, a type that cannot work,
 * a result that is not a boolean) is refused with the position of the error.
 */
export function compileRule(ruleName: string, expression: string): CompiledRule {
  if (expression.trim() === '' || expression.length > MAX_EXPRESSION_LENGTH) {
    throw invalid(`Rule '${ruleName}' must be 1-${MAX_EXPRESSION_LENGTH} characters`);
  }
  let parsed: ReturnType<typeof environment.parse>;
  try {
    parsed = environment.parse(expression);
  } catch (error) {
    if (!(error instanceof ParseError) && !(error instanceof Error)) throw error;
    const { summary, range } = summaryOf(error);
    throw refusal(ruleName, expression, summary, range);
  }
  const backtracking = findCall(parsed.ast, 'matches');
  if (backtracking) {
    throw refusal(
      ruleName,
      expression,
      'matches() is not available; use matchesPattern(), which runs in linear time',
      backtracking,
    );
  }
  const tooComplex = complexityProblem(parsed.ast);
  if (tooComplex) throw refusal(ruleName, expression, tooComplex.reason, tooComplex.at);
  const checked = environment.check(expression);
  if (!checked.valid) {
    const { summary, range } = summaryOf(checked.error);
    throw refusal(ruleName, expression, summary, range);
  }
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    throw refusal(ruleName, expression, `a rule must be true or false; this one gives ${checked.type}`, {
      start: 0,
      end: expression.length,
    });
  }
  return (context) => parsed(context);
}

/** The outcome of one rule: passed only when it evaluated to exactly true. */
export interface RuleOutcome {
  passed: boolean;
  /** Why it could not be evaluated (a key the record lacks, a value of the wrong type). */
  error: string | null;
  /** Each path into the record the rule reads, with the value it found there. */
  seen: Record<string, unknown>;
}

export function evaluateRule(ruleName: string, expression: string, context: Record<string, unknown>): RuleOutcome {
  const compiled = compileRule(ruleName, expression);
  let passed = false;
  let error: string | null = null;
  try {
    const result = compiled(context);
    passed = result === true;
    if (typeof result !== 'boolean') error = `the rule gave ${describeValue(result)}, not true or false`;
  } catch (caught) {
    if (!(caught instanceof EvaluationError) && !(caught instanceof Error)) throw caught;
    error = summaryOf(caught).summary;
  }
  return { passed, error, seen: passed ? {} : valuesSeen(expression, context) };
}

const MAX_PATHS = 20;

/**
 * What a failed rule looked at: every path into the record it reads (`run.metrics.auc`, `version.checks`), the
 * longest chain of field and literal-key selections from a record variable, with the value found there or why
 * there was none. Variables bound inside macros (`c` in `version.checks.all(c, …)`) are not record paths; the list
 * they range over is.
 */
export function valuesSeen(expression: string, context: Record<string, unknown>): Record<string, unknown> {
  const parsed = environment.parse(expression);
  const paths: string[] = [];
  collectPaths(parsed.ast, expression, paths);
  const seen: Record<string, unknown> = {};
  for (const path of paths.slice(0, MAX_PATHS)) {
    try {
      seen[path] = toPlain(environment.evaluate(path, context));
    } catch (caught) {
      seen[path] = `<${summaryOf(caught).summary}>`;
    }
  }
  return seen;
}

interface AstNode {
  op: string;
  args: unknown;
  start: number;
  end: number;
}

const isNode = (value: unknown): value is AstNode =>
  typeof value === 'object' && value !== null && 'op' in value && 'start' in value;

const ROOTS = new Set<string>([...POLICY_VARIABLES, 'now']);

/** Whether a node is a chain of selections rooted at a record variable: `run.metrics["auc"]`. */
function isRecordPath(node: AstNode): boolean {
  if (node.op === 'id') return typeof node.args === 'string' && ROOTS.has(node.args);
  const args = node.args as unknown[];
  if (node.op === '.' || node.op === '.?') return isNode(args[0]) && isRecordPath(args[0]);
  if (node.op === '[]' || node.op === '[?]') {
    return isNode(args[0]) && isRecordPath(args[0]) && isNode(args[1]) && args[1].op === 'value';
  }
  return false;
}

function collectPaths(value: unknown, expression: string, paths: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectPaths(item, expression, paths);
    return;
  }
  if (!isNode(value)) return;
  if (value.op !== 'id' || ROOTS.has(String(value.args))) {
    if (isRecordPath(value)) {
      const text = expression.slice(value.start, value.end);
      if (!paths.includes(text)) paths.push(text);
      return;
    }
  }
  collectPaths(value.args, expression, paths);
}

/** Macros iterate (or, for `cel.bind`, can double a list at each level): what bounds a rule's running time. */
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'bind']);
const MAX_MACRO_NESTING = 3;
const MAX_MACROS = 20;

/**
 * Rules are user input evaluated inside transitions and by anyone who may test them: nesting iterations multiplies
 * their cost (three levels over lists of a thousand is already a billion steps), so nesting and the number of
 * macros are capped.
 */
function complexityProblem(ast: unknown): { reason: string; at: Range } | undefined {
  let count = 0;
  let problem: { reason: string; at: Range } | undefined;
  const walk = (value: unknown, depth: number): void => {
    if (problem) return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth);
      return;
    }
    if (!isNode(value)) return;
    const args = value.args;
    if (value.op === 'rcall' && Array.isArray(args) && MACROS.has(args[0] as string)) {
      count += 1;
      const at = { start: value.start, end: value.end };
      if (depth + 1 > MAX_MACRO_NESTING) {
        problem = { reason: `macros may nest at most ${MAX_MACRO_NESTING} deep`, at };
        return;
      }
      if (count > MAX_MACROS) {
        problem = { reason: `a rule may use at most ${MAX_MACROS} macros`, at };
        return;
      }
      walk(args[1], depth);
      walk(args.slice(2), depth + 1);
      return;
    }
    walk(args, depth);
  };
  walk(ast, 0);
  return problem;
}

function findCall(value: unknown, name: string): Range | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findCall(item, name);
      if (found) return found;
    }
    return undefined;
  }
  if (!isNode(value)) return undefined;
  if ((value.op === 'call' || value.op === 'rcall') && Array.isArray(value.args) && value.args[0] === name) {
    return { start: value.start, end: value.end };
  }
  return findCall(value.args, name);
}

const MAX_LIST = 20;
const MAX_TEXT = 300;

/** A CEL value as JSON can carry it: integers as numbers, timestamps as ISO text, long lists and texts cut short. */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const shown = value.slice(0, MAX_LIST).map(toPlain);
    return value.length > MAX_LIST ? [...shown, `… ${value.length - MAX_LIST} more`] : shown;
  }
  if (value instanceof Map) return toPlain(Object.fromEntries(value));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value ?? null;
}

function describeValue(value: unknown): string {
  return JSON.stringify(toPlain(value)) ?? String(value);
}
