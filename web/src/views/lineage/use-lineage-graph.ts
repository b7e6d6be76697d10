import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useState } from 'react';
import { lineageApi, type WalkDirection } from '../../api/lineage-client.js';
import type { Impact, LineagePath } from '../../api/types.js';
import { emptyGraph, type LineageGraph, withSteps, withWalk } from '../../lib/lineage/lineage-graph.js';

/** How far "expand all" walks: the server's cap, so one click reaches the end of any graph it will serve. */
export const FULL_DEPTH = 50;

/** What is lit up on the graph: the nodes a change would reach, or the path between two nodes. */
export type Highlight =
  | { kind: 'impact'; root: string; report: Impact; nodes: ReadonlySet<string> }
  | { kind: 'path'; from: string; to: string; path: LineagePath; nodes: ReadonlySet<string> }
  | null;

const walkKey = (direction: WalkDirection, nodeId: string, depth: number) =>
  ['lineage', 'walk', direction, nodeId, depth] as const;

/**
 * The lineage graph a page explores: it opens on a node's direct neighbours both ways and grows as the reader
 * expands nodes, asks for an impact set or a path. Every read goes through the query cache, so expanding a node
 * twice or coming back to the page asks the server once.
 */
export function useLineageGraph(start: string) {
  const client = useQueryClient();
  const opening = useQuery({
    queryKey: ['lineage', 'opening', start],
    queryFn: async ({ signal }) => {
      const [up, down] = await Promise.all([
        lineageApi.walk('upstream', start, 1, signal),
        lineageApi.walk('downstream', start, 1, signal),
      ]);
      return { up, down };
    },
  });
  const [graph, setGraph] = useState<LineageGraph>(emptyGraph);
  const [pending, setPending] = useState(0);
  const [error, setError] = useState<Error | null>(null);
  const [highlight, setHighlight] = useState<Highlight>(null);

  useEffect(() => {
    if (!opening.data) return;
    setGraph(withWalk(withWalk(emptyGraph, opening.data.up), opening.data.down));
    setHighlight(null);
  }, [opening.data]);

  /** Runs one read, counting it as pending and keeping its failure to show. */
  const track = useCallback(async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    setPending((n) => n + 1);
    setError(null);
    try {
      return await read();
    } catch (failure) {
      setError(failure instanceof Error ? failure : new Error(String(failure)));
      return undefined;
    } finally {
      setPending((n) => n - 1);
    }
  }, []);

  const expand = useCallback(
    async (direction: WalkDirection, nodeId: string, depth = 1) => {
      const walk = await track(() =>
        client.fetchQuery({
          queryKey: walkKey(direction, nodeId, depth),
          queryFn: ({ signal }) => lineageApi.walk(direction, nodeId, depth, signal),
        }),
      );
      if (walk) setGraph((g) => withWalk(g, walk));
    },
    [client, track],
  );

  const showImpact = useCallback(
    async (nodeId: string) => {
      const report = await track(() => lineageApi.impact(nodeId));
      if (!report) return;
      const reached = [
        ...report.runs,
        ...report.modelVersions,
        ...report.datasetVersions,
        ...report.featureVersions,
        ...report.deployments,
        ...report.deploymentTargets,
      ];
      setGraph((g) =>
        withSteps(
          g,
          [report.root, ...reached],
          reached.flatMap((r) => r.path),
        ),
      );
      setHighlight({
        kind: 'impact',
        root: report.root.id,
        report,
        nodes: new Set([report.root.id, ...reached.map((r) => r.id)]),
      });
    },
    [track],
  );

  const showPath = useCallback(
    async (from: string, to: string) => {
      const found = await track(async () => {
        const path = await lineageApi.path(from, to);
        // The answer names its nodes by id; those not on screen yet are read so the path can be drawn whole.
        const missing = path.nodes.filter((id) => !graph.nodes.has(id));
        const nodes = await Promise.all(missing.map(async (id) => (await lineageApi.node(id)).node));
        return { path, nodes };
      });
      if (!found) return;
      setGraph((g) => withSteps(g, found.nodes, found.path.edges));
      setHighlight({ kind: 'path', from, to, path: found.path, nodes: new Set(found.path.nodes) });
    },
    [graph.nodes, track],
  );

  return {
    opening,
    graph,
    busy: pending > 0,
    error,
    highlight,
    clearHighlight: useCallback(() => setHighlight(null), []),
    expand,
    showImpact,
    showPath,
    focusId: opening.data?.up.roots[0]?.id ?? null,
  };
}
