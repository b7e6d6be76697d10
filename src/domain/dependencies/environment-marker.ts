import { isPep440Version, satisfiesPep440 } from './pep440-specifier.js';
import type { ProvidedEnvironment } from './provided-environment.js';

/**
 * PEP 508 environment markers (`numpy>=2; python_version >= "3.10" and sys_platform == "linux"`), evaluated against
 * what a target states about itself. A target rarely states everything (its machine, its kernel release), so the
 * answer has three values: a marker that depends on a value the target does not state is `unknown`, and the
 * declaration stays listed as unchecked rather than guessed. `and` and `or` follow Kleene's logic, so
 * `python_version < "3" and platform_machine == "arm64"` is false on Python 3 whatever the machine.
 */
export type MarkerValue = true | false | 'unknown';

/** The marker variables a target states; a missing one makes what reads it unknown. */
export type MarkerEnvironment = Partial<Record<MarkerVariable, string>>;

const VARIABLES = [
  'os_name',
  'sys_platform',
  'platform_machine',
  'platform_python_implementation',
  'platform_release',
  'platform_system',
  'platform_version',
  'python_version',
  'python_full_version',
  'implementation_name',
  'implementation_version',
  'extra',
] as const;
type MarkerVariable = (typeof VARIABLES)[number];
const VARIABLE_NAMES = new Set<string>(VARIABLES);
/** Older spellings pip still accepts. */
const ALIASES: Record<string, MarkerVariable> = {
  os_name: 'os_name',
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

type Operand = { kind: 'variable'; name: MarkerVariable } | { kind: 'string'; value: string };
type Node = { kind: 'compare'; left: Operand; op: string; right: Operand } | { kind: 'and' | 'or'; parts: Node[] };

/** What the marker of a declaration means for a target; a marker that does not parse is `unknown`. */
export function evaluateMarker(marker: string, env: MarkerEnvironment): MarkerValue {
  let tree: Node;
  try {
    tree = parseMarker(marker);
  } catch {
    return 'unknown';
  }
  return evaluate(tree, env);
}

/**
 * The marker variables a provided environment answers: the Python version and implementation from its runtime, the
 * platform from its OS. No extras are requested when a model is deployed, so `extra` is empty, as pip has it.
 */
export function markerEnvironment(env: ProvidedEnvironment, runtime: string): MarkerEnvironment {
  const values: MarkerEnvironment = { extra: '' };
  if (env.python !== null) {
    values.python_full_version = env.python;
    values.python_version = env.python.split('.').slice(0, 2).join('.');
  }
  if (/pypy/i.test(runtime)) {
    values.implementation_name = 'pypy';
    values.platform_python_implementation = 'PyPy';
  } else if (/cpython/i.test(runtime)) {
    values.implementation_name = 'cpython';
    values.platform_python_implementation = 'CPython';
  }
  const os = env.os.toLowerCase();
  const platform = /linux|ubuntu|debian|centos|rhel|red hat|fedora|alpine|suse|rocky|alma/.test(os)
    ? { sys_platform: 'linux', platform_system: 'Linux', os_name: 'posix' }
    : /darwin|mac ?os|osx/.test(os)
      ? { sys_platform: 'darwin', platform_system: 'Darwin', os_name: 'posix' }
      : /windows|win32/.test(os)
        ? { sys_platform: 'win32', platform_system: 'Windows', os_name: 'nt' }
        : {};
  const machine = /\b(x86_64|amd64|aarch64|arm64|ppc64le|s390x)\b/.exec(os)?.[1];
  return { ...values, ...platform, ...(machine ? { platform_machine: machine } : {}) };
}

function evaluate(node: Node, env: MarkerEnvironment): MarkerValue {
  if (node.kind === 'compare') return compare(node, env);
  const values = node.parts.map((part) => evaluate(part, env));
  // One false decides an 'and', one true an 'or'.
  const decisive = node.kind === 'or';
  if (values.includes(decisive)) return decisive;
  return values.includes('unknown') ? 'unknown' : !decisive;
}

function compare(node: Extract<Node, { kind: 'compare' }>, env: MarkerEnvironment): MarkerValue {
  const left = operandValue(node.left, env);
  const right = operandValue(node.right, env);
  if (left === undefined || right === undefined) return 'unknown';
  switch (node.op) {
    case 'in':
      return right.includes(left);
    case 'not in':
      return !right.includes(left);
  }
  // PEP 508: compare as versions where both sides are versions, else as strings where the operator allows.
  if (node.op !== '===' && isPep440Version(left) && isPep440Version(right)) {
    try {
      return satisfiesPep440(left, `${node.op}${right}`, { prereleases: true });
    } catch {
      return 'unknown';
    }
  }
  if (node.op === '==' || node.op === '===') return left === right;
  if (node.op === '!=') return left !== right;
  // An ordering of strings that are not versions has no meaning PEP 508 defines.
  return 'unknown';
}

function operandValue(operand: Operand, env: MarkerEnvironment): string | undefined {
  return operand.kind === 'string' ? operand.value : env[operand.name];
}

const OPERATORS = ['===', '<=', '>=', '==', '!=', '~=', '<', '>'];

/** A recursive-descent parser of the PEP 508 marker grammar; throws on anything else. */
function parseMarker(text: string): Node {
  let at = 0;
  const space = () => {
    while (at < text.length && /\s/.test(text[at]!)) at++;
  };
  const word = (w: string) => {
    space();
    if (text.startsWith(w, at) && !/[A-Za-z0-9_.]/.test(text[at + w.length] ?? '')) {
      at += w.length;
      return true;
    }
    return false;
  };
  const operand = (): Operand => {
    space();
    const quote = text[at];
    if (quote === '"' || quote === "'") {
      const end = text.indexOf(quote, at + 1);
      if (end < 0) throw new Error('unterminated string');
      const value = text.slice(at + 1, end);
      at = end + 1;
      return { kind: 'string', value };
    }
    const name = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(at))?.[0];
    if (!name) throw new Error(`expected a variable or a string at ${at}`);
    at += name.length;
    const variable = ALIASES[name] ?? (VARIABLE_NAMES.has(name) ? (name as MarkerVariable) : undefined);
    if (!variable) throw new Error(`unknown marker variable ${name}`);
    return { kind: 'variable', name: variable };
  };
  const operator = (): string => {
    space();
    if (word('in')) return 'in';
    if (word('not')) {
      if (!word('in')) throw new Error("expected 'in' after 'not'");
      return 'not in';
    }
    const op = OPERATORS.find((o) => text.startsWith(o, at));
    if (!op) throw new Error(`expected a comparison at ${at}`);
    at += op.length;
    return op;
  };
  const expression = (): Node => {
    space();
    if (text[at] === '(') {
      at++;
      const inner = disjunction();
      space();
      if (text[at] !== ')') throw new Error('unbalanced parenthesis');
      at++;
      return inner;
    }
    const left = operand();
    const op = operator();
    return { kind: 'compare', left, op, right: operand() };
  };
  const conjunction = (): Node => {
    const parts = [expression()];
    while (word('and')) parts.push(expression());
    return parts.length === 1 ? parts[0]! : { kind: 'and', parts };
  };
  const disjunction = (): Node => {
    const parts = [conjunction()];
    while (word('or')) parts.push(conjunction());
    return parts.length === 1 ? parts[0]! : { kind: 'or', parts };
  };
  const tree = disjunction();
  space();
  if (at !== text.length) throw new Error(`unexpected text at ${at}`);
  return tree;
}
