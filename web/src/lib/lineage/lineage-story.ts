import type { LineageNode } from '../../api/types.js';
import type { GraphEdge, LineageGraph } from './lineage-graph.js';
import { neighbours } from './lineage-graph.js';

/** What each kind of node is called in a sentence, for readers who do not know Mnemo's vocabulary. */
export const KIND_WORDS: Record<string, string> = {
  dataset_version: 'dataset version',
  feature_version: 'feature',
  environment: 'environment',
  code_ref: 'code version',
  run: 'run',
  model_version: 'model version',
  logged_model: 'logged model',
  deployment_target: 'deployment target',
  deployment: 'deployment',
};

const text = (value: unknown): string | null =>
  typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;

/** A node as a sentence names it: "customers v3", "job clean_customers", "model fraud v1". */
export function plainName(node: LineageNode): string {
  const a = node.attributes;
  switch (node.kind) {
    case 'dataset_version': {
      const name = text(a.name) ?? node.label;
      const version = text(a.version);
      if (!version) return name;
      return /^[0-9]+$/.test(version) ? `${name} v${version}` : `${name} (version ${version})`;
    }
    case 'run': {
      const job = text(a.job);
      return job ? `job ${job.split('/').pop()}` : `run ${node.label}`;
    }
    case 'model_version':
      return `model ${node.label}`;
    case 'feature_version':
      return `feature ${node.label}`;
    case 'code_ref':
      return `code ${node.label}`;
    case 'deployment_target':
      return `target ${node.label}`;
    default:
      return `${KIND_WORDS[node.kind] ?? node.kind} ${node.label}`;
  }
}

