// The charts of summary.html (Vega-Lite specs): bands, score histogram, grade matrix, rule totals, band
// transitions; and the readers of the summary's optional parts (transitions, movers, top reasons).
import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from '../../core/report/summary.js';
import { BAR, INK, MUTED, NEGATIVE } from './chart.js';
import { int, num, pct, points } from './page.js';
import { maxOf, minOf } from '../../core/numbers.js';
import type { TransitionInput } from './summary.js';

export const BAND_COLOURS: Record<number, string[]> = {
  1: ['#2166ac'],
  2: ['#b2182b', '#2166ac'],
  3: ['#b2182b', '#f4a582', '#2166ac'],
  4: ['#b2182b', '#ef8a62', '#67a9cf', '#2166ac'],
  5: ['#b2182b', '#ef8a62', '#fddbc7', '#67a9cf', '#2166ac'],
  6: ['#b2182b', '#ef8a62', '#fddbc7', '#d1e5f0', '#67a9cf', '#2166ac'],
};

/** Hottest band red, coldest blue (ColorBrewer RdBu); labels carry the meaning, colour only helps. */
export function bandColours(n: number): string[] {
  if (n <= 6) return BAND_COLOURS[Math.max(1, n)]!;
  return [...BAND_COLOURS[6]!.slice(0, 5), ...new Array<string>(n - 6).fill('#8c959f'), '#2166ac'];
}

/** "SQL ≥ 80", and for the last band without a minimum "cold < 20". */
export function bandLabels(bands: Summary['bands']): string[] {
  return bands.map((b, i) => {
    if (b.min !== null) return `${b.name} ≥ ${num(b.min, Number.isInteger(b.min) ? 0 : 2)}`;
    const above = [...bands.slice(0, i)].reverse().find((x) => x.min !== null);
    return above ? `${b.name} < ${num(above.min!, Number.isInteger(above.min!) ? 0 : 2)}` : b.name;
  });
}

