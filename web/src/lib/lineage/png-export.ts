import { NODE_HEIGHT, NODE_WIDTH, type Positions } from './elk-layout.js';
import { styleOf } from './entity-style.js';
import type { ViewEdge, ViewNode } from './node-groups.js';

export interface PngScene {
  nodes: readonly ViewNode[];
  edges: readonly ViewEdge[];
  positions: Positions;
  highlighted: ReadonlySet<string>;
  dark: boolean;
}

const MARGIN = 24;
/** Chromium refuses canvases beyond 16,384 pixels a side (and blanks large ones), so big graphs draw smaller. */
const MAX_SIDE = 16_000;

/**
 * The graph drawn straight onto a canvas from the laid-out positions — the same shapes, colours and icons as on
 * screen — and encoded as PNG. Drawing it anew, rather than rasterising the page, needs no library and keeps
 * the picture whole however the reader has panned or zoomed.
 */
export async function renderPng(scene: PngScene): Promise<Blob> {
  const placed = scene.nodes.filter((n) => scene.positions.has(n.id));
  const xs = placed.map((n) => scene.positions.get(n.id)?.x ?? 0);
  const ys = placed.map((n) => scene.positions.get(n.id)?.y ?? 0);
  const left = Math.min(0, ...xs) - MARGIN;
  const top = Math.min(0, ...ys) - MARGIN;
  const width = Math.max(0, ...xs) + NODE_WIDTH + MARGIN - left;
  const height = Math.max(0, ...ys) + NODE_HEIGHT + MARGIN - top;
  const scale = Math.min(2, MAX_SIDE / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw on a canvas');
  ctx.scale(scale, scale);
  ctx.translate(-left, -top);
  const ink = scene.dark ? '#e6e9ed' : '#1c2024';
  ctx.fillStyle = scene.dark ? '#111418' : '#ffffff';
  ctx.fillRect(left, top, width, height);

  for (const edge of scene.edges) {
    const from = scene.positions.get(edge.from);
    const to = scene.positions.get(edge.to);
    if (!from || !to) continue;
    const x1 = from.x + NODE_WIDTH;
    const y1 = from.y + NODE_HEIGHT / 2;
    const x2 = to.x;
    const y2 = to.y + NODE_HEIGHT / 2;
    const bend = Math.max(30, (x2 - x1) / 2);
    const lit = scene.highlighted.has(edge.from) && scene.highlighted.has(edge.to);
    ctx.strokeStyle = lit ? '#f59f00' : scene.dark ? '#5b6470' : '#aab2bd';
    ctx.lineWidth = lit ? 3 : 1.5;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.bezierCurveTo(x1 + bend, y1, x2 - bend, y2, x2, y2);
    ctx.stroke();
  }

  for (const node of placed) {
    const at = scene.positions.get(node.id);
    if (!at) continue;
    const style = styleOf(node.kind);
    ctx.fillStyle = scene.dark ? '#1c2128' : '#ffffff';
    ctx.strokeStyle = scene.highlighted.has(node.id) ? '#f59f00' : style.colour;
    ctx.lineWidth = scene.highlighted.has(node.id) ? 3 : 1.5;
    ctx.beginPath();
    ctx.roundRect(at.x, at.y, NODE_WIDTH, NODE_HEIGHT, 8);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = style.colour;
    ctx.beginPath();
    ctx.roundRect(at.x, at.y, 6, NODE_HEIGHT, [8, 0, 0, 8]);
    ctx.fill();
    ctx.save();
    ctx.translate(at.x + 14, at.y + 17);
    ctx.strokeStyle = style.colour;
    ctx.lineWidth = 2;
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    ctx.stroke(new Path2D(style.icon));
    ctx.restore();
    ctx.fillStyle = ink;
    ctx.font = '600 13px system-ui, sans-serif';
    ctx.fillText(clip(ctx, node.label, NODE_WIDTH - 56), at.x + 46, at.y + 25);
    ctx.fillStyle = scene.dark ? '#9aa4b0' : '#6b7280';
    ctx.font = '11px system-ui, sans-serif';
    const caption = node.members ? `${node.members.length} nodes` : style.name;
    ctx.fillText(clip(ctx, caption, NODE_WIDTH - 56), at.x + 46, at.y + 42);
  }

  return new Promise((resolve, reject) =>
    canvas.toBlob(
      (blob) => (blob ? resolve(blob) : reject(new Error('The picture could not be encoded'))),
      'image/png',
    ),
  );
}

/** The text cut with an ellipsis to fit `width` pixels in the context's font. */
function clip(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let end = text.length;
  while (end > 1 && ctx.measureText(`${text.slice(0, end)}…`).width > width) end--;
  return `${text.slice(0, end)}…`;
}

/** Hands a blob to the browser as a download named `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
