import { useEffect, useState } from 'react';
import { layoutGraph, type Positions } from '../../lib/lineage/elk-layout.js';
import type { ViewEdge, ViewNode } from '../../lib/lineage/node-groups.js';

export interface LaidOut {
  nodes: readonly ViewNode[];
  edges: readonly ViewEdge[];
  positions: Positions;
}

const signatureOf = (nodes: readonly ViewNode[], edges: readonly ViewEdge[]) =>
  `${nodes.map((n) => n.id).join('\n')}\n\n${edges.map((e) => e.id).join('\n')}`;

/**
 * The view as last laid out: nodes and edges with their positions. A changed view (nodes or edges added, a group
 * folded or opened) is laid out in the background while the previous one stays on screen, so the page never draws
 * hundreds of nodes piled at the origin only to move them a moment later. Highlights do not change the signature.
 */
export function useElkLayout(nodes: readonly ViewNode[], edges: readonly ViewEdge[]) {
  const signature = signatureOf(nodes, edges);
  const [state, setState] = useState<{ shown: LaidOut | null; shownFor: string; error: Error | null }>({
    shown: null,
    shownFor: '',
    error: null,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the signature names exactly the nodes and edges laid out
  useEffect(() => {
    if (nodes.length === 0) return;
    let current = true;
    layoutGraph({ nodes: [...nodes], edges: [...edges] }).then(
      (positions) => current && setState({ shown: { nodes, edges, positions }, shownFor: signature, error: null }),
      (error: unknown) =>
        current && setState((s) => ({ ...s, error: error instanceof Error ? error : new Error(String(error)) })),
    );
    return () => {
      current = false;
    };
  }, [signature]);
  return { shown: state.shown, error: state.error, ready: state.shownFor === signature && nodes.length > 0 };
}
