import { useEffect, useState } from 'react';
import { layoutGraph, type Positions } from '../../lib/lineage/elk-layout.js';
import type { ViewEdge, ViewNode } from '../../lib/lineage/node-groups.js';

/**
 * Positions for the nodes on screen, laid out again whenever the set of nodes or edges changes (not when only
 * highlights change). `layoutFor` names the view the positions belong to, so the page can tell stale from current.
 */
export function useElkLayout(nodes: readonly ViewNode[], edges: readonly ViewEdge[]) {
  const signature = `${nodes.map((n) => n.id).join('\n')}\n\n${edges.map((e) => e.id).join('\n')}`;
  const [state, setState] = useState<{ positions: Positions; layoutFor: string; error: Error | null }>({
    positions: new Map(),
    layoutFor: '',
    error: null,
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: the signature names exactly the nodes and edges laid out
  useEffect(() => {
    if (nodes.length === 0) return;
    let current = true;
    layoutGraph({ nodes: [...nodes], edges: [...edges] }).then(
      (positions) => current && setState({ positions, layoutFor: signature, error: null }),
      (error: unknown) =>
        current &&
        setState((s) => ({
          ...s,
          layoutFor: signature,
          error: error instanceof Error ? error : new Error(String(error)),
        })),
    );
    return () => {
      current = false;
    };
  }, [signature]);
  return { ...state, ready: state.layoutFor === signature && nodes.length > 0 };
}
