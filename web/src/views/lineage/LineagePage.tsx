import { ReactFlowProvider } from '@xyflow/react';
import { useCallback, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { serverProvUrl, type WalkDirection } from '../../api/lineage-client.js';
import { ErrorMessage, Loading } from '../../components/states.js';
import { isExpanded, type LineageGraph } from '../../lib/lineage/lineage-graph.js';
import { collapseGroups } from '../../lib/lineage/node-groups.js';
import { download, renderPng } from '../../lib/lineage/png-export.js';
import { viewProv } from '../../lib/lineage/view-prov.js';
import { useEffectiveTheme } from '../../lib/theme.js';
import { LineageCanvas } from './LineageCanvas.js';
import { NodeActions } from './LineageNodeCard.js';
import { LineageSidePanel } from './LineageSidePanel.js';
import { NodePicker } from './NodePicker.js';
import { useElkLayout } from './use-elk-layout.js';
import { FULL_DEPTH, useLineageGraph } from './use-lineage-graph.js';

/** How many alike nodes (runs of one experiment, versions of one dataset…) fold into one group. */
const GROUP_THRESHOLD = 5;

/** The lineage graph around any node (`/lineage?node=<kind>:<id>`), or a search for one to start from. */
export function LineagePage() {
  const [params] = useSearchParams();
  const start = params.get('node');
  return (
    <div className="page lineage-page">
      {start ? (
        <ReactFlowProvider key={start}>
          <LineageExplorer start={start} />
        </ReactFlowProvider>
      ) : (
        <>
          <div className="page-header">
            <h1>Lineage</h1>
          </div>
          <NodePicker />
        </>
      )}
    </div>
  );
}

const fileName = (id: string) => id.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120);

function LineageExplorer({ start }: { start: string }) {
  const lineage = useLineageGraph(start);
  const { graph, focusId, highlight } = lineage;
  const dark = useEffectiveTheme() === 'dark';
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [pathStart, setPathStart] = useState<string | null>(null);
  const [grouping, setGrouping] = useState(true);
  const [openGroups, setOpenGroups] = useState<ReadonlySet<string>>(new Set());
  /** Nodes the reader expanded: they stay out of groups, so a line being followed never folds away. */
  const [followed, setFollowed] = useState<ReadonlySet<string>>(new Set());
  const [exporting, setExporting] = useState(false);

  const keep = useMemo(() => {
    const ids = new Set(followed);
    if (focusId) ids.add(focusId);
    if (selectedId) ids.add(selectedId);
    for (const id of highlight?.nodes ?? []) ids.add(id);
    return ids;
  }, [followed, focusId, selectedId, highlight]);
  const view = useMemo(
    () =>
      collapseGroups(graph, {
        threshold: grouping ? GROUP_THRESHOLD : Number.POSITIVE_INFINITY,
        keep,
        open: openGroups,
      }),
    [graph, grouping, keep, openGroups],
  );
  const layout = useElkLayout(view.nodes, view.edges);

  const expand = useCallback(
    (direction: WalkDirection, nodeId: string) => {
      setFollowed((f) => new Set(f).add(nodeId));
      void lineage.expand(direction, nodeId);
    },
    [lineage.expand],
  );
  const openGroup = useCallback((groupId: string) => setOpenGroups((g) => new Set(g).add(groupId)), []);
  const actions = useMemo(() => ({ expand, openGroup }), [expand, openGroup]);
  const canExpand = useCallback(
    (direction: WalkDirection, nodeId: string) => !isExpanded(graph, direction, nodeId),
    [graph],
  );
  const labelOf = useCallback((id: string) => labelIn(graph, id), [graph]);

  if (lineage.opening.error) {
    return <ErrorMessage error={lineage.opening.error} onRetry={() => void lineage.opening.refetch()} />;
  }
  const focus = focusId ? graph.nodes.get(focusId) : undefined;
  if (!focus || !focusId) return <Loading label="Reading the lineage…" />;

  const selected = view.nodes.find((n) => n.id === selectedId) ?? null;
  const provUrl = serverProvUrl(focusId);
  const exportPng = async () => {
    setExporting(true);
    try {
      if (!layout.shown) return;
      const blob = await renderPng({
        ...layout.shown,
        highlighted: highlight?.nodes ?? new Set(),
        dark,
      });
      download(blob, `lineage-${fileName(focusId)}.png`);
    } finally {
      setExporting(false);
    }
  };
  const exportProv = () =>
    download(
      new Blob([JSON.stringify(viewProv(graph), null, 2)], { type: 'application/json' }),
      `lineage-${fileName(focusId)}.prov.json`,
    );

  return (
    <>
      <div className="page-header">
        <div>
          <div className="crumbs">
            <Link to="/lineage">Lineage</Link> /
          </div>
          <h1>
            Lineage of <span data-testid="lineage-focus">{focus.label}</span>
          </h1>
        </div>
      </div>
      <div className="toolbar lineage-toolbar">
        <button
          type="button"
          disabled={lineage.busy}
          onClick={() => void lineage.expand('upstream', focusId, FULL_DEPTH)}
        >
          Expand all upstream
        </button>
        <button
          type="button"
          disabled={lineage.busy}
          onClick={() => void lineage.expand('downstream', focusId, FULL_DEPTH)}
        >
          Expand all downstream
        </button>
        <label className="checkbox">
          <input type="checkbox" checked={grouping} onChange={(e) => setGrouping(e.target.checked)} /> Group alike nodes
        </label>
        <span className="spacer" />
        <span className="muted small" data-testid="lineage-counts">
          {graph.nodes.size} nodes · {graph.edges.size} edges
        </span>
        {lineage.busy && <span className="spinner" role="status" aria-label="Reading the lineage" />}
        <button type="button" disabled={!layout.ready || exporting} onClick={() => void exportPng()}>
          Export PNG
        </button>
        <button type="button" onClick={exportProv} title="The nodes and edges on screen as W3C PROV-JSON">
          Export PROV-JSON
        </button>
        {provUrl && (
          <a
            className="button"
            href={provUrl}
            download
            title="Everything upstream of this model version, from the server"
          >
            Full provenance (PROV-JSON)
          </a>
        )}
      </div>
      {lineage.error && <ErrorMessage error={lineage.error} />}
      {layout.error && <ErrorMessage error={layout.error} />}
      <div className="lineage-body">
        <NodeActions.Provider value={actions}>
          <LineageCanvas
            shown={layout.shown}
            ready={layout.ready}
            focusId={focusId}
            selectedId={selectedId}
            highlighted={highlight?.nodes ?? null}
            canExpand={canExpand}
            onSelect={setSelectedId}
            labelOf={labelOf}
            dark={dark}
          />
        </NodeActions.Provider>
        <LineageSidePanel
          graph={graph}
          focus={focus}
          selected={selected}
          highlight={highlight}
          pathStart={pathStart ?? focusId}
          busy={lineage.busy}
          onImpact={(id) => void lineage.showImpact(id)}
          onPath={(from, to) => void lineage.showPath(from, to)}
          onPathStart={setPathStart}
          onClearHighlight={lineage.clearHighlight}
          onOpenGroup={openGroup}
          onSelect={setSelectedId}
        />
      </div>
    </>
  );
}

/** A node's label for prose and tooltips; a run not on screen is named by its id. */
function labelIn(graph: LineageGraph, id: string): string {
  return graph.nodes.get(id)?.label ?? id.slice(id.indexOf(':') + 1);
}
