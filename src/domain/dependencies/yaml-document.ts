import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { dependencyFileError, type FileSpot } from './dependency-file-error.js';

/**
 * YAML (and JSON, which YAML 1.2 reads) parsed with positions, so a reader can say where a wrong value sits.
 * Syntax errors are refused with the parser's own line and column.
 */
export interface PositionedDocument {
  root: Node | null;
  spotOf(node: Node | null | undefined): FileSpot;
}

export function parsePositioned(file: string, content: string, expected: string): PositionedDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(content, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const error = document.errors[0];
  if (error !== undefined) {
    const at = lineCounter.linePos(error.pos[0]);
    throw dependencyFileError({ file, line: at.line, column: at.col }, expected, error.message.split('\n')[0]);
  }
  return {
    root: (document.contents as Node | null) ?? null,
    spotOf(node) {
      const at = lineCounter.linePos(node?.range?.[0] ?? 0);
      return { file, line: at.line, column: at.col };
    },
  };
}

/** The child of a mapping under `key`, or undefined. */
export function child(node: Node | null | undefined, key: string): Node | undefined {
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key) return (pair.value as Node | null) ?? undefined;
  }
  return undefined;
}

/** A scalar's text (numbers as written, so `3.10` stays `3.10`), or undefined for anything else. */
export function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  if (node.value === null) return undefined;
  return node.source ?? String(node.value);
}

export const items = (node: Node | null | undefined): Node[] => (isSeq(node) ? (node.items as Node[]) : []);

export const entries = (node: Node | null | undefined): [string, Node][] =>
  isMap(node)
    ? node.items
        .filter((p) => isScalar(p.key))
        .map((p) => [String((p.key as { value: unknown }).value), p.value as Node])
    : [];

export { isMap, isScalar, isSeq };