/** "a", "a and b", "a, b and c", "a, b, c and 4 more". */
export function listOf(names: readonly string[], shown = 3): string {
  if (names.length <= 1) return names[0] ?? '';
  if (names.length > shown + 1) return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

type Reader = (id: string) => LineageNode | undefined;

/** How a node came about, read from the edges arriving at it, as clauses ("was trained by run r1"). */
function originClauses(node: LineageNode, incoming: readonly GraphEdge[], read: Reader): string[] {
  const named = (type: GraphEdge['type'], kinds?: readonly string[]) =>
    incoming
      .filter((e) => e.type === type)
      .map((e) => read(e.from))
      .filter((n): n is LineageNode => n !== undefined && (!kinds || kinds.includes(n.kind)))
      .map(plainName);
  const clauses: string[] = [];
  const producers = named('produced');
  if (producers.length) {
    clauses.push(`${node.kind === 'model_version' ? 'was trained by' : 'was produced by'} ${listOf(producers)}`);
  }
  const used = named('consumed');
  if (used.length) clauses.push(`used ${listOf(used)}`);
  const sources = named('derived_from');
  if (sources.length) {
    clauses.push(`${node.kind === 'feature_version' ? 'is computed from' : 'was derived from'} ${listOf(sources)}`);
  }
  const features = named('depends_on', ['feature_version']);
  if (features.length) clauses.push(`uses ${listOf(features)}`);
  const code = named('depends_on', ['code_ref']);
  if (code.length) clauses.push(`was built from ${listOf(code)}`);
  const environments = named('depends_on', ['environment']);
  if (environments.length) clauses.push(`runs in ${listOf(environments)}`);
  const deployed = named('deployed_to');
  if (deployed.length) clauses.push(`${node.kind === 'deployment_target' ? 'hosts' : 'deploys'} ${listOf(deployed)}`);
  return clauses;
}

/** What became of a node, read from the edges leaving it, as clauses ("was used by run r2"). */
function fateClauses(node: LineageNode, outgoing: readonly GraphEdge[], read: Reader): string[] {
  const named = (type: GraphEdge['type']) =>
    outgoing
      .filter((e) => e.type === type)
      .map((e) => read(e.to))
      .filter((n): n is LineageNode => n !== undefined)
      .map(plainName);
  const clauses: string[] = [];
  const produced = named('produced');
  if (produced.length) clauses.push(`produced ${listOf(produced)}`);
  const users = named('consumed');
  if (users.length) clauses.push(`was used by ${listOf(users)}`);
  const derived = named('derived_from');
  if (derived.length) clauses.push(`is the source of ${listOf(derived)}`);
  const dependents = named('depends_on');
  if (dependents.length) clauses.push(`is needed by ${listOf(dependents)}`);
  const deployments = named('deployed_to');
  if (deployments.length) {
    clauses.push(`${node.kind === 'deployment' ? 'runs on' : 'is deployed as'} ${listOf(deployments)}`);
  }
  return clauses;
}

const joinClauses = (clauses: readonly string[]) => listOf(clauses, clauses.length);

/**
 * The graph around a node told in plain sentences for readers who do not read graphs: where the node came from,
 * following each single line of descent as one sentence ("…was trained by run train-v1, which used customers v3,
 * which was produced by job clean_customers…"), then what it went on to. Only what the graph on screen holds is
 * told, so the story never claims more than the reader may see.
 */
export function lineageStory(graph: LineageGraph, focusId: string, maxSentences = 12): string[] {
  const focus = graph.nodes.get(focusId);
  if (!focus) return [];
  const read: Reader = (id) => graph.nodes.get(id);
  const sides = neighbours(graph);
  const incoming = (id: string) => sides.get(id)?.incoming ?? [];
  const outgoing = (id: string) => sides.get(id)?.outgoing ?? [];
  const subject = `This ${KIND_WORDS[focus.kind] ?? focus.kind} (${focus.label})`;
  const sentences: string[] = [];
  const told = new Set<string>([focus.id]);
  const queue: string[] = [];

  /** One sentence from a node: its origin, continued with ", which …" while the line of descent stays single. */
  const tell = (start: LineageNode, opening: string) => {
    let sentence = '';
    let node: LineageNode | undefined = start;
    let lead = opening;
    while (node) {
      const clauses = originClauses(node, incoming(node.id), read);
      if (clauses.length === 0) break;
      sentence += `${lead} ${joinClauses(clauses)}`;
      const parents: string[] = [...new Set(incoming(node.id).map((e) => e.from))].filter((id) => !told.has(id));
      for (const id of parents) told.add(id);
      const [only] = parents;
      const next: LineageNode | undefined = parents.length === 1 && only ? read(only) : undefined;
      if (next && originClauses(next, incoming(next.id), read).length > 0) {
        node = next;
        lead = ', which';
      } else {
        queue.push(...parents);
        node = undefined;
      }
    }
    if (sentence) sentences.push(`${sentence}.`);
  };

  tell(focus, subject);
  if (sentences.length === 0) sentences.push(`${subject} has no recorded origin in this view.`);
  while (queue.length > 0 && sentences.length < maxSentences) {
    const next = read(queue.shift() ?? '');
    if (next) tell(next, capitalise(plainName(next)));
  }
  const uses = fateClauses(focus, outgoing(focus.id), read);
  if (uses.length > 0) sentences.push(`It ${joinClauses(uses)}.`);
  const upstream = countBeyond(focus.id, incoming, (e) => e.from);
  const downstream = countBeyond(focus.id, outgoing, (e) => e.to);
  if (upstream + downstream > 0) {
    sentences.push(
      `In this view it has ${count(upstream, 'upstream item')} and ${count(downstream, 'downstream item')}.`,
    );
  }
  return sentences;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** How many nodes lie beyond a node on one side, following edges as far as the view goes. */
function countBeyond(start: string, edgesOf: (id: string) => GraphEdge[], next: (e: GraphEdge) => string): number {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const edge of edgesOf(stack.pop() ?? '')) {
      const id = next(edge);
      if (!seen.has(id)) {
        seen.add(id);
        stack.push(id);
      }
    }
  }
  return seen.size - 1;
}
