/**
 * How each kind of lineage node looks: a colour (readable on light and dark backgrounds) and a stroked icon drawn
 * in a 24×24 box. Icons are SVG path data so the page and the PNG export (Path2D on a canvas) draw the same shape.
 */
export interface EntityStyle {
  colour: string;
  icon: string;
  /** What the legend calls the kind. */
  name: string;
}

export const ENTITY_STYLES: Record<string, EntityStyle> = {
  dataset_version: {
    colour: '#2f80ed',
    name: 'Dataset version',
    icon: 'M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3v12c0 1.7-3.6 3-8 3s-8-1.3-8-3zM4 6c0 1.7 3.6 3 8 3s8-1.3 8-3M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3',
  },
  feature_version: { colour: '#0f9d8a', name: 'Feature', icon: 'M5 20V11M12 20V4M19 20v-8M3 20h18' },
  run: { colour: '#e07a10', name: 'Run or job', icon: 'M7 4l13 8-13 8z' },
  model_version: { colour: '#8e44ad', name: 'Model version', icon: 'M12 2l9 5v10l-9 5-9-5V7zM3 7l9 5 9-5M12 12v10' },
  logged_model: { colour: '#b05cc8', name: 'Logged model', icon: 'M4 4h16v16H4zM4 9h16M9 9v11' },
  environment: {
    colour: '#6b7280',
    name: 'Environment',
    icon: 'M7 7h10v10H7zM10 3v4M14 3v4M10 17v4M14 17v4M3 10h4M3 14h4M17 10h4M17 14h4',
  },
  code_ref: { colour: '#4b5563', name: 'Code', icon: 'M8 6l-6 6 6 6M16 6l6 6-6 6M14 4l-4 16' },
  deployment: { colour: '#d6336c', name: 'Deployment', icon: 'M12 3v12M7 8l5-5 5 5M4 15v6h16v-6' },
  deployment_target: {
    colour: '#c2255c',
    name: 'Deployment target',
    icon: 'M3 4h18v7H3zM3 13h18v7H3zM7 7.5h2M7 16.5h2',
  },
};

const UNKNOWN: EntityStyle = { colour: '#6b7280', name: 'Other', icon: 'M12 3a9 9 0 1 0 0 18 9 9 0 1 0 0-18z' };

export const styleOf = (kind: string): EntityStyle => ENTITY_STYLES[kind] ?? UNKNOWN;
