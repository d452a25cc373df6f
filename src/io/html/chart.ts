// Charts for the HTML reports: a Vega-Lite spec is compiled to Vega and rendered to SVG in Node
// (view.toSVG() needs neither a browser nor a canvas). The SVG is inlined in the page, so a report is one
// self-contained file with no script at all.
import * as vega from 'vega';
import { View, parse, type Spec } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Fonts every system has; no web font is ever referenced. */
export const FONT = '"Segoe UI", "Helvetica Neue", Arial, "DejaVu Sans", sans-serif';

/** Colours that stay apart in grey and for the common colour-vision deficiencies (Okabe–Ito). */
export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
export const INK = '#1f2328';
export const MUTED = '#57606a';
export const BAR = '#4477aa';
export const NEGATIVE = '#cc6677';

export interface ChartOptions {
  /** Vega and Vega-Lite warnings (e.g. a dropped field); the renderer never writes to the terminal. */
  onWarning?: (message: string) => void;
}

const CONFIG = {
  font: FONT,
  background: '#ffffff',
  padding: 4,
  view: { stroke: null },
  axis: {
    labelFont: FONT,
    titleFont: FONT,
    labelFontSize: 12,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    labelColor: INK,
    titleColor: MUTED,
    domainColor: '#8c959f',
    tickColor: '#8c959f',
    gridColor: '#e6e9ed',
  },
  header: { labelFont: FONT, labelFontSize: 13, labelFontWeight: 'bold', labelColor: INK, titleFontSize: 0 },
  legend: { labelFont: FONT, titleFont: FONT, labelFontSize: 12, titleFontSize: 12 },
  text: { font: FONT, fontSize: 12, color: INK },
  title: { font: FONT, fontSize: 14, anchor: 'start', color: INK },
  bar: { color: BAR },
  rect: { color: BAR },
} as const;

// Text widths. Without a canvas Vega estimates every character at 0.8 em, which pads each chart with
// room its labels never use (a long axis title makes a chart half again as wide). The advance widths
// of Helvetica/Arial (per 1000 em, ASCII 32-126; Liberation Sans and Arimo share them) measure labels
// to a few per cent, with a margin for wider fallback fonts (DejaVu Sans, Segoe UI).
// prettier-ignore
const ARIAL = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667,
  556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556,
  556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
  500, 500, 500, 334, 260, 334, 584,
];
const MARGIN = 1.08;

export function textWidth(text: string, fontSize: number, bold = false): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w += c >= 32 && c <= 126 ? ARIAL[c - 32]! : c >= 0x2e80 ? 1000 : 600;
  }
  return (w / 1000) * fontSize * (bold ? 1.07 : 1) * MARGIN;
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  limit?: number;
}
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics;
metrics.width = (item, text) => {
  const t = text === null || text === undefined ? '' : String(text).trim();
  const size = item.fontSize !== undefined && item.fontSize !== null ? Number(item.fontSize) || 0 : 11;
  const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
  const w = textWidth(t, size, bold);
  return item.limit && item.limit > 0 ? Math.min(w, item.limit) : w;
};

type Logger = {
  level(): number;
  level(_: number): Logger;
  error(...args: readonly unknown[]): Logger;
  warn(...args: readonly unknown[]): Logger;
  info(...args: readonly unknown[]): Logger;
  debug(...args: readonly unknown[]): Logger;
};

/** A logger that hands warnings and errors to the caller instead of the console. */
function logger(onWarning?: (m: string) => void): Logger {
  let lvl = 1; // vega.Warn
  const say = (args: readonly unknown[]) => onWarning?.(args.map(String).join(' '));
  const l: Logger = {
    level: ((v?: number) => {
      if (v === undefined) return lvl;
      lvl = v;
      return l;
    }) as Logger['level'],
    error: (...a) => (say(a), l),
    warn: (...a) => (say(a), l),
    info: () => l,
    debug: () => l,
  };
  return l;
}

/**
 * Renders a Vega-Lite spec to an SVG string ready to be inlined in HTML: the namespace declarations
 * are dropped (inline SVG does not need them), element ids are renamed under `idPrefix` so that several
 * charts on one page never share a clip path or gradient id and the same input gives the same bytes,
 * and the chart gets an accessible name.
 */
export async function renderChart(spec: TopLevelSpec, idPrefix: string, label: string, opts: ChartOptions = {}): Promise<string> {
  const log = logger(opts.onWarning);
  const full = { ...spec, config: { ...CONFIG, ...(spec.config ?? {}) } } as TopLevelSpec;
  const vg = compile(full, { logger: log as never }).spec as Spec;
  const view = new View(parse(vg), { renderer: 'none', logger: log as never, logLevel: 1 });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  return tidySvg(svg, idPrefix, label);
}

export function tidySvg(svg: string, idPrefix: string, label: string): string {
  let out = svg.replace(/\s+xmlns(:xlink)?="[^"]*"/g, '').replace(/\s+version="1\.1"/, '');
  const ids = new Map<string, string>();
  for (const m of out.matchAll(/\sid="([^"]+)"/g)) if (!ids.has(m[1]!)) ids.set(m[1]!, `${idPrefix}-${ids.size + 1}`);
  if (ids.size) {
    out = out
      .replace(/(\sid=")([^"]+)(")/g, (_, a: string, id: string, b: string) => a + (ids.get(id) ?? id) + b)
      .replace(/url\(#([^)]+)\)/g, (all, id: string) => (ids.has(id) ? `url(#${ids.get(id)})` : all))
      .replace(/((?:xlink:)?href=")#([^"]+)(")/g, (all, a: string, id: string, b: string) => (ids.has(id) ? a + '#' + ids.get(id) + b : all));
  }
  // Name the chart for screen readers; Vega's own aria attributes describe the marks.
  return out.replace(/^<svg\b/, `<svg role="img" aria-label="${escapeAttr(label)}"`);
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