export function bandsSpec(s: Summary): TopLevelSpec {
  const labels = bandLabels(s.bands);
  const max = maxOf(s.bands.map((b) => b.count), 1);
  const values = s.bands.map((b, i) => ({ band: labels[i], count: b.count, label: `${int(b.count)} · ${pct(b.share)}` }));
  return {
    description: `Leads per band: ${s.bands.map((b) => `${b.name} ${b.count} (${pct(b.share)})`).join(', ')}`,
    width: 400,
    height: { step: Math.max(26, Math.min(40, 160 / Math.max(1, s.bands.length))) },
    data: { values },
    encoding: {
      y: { field: 'band', type: 'nominal', sort: null, axis: { title: null, labelFontSize: 13, labelFontWeight: 'bold', labelLimit: 220, ticks: false, domain: false } },
      x: { field: 'count', type: 'quantitative', scale: { domain: [0, max * 1.3], nice: false }, axis: { title: 'leads', tickCount: 5, format: 'd' } },
    },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2, stroke: INK, strokeWidth: 0.5 },
        encoding: { color: { field: 'band', type: 'nominal', sort: null, scale: { range: bandColours(s.bands.length) }, legend: null } },
      },
      { mark: { type: 'text', align: 'left', baseline: 'middle', dx: 5, fontSize: 13 }, encoding: { text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

export function histogramSpec(s: Summary): TopLevelSpec {
  const max = maxOf(s.histogram.map((h) => h.count), 1);
  const values = s.histogram.map((h) => ({ from: h.from, to: h.to, mid: (h.from + h.to) / 2, count: h.count, label: h.count ? int(h.count) : '' }));
  const thresholds = s.bands
    .filter((b) => b.min !== null && b.min > 0 && b.min < 100)
    .map((b) => ({ min: b.min, label: `${b.name} ≥ ${num(b.min!, Number.isInteger(b.min!) ? 0 : 2)}` }));
  const lo = minOf(s.histogram.map((h) => h.from), 0);
  const hi = maxOf(s.histogram.map((h) => h.to), 100);
  const ticks: number[] = [];
  for (let t = lo; t <= hi; t += 10) ticks.push(t);
  return {
    description: `Score histogram in bins of 10 points; band thresholds at ${thresholds.map((t) => t.label).join(', ') || 'none'}`,
    width: 430,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: BAR, stroke: '#ffffff', strokeWidth: 1 },
        encoding: {
          x: { field: 'from', type: 'quantitative', bin: 'binned', scale: { domain: [lo, hi], nice: false }, axis: { title: 'score', values: ticks, format: 'd', grid: false } },
          x2: { field: 'to' },
          y: { field: 'count', type: 'quantitative', scale: { domain: [0, max * 1.15], nice: false }, axis: { title: 'leads', tickCount: 5, format: 'd' } },
        },
      },
      {
        data: { values },
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11 },
        encoding: { x: { field: 'mid', type: 'quantitative' }, y: { field: 'count', type: 'quantitative' }, text: { field: 'label' } },
      },
      {
        data: { values: thresholds },
        mark: { type: 'rule', color: INK, strokeDash: [5, 3], strokeWidth: 1.5 },
        encoding: { x: { field: 'min', type: 'quantitative' } },
      },
      {
        data: { values: thresholds },
        mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 3, y: -2, fontSize: 12, fontWeight: 'bold' },
        encoding: { x: { field: 'min', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

export function gradeSpec(g: NonNullable<Summary['grade_matrix']>, scored: number): TopLevelSpec {
  const values: Record<string, unknown>[] = [];
  let max = 1;
  g.fit.forEach((f, i) =>
    g.activity.forEach((a, j) => {
      const count = g.counts[i]?.[j] ?? 0;
      max = Math.max(max, count);
      values.push({ fit: f, activity: a, fit_order: i, activity_order: j, count, grade: `${f}${a}`, label: int(count), sub: `${f}${a} · ${scored ? pct(count / scored) : '0.0%'}` });
    }),
  );
  const textColour = { condition: { test: `datum.count > ${max * 0.55}`, value: '#ffffff' }, value: INK };
  return {
    description: `Grade matrix, leads per fit letter and activity digit: ${values.map((v) => `${v.grade} ${v.count}`).join(', ')}`,
    width: { step: 82 },
    height: { step: 52 },
    data: { values },
    encoding: {
      x: { field: 'activity', type: 'ordinal', sort: { field: 'activity_order', op: 'min' }, axis: { title: 'activity digit (engagement)', orient: 'top', labelAngle: 0, labelFontSize: 13, labelFontWeight: 'bold', ticks: false, domain: false } },
      y: { field: 'fit', type: 'ordinal', sort: { field: 'fit_order', op: 'min' }, axis: { title: 'fit letter', labelFontSize: 13, labelFontWeight: 'bold', ticks: false, domain: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 },
        encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues', domain: [0, max] }, legend: null } },
      },
      { mark: { type: 'text', baseline: 'middle', dy: -9, fontSize: 11 }, encoding: { text: { field: 'sub' }, color: textColour } },
      { mark: { type: 'text', baseline: 'middle', dy: 9, fontSize: 16, fontWeight: 'bold' }, encoding: { text: { field: 'label' }, color: textColour } },
    ],
  } as TopLevelSpec;
}

export const SECTION_ORDER = ['fit', 'engagement', 'signal', 'quality', 'predictive'];

/** The chart shows at most this many rules (those with the largest totals); summary.json has them all. */
export const MAX_CHART_RULES = 100;

/** The rules the chart shows, in model order: all of them, or the MAX_CHART_RULES largest by |total|. */
function chartRules(s: Summary): Summary['rules'] {
  if (s.rules.length <= MAX_CHART_RULES) return s.rules;
  const keep = new Set(
    s.rules
      .map((r, i) => ({ i, size: Math.abs(r.total_points) }))
      .sort((a, b) => b.size - a.size || a.i - b.i)
      .slice(0, MAX_CHART_RULES)
      .map((x) => x.i),
  );
  return s.rules.filter((_, i) => keep.has(i));
}

export function rulesSpec(s: Summary): TopLevelSpec {
  const rules = chartRules(s);
  const sections = [...new Set(rules.map((r) => r.section))].sort((a, b) => rank(a) - rank(b));
  const values = rules.map((r) => ({
    rule: r.id,
    section: r.section,
    total: r.total_points,
    fired: r.fired,
    label: `${int(r.fired)} leads (${s.counts.scored ? pct(r.fired / s.counts.scored, 0) : '0%'}) · ${points(r.total_points)} pts`,
  }));
  const lo = minOf(values.map((v) => v.total), 0);
  const hi = maxOf(values.map((v) => v.total), lo === 0 ? 1 : 0); // an empty run still gets an axis
  // One panel per section (fit, engagement, signal, quality), on one shared points axis.
  const panel = (section: string, last: boolean) => ({
    title: { text: section, fontSize: 13, fontWeight: 'bold', offset: 4, frame: 'group', anchor: 'start' },
    width: 480,
    height: { step: 21 },
    data: { values: values.filter((v) => v.section === section) },
    encoding: { y: { field: 'rule', type: 'nominal', sort: null, axis: { title: null, labelLimit: 200, labelFontSize: 12, minExtent: 150 } } },
    layer: [
      {
        mark: { type: 'bar', height: { band: 0.75 } },
        encoding: {
          x: {
            field: 'total',
            type: 'quantitative',
            scale: { domain: [lo, hi], nice: true },
            axis: last ? { title: 'total points over the scored leads', tickCount: 8, format: '~s' } : { title: null, labels: false, ticks: false, tickCount: 8 },
          },
          color: { condition: { test: 'datum.total < 0', value: NEGATIVE }, value: BAR },
        },
      },
      { mark: { type: 'rule', color: MUTED }, encoding: { x: { datum: 0, type: 'quantitative' } } },
      { mark: { type: 'text', align: 'left', baseline: 'middle', x: 'width', dx: 10, fontSize: 12 }, encoding: { text: { field: 'label' } } },
    ],
  });
  return {
    description: `Rule contributions: ${values.map((v) => `${v.rule} ${v.label}`).join('; ')}`,
    vconcat: sections.map((sec, i) => panel(sec, i === sections.length - 1)),
    spacing: 8,
  } as TopLevelSpec;
}

export function rank(section: string): number {
  const i = SECTION_ORDER.indexOf(section);
  return i < 0 ? SECTION_ORDER.length : i;
}

// ---- optional parts ----

export const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
export const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
export const str = (x: unknown): string | null => (typeof x === 'string' ? x : x === null || x === undefined ? null : String(x));

export function normaliseTransitions(t: unknown): TransitionInput[] {
  if (Array.isArray(t)) {
    return t.filter(isObj).filter((r) => isNum(r.count)).map((r) => ({ from: str(r.from ?? r.previous_band ?? null), to: str(r.to ?? r.band ?? null), count: r.count as number }));
  }
  if (isObj(t) && Array.isArray(t.from) && Array.isArray(t.to) && Array.isArray(t.counts)) {
    const out: TransitionInput[] = [];
    (t.from as unknown[]).forEach((f, i) =>
      (t.to as unknown[]).forEach((to, j) => {
        const c = (t.counts as unknown[][])[i]?.[j];
        if (isNum(c)) out.push({ from: str(f), to: str(to), count: c });
      }),
    );
    return out;
  }
  if (isObj(t)) {
    const out: TransitionInput[] = [];
    for (const [f, row] of Object.entries(t)) if (isObj(row)) for (const [to, c] of Object.entries(row)) if (isNum(c)) out.push({ from: f, to, count: c });
    return out;
  }
  return [];
}

export interface Mover {
  id: string;
  previousScore: number | null;
  score: number;
  previousBand: string | null;
  band: string | null;
  change: number | null;
}

export function normaliseMovers(m: unknown): { up: Mover[]; down: Mover[] } {
  const one = (r: Record<string, unknown>): Mover | null => {
    if (!isNum(r.score)) return null;
    const prev = isNum(r.previous_score) ? r.previous_score : null;
    const change = isNum(r.delta) ? r.delta : isNum(r.change) ? r.change : prev !== null ? r.score - prev : null;
    return { id: str(r.lead_id ?? r.id) ?? '', previousScore: prev, score: r.score, previousBand: str(r.previous_band), band: str(r.band), change };
  };
  const list = (x: unknown) => (Array.isArray(x) ? x.filter(isObj).map(one).filter((v): v is Mover => v !== null) : []);
  if (isObj(m) && (Array.isArray(m.up) || Array.isArray(m.down))) return { up: list(m.up), down: list(m.down) };
  const all = list(m);
  return {
    up: all.filter((x) => (x.change ?? 0) > 0 || (x.change === null && x.previousScore === null)),
    down: all.filter((x) => (x.change ?? 0) < 0),
  };
}

export interface ReasonRow {
  band: string;
  reasons: { rule: string; leads: number | null; points: number | null }[];
}

export function normaliseTopReasons(t: unknown): ReasonRow[] {
  const reasons = (x: unknown) =>
    Array.isArray(x)
      ? x.filter(isObj).map((r) => ({
          rule: str(r.rule ?? r.id ?? r.reason) ?? '',
          leads: isNum(r.leads) ? r.leads : isNum(r.count) ? r.count : null,
          points: isNum(r.points) ? r.points : isNum(r.total_points) ? r.total_points : null,
        }))
      : [];
  if (Array.isArray(t)) return t.filter(isObj).map((r) => ({ band: str(r.band) ?? '', reasons: reasons(r.reasons) }));
  if (isObj(t)) return Object.entries(t).map(([band, r]) => ({ band, reasons: reasons(r) }));
  return [];
}

export function transitionsSpec(cells: TransitionInput[], bandOrder: string[]): TopLevelSpec {
  const name = (b: string | null, none: string) => (b === null || b === '' ? none : b);
  const all = cells.map((c) => ({ from: name(c.from, 'new'), to: name(c.to, 'gone'), count: c.count, label: int(c.count) }));
  // A "new" row (or "gone" column) with no lead in it says nothing: leave it out.
  const empty = (key: 'from' | 'to', v: string) => all.filter((x) => x[key] === v).every((x) => x.count === 0);
  const values = all.filter((x) => !(x.from === 'new' && empty('from', 'new')) && !(x.to === 'gone' && empty('to', 'gone')));
  const order = (extra: string, seen: string[]) => {
    const known = bandOrder.filter((b) => seen.includes(b));
    const other = seen.filter((b) => !bandOrder.includes(b) && b !== extra);
    return [...known, ...other, ...(seen.includes(extra) ? [extra] : [])];
  };
  const fromOrder = order('new', [...new Set(values.map((v) => v.from))]);
  const toOrder = order('gone', [...new Set(values.map((v) => v.to))]);
  const max = maxOf(values.map((v) => v.count), 1);
  return {
    description: `Band transitions since the previous run: ${values.map((v) => `${v.from} to ${v.to}: ${v.count}`).join(', ')}`,
    width: { step: 76 },
    height: { step: 40 },
    data: { values },
    encoding: {
      x: { field: 'to', type: 'ordinal', sort: toOrder, axis: { title: 'band now', orient: 'top', labelAngle: 0, labelFontWeight: 'bold', ticks: false, domain: false } },
      y: { field: 'from', type: 'ordinal', sort: fromOrder, axis: { title: 'band in the previous run', labelFontWeight: 'bold', ticks: false, domain: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 },
        encoding: {
          color: { field: 'count', type: 'quantitative', scale: { scheme: 'purples', domain: [0, max] }, legend: null },
          strokeWidth: { condition: { test: 'datum.from === datum.to', value: 2 }, value: 0 },
          stroke: { condition: { test: 'datum.from === datum.to', value: INK }, value: '#ffffff' },
        },
      },
      {
        mark: { type: 'text', baseline: 'middle', fontSize: 14, fontWeight: 'bold' },
        encoding: { text: { field: 'label' }, color: { condition: { test: `datum.count > ${max * 0.55}`, value: '#ffffff' }, value: INK } },
      },
    ],
  } as TopLevelSpec;
}
