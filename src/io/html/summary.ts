// summary.html: the threshold summary report of `leadscore score` as one self-contained page with
// charts rendered to inline SVG at report time (Vega-Lite -> Vega -> SVG in Node, see chart.ts).
// Every chart carries its numbers on the marks, so it reads without colour and on paper.
import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from '../../core/report/summary.js';
import { BAR, INK, MUTED, NEGATIVE, renderChart, type ChartOptions } from './chart.js';
import { esc, figure, int, num, page, pct, points, section, table, type Cell } from './page.js';
import { maxOf, minOf } from '../../core/numbers.js';

export interface SummaryHtmlOptions extends ChartOptions {
  /** The page title; default "Lead scoring summary: <model name>". */
  title?: string;
  /** How many movers up and down to list when the summary has movers (default 15 each). */
  maxMovers?: number;
}

// ---- Optional parts of the summary (added by --previous and the reasons work). The renderer reads
// them defensively, so it neither depends on them existing nor on one exact shape. ----

/** One cell of the band transition matrix; `from` null (or "new") = not in the previous run. */
export interface TransitionInput {
  from: string | null;
  to: string | null;
  count: number;
}
/**
 * Accepted as `transitions`: a list of TransitionInput, or a matrix
 * `{ from: string[], to: string[], counts: number[][] }`, or `{ [from]: { [to]: count } }`.
 */
export type TransitionsInput = TransitionInput[] | { from: string[]; to: string[]; counts: number[][] } | Record<string, Record<string, number>>;

export interface MoverInput {
  lead_id?: string;
  id?: string;
  previous_score?: number | null;
  score: number;
  previous_band?: string | null;
  band?: string;
  change?: number;
}
/** Accepted as `movers`: a list of MoverInput (largest |change| first), or `{ up: [...], down: [...] }`. */
export type MoversInput = MoverInput[] | { up?: MoverInput[]; down?: MoverInput[] };

export interface ReasonCountInput {
  rule?: string;
  id?: string;
  leads?: number;
  count?: number;
  points?: number;
  total_points?: number;
}
/**
 * Accepted as `top_reasons` (or `reasons_by_band`): `{ [band]: ReasonCountInput[] }` or
 * `{ band: string, reasons: ReasonCountInput[] }[]`.
 */
export type TopReasonsInput = Record<string, ReasonCountInput[]> | { band: string; reasons: ReasonCountInput[] }[];

/** The summary with the optional parts this renderer shows when present. */
export type SummaryHtmlInput = Summary & {
  transitions?: unknown;
  movers?: unknown;
  top_reasons?: unknown;
  reasons_by_band?: unknown;
};

const BAND_COLOURS: Record<number, string[]> = {
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

function bandsSpec(s: Summary): TopLevelSpec {
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

function histogramSpec(s: Summary): TopLevelSpec {
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

function gradeSpec(g: NonNullable<Summary['grade_matrix']>, scored: number): TopLevelSpec {
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
      // sorted by a number, not by the list of labels: a label like "toString" or "constructor" in a
      // sort list breaks vega's expression lookup (issue 16 item 9)
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

const SECTION_ORDER = ['fit', 'engagement', 'signal', 'quality', 'predictive'];

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

function rulesSpec(s: Summary): TopLevelSpec {
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

function rank(section: string): number {
  const i = SECTION_ORDER.indexOf(section);
  return i < 0 ? SECTION_ORDER.length : i;
}

// ---- optional parts ----

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : x === null || x === undefined ? null : String(x));

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

interface Mover {
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

interface ReasonRow {
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

function transitionsSpec(cells: TransitionInput[], bandOrder: string[]): TopLevelSpec {
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

// ---- the page ----

export async function renderSummaryHtml(summary: Summary, opts: SummaryHtmlOptions = {}): Promise<string> {
  const s = summary as SummaryHtmlInput;
  const c = s.counts;
  const chart = (spec: TopLevelSpec, id: string, label: string) => renderChart(spec, id, label, opts);
  const parts: string[] = [];
  const title = opts.title ?? `Lead scoring summary: ${s.model.name}`;

  parts.push(
    `<header><h1>${esc(title)}</h1><p>Model <b>${esc(s.model.name)}</b> · as of <b>${esc(s.as_of)}</b> · ` +
      `leadscore ${esc(s.leadscore_version)} · run started ${esc(s.started_at)} · ${esc((s.duration_ms / 1000).toFixed(2))} s</p></header>`,
  );
  const rejectedActivities = c.activities_rejected;
  const tiles: [string, string][] = [
    [int(c.scored), `leads scored of ${int(c.leads_read)} read`],
    [int(c.rejected), `leads rejected${c.duplicates ? ` (${int(c.duplicates)} duplicate ids)` : ''}`],
    [int(c.activities_used), `activities used of ${int(c.activities_read)} read`],
    [int(rejectedActivities), 'activity rows rejected'],
  ];
  const top = s.bands.slice(0, Math.max(1, s.bands.length - 1)).filter((b) => b.min !== null);
  if (top.length) {
    const n = top.reduce((a, b) => a + b.count, 0);
    tiles.push([int(n), `leads in ${top.map((b) => b.name).join(' + ')} (${c.scored ? pct(n / c.scored) : '0.0%'})`]);
  }
  if (s.changes?.handoff_band) {
    tiles.push([int(s.changes.crossed), `entered ${s.changes.handoff_band} or higher since the previous run`]);
  }
  parts.push(`<div class="tiles">${tiles.map(([v, l]) => `<div class="tile"><b>${esc(v)}</b><span>${esc(l)}</span></div>`).join('')}</div>`);

  const grid: string[] = [];
  const labels = bandLabels(s.bands);
  grid.push(
    figure(
      'bands',
      'Leads per band',
      await chart(bandsSpec(s), 'bands', 'Leads per band'),
      table(
        ['band', 'leads', 'share', 'score range'],
        s.bands.map((b, i): Cell[] => [
          labels[i]!,
          { text: int(b.count), cls: 'n' },
          { text: pct(b.share), cls: 'n' },
          { text: b.score_min === null ? '—' : `${num(b.score_min)} – ${num(b.score_max ?? b.score_min)}`, cls: 'n' },
        ]),
      ),
    ),
  );
  grid.push(
    figure(
      'histogram',
      'Score distribution',
      await chart(histogramSpec(s), 'histogram', 'Score histogram with band thresholds'),
      'Leads per 10-point score bin (the last bin includes 100). Dashed lines: band thresholds.',
    ),
  );
  if (s.grade_matrix && s.grade_matrix.fit.length && s.grade_matrix.activity.length) {
    grid.push(
      figure(
        'grades',
        'Grade matrix',
        await chart(gradeSpec(s.grade_matrix, c.scored), 'grades', 'Grade matrix heat map'),
        `Leads per grade: fit letter (who the lead is) × activity digit (what the lead did), with the share of scored leads. ` +
          `Top left (${esc(s.grade_matrix.fit[0]!)}${esc(s.grade_matrix.activity[0]!)}) is the best fit and the most active.`,
      ),
    );
  }
  grid.push(section('quality', 'Data quality', dataQualityTable(s)));

  if (s.rules.length) {
    grid.push(
      figure(
        'rules',
        'Rule contributions',
        await chart(rulesSpec(s), 'rules', 'Rule contributions: total points per rule'),
        'Bars: total points each rule added (or, in red, took away) over all scored leads. ' +
          'Text: how many scored leads the rule matched (share of scored leads) and its total points. ' +
          'Rules with a flag and no points show 0.' +
          (s.rules.length > MAX_CHART_RULES ? ` The model has ${int(s.rules.length)} rules: the ${MAX_CHART_RULES} with the largest totals are shown (summary.json and summary.md list every rule).` : ''),
        'wide',
      ),
    );
  }

  const ch = s.changes;
  const transitions = normaliseTransitions(ch?.transitions ?? s.transitions);
  if (transitions.length) {
    grid.push(
      figure(
        'transitions',
        'Band transitions since the previous run',
        await chart(transitionsSpec(transitions, s.bands.map((b) => b.name)), 'transitions', 'Band transition matrix'),
        `${ch ? changesNote(ch) : transitionNote(transitions, s.bands.map((b) => b.name))} ` +
          `Outlined cells: leads that stayed in their band. “new”: not in the previous run.`,
      ),
    );
  }
  const movers = normaliseMovers(ch?.movers ?? s.movers);
  if (movers.up.length || movers.down.length) grid.push(section('movers', 'Largest movers', moversTables(movers, opts.maxMovers ?? 15)));

  const reasons = normaliseTopReasons(s.top_reasons ?? s.reasons_by_band ?? s.bands.map((b) => ({ band: b.name, reasons: b.top_reasons ?? [] })));
  if (reasons.length) grid.push(section('reasons', 'Top reasons per band', reasonsTable(reasons), 'wide'));

  if (s.interests.length) {
    grid.push(
      section(
        'interests',
        'Interests',
        table(
          ['interest', 'leads with points', 'total points'],
          s.interests.map((i) => [i.name, { text: int(i.leads), cls: 'n' }, { text: points(i.total), cls: 'n' }]),
        ),
      ),
    );
  }
  if (s.segments?.length) {
    const names = s.bands.map((b) => b.name);
    grid.push(
      section(
        'segments',
        'Leads per band in each segment',
        table(['segment', 'leads', ...names], s.segments.map((g) => [g.id || '(no segment)', { text: int(g.leads), cls: 'n' }, ...names.map((n) => ({ text: int(g.bands[n] ?? 0), cls: 'n' }))])),
        'wide',
      ),
    );
  }
  if (s.accounts) {
    const a = s.accounts;
    const none = Object.entries(a.noAccount).filter(([, n]) => n > 0);
    grid.push(
      section(
        'accounts',
        'Accounts',
        table(['accounts', 'count'], [
          ['accounts in accounts.csv', { text: int(a.accounts), cls: 'n' }],
          ['scored leads in them', { text: int(a.leadsInAccounts), cls: 'n' }],
          ['accounts below min_leads (left out)', { text: int(a.belowMinLeads.accounts), cls: 'n' }],
          ...none.map(([k, n]): Cell[] => [`leads without an account: ${k.replace('_', ' ')}`, { text: int(n), cls: 'n' }]),
        ]),
      ),
    );
  }
  grid.push(section('run', 'Run', runTable(s), 'wide'));
  parts.push(`<div class="grid">${grid.join('\n')}</div>`);
  parts.push(`<footer>Written by leadscore ${esc(s.leadscore_version)} from the same data as summary.json and summary.md.</footer>`);
  return page(title, parts.join('\n'), { generator: `leadscore ${s.leadscore_version}` });
}

function dataQualityTable(s: Summary): string {
  const c = s.counts;
  const dq = s.data_quality;
  const rows: Cell[][] = [];
  const add = (what: string, n: number) => rows.push([what, { text: int(n), cls: 'n' }]);
  for (const [reason, n] of Object.entries(dq.rejected_by_reason)) rows.push([{ html: `rejected: <code>${esc(reason)}</code>` }, { text: int(n), cls: 'n' }]);
  add('duplicate lead ids (rejected)', dq.duplicate_ids);
  add('orphan activities (lead id not in leads)', dq.orphan_activities);
  add('activities after as-of (ignored)', c.activities_ignored.after_as_of);
  add('activities outside the window (ignored)', c.activities_ignored.outside_window);
  add('blank lines (skipped)', dq.blank_lines);
  for (const [type, n] of Object.entries(dq.unknown_activity_types)) rows.push([{ html: `activity type no rule names: <code>${esc(type)}</code>` }, { text: int(n), cls: 'n' }]);
  for (const [field, n] of Object.entries(dq.unparsable_values)) rows.push([{ html: `values that did not parse in <code>${esc(field)}</code>` }, { text: int(n), cls: 'n' }]);
  return table(['check', 'count'], rows) + `<p class="note">Rejected rows are listed with file, line and reason in <code>rejects.csv</code>.</p>`;
}

function runTable(s: Summary): string {
  const rows: Cell[][] = [
    ['model', { html: `${esc(s.model.name)} (<code>${esc(s.model.path)}</code>)` }],
    ['model sha256', { html: `<code>${esc(s.model.sha256)}</code>` }],
    ['as of', s.as_of],
    ...s.inputs.map(
      (i): Cell[] => [
        i.role,
        {
          html:
            `<code>${esc(i.path)}</code>: ${esc(int(i.rows))} rows, ${esc(int(i.rejected))} rejected` +
            (i.bytes !== undefined ? `, ${esc(int(i.bytes))} bytes` : '') +
            (i.sha256 ? `<br>sha256 <code>${esc(i.sha256)}</code>` : ''),
        },
      ],
    ),
    ['leadscore', s.leadscore_version],
    ['started', s.started_at],
    ['duration', `${(s.duration_ms / 1000).toFixed(2)} s`],
  ];
  if (s.command) rows.push(['command', { html: `<code>${esc(s.command)}</code>` }]);
  return table(['fact', 'value'], rows, { cls: 'facts' });
}

function transitionNote(cells: TransitionInput[], bandOrder: string[]): string {
  let up = 0;
  let down = 0;
  let same = 0;
  let added = 0;
  for (const t of cells) {
    const f = t.from === null || t.from === '' || t.from === 'new' ? -1 : bandOrder.indexOf(t.from);
    const to = t.to === null ? -2 : bandOrder.indexOf(t.to);
    if (f === -1) added += t.count;
    else if (f < 0 || to < 0) continue;
    else if (to < f) up += t.count;
    else if (to > f) down += t.count;
    else same += t.count;
  }
  return `${int(up)} leads moved to a hotter band, ${int(down)} to a colder one, ${int(same)} stayed, ${int(added)} are new.`;
}

function changesNote(ch: NonNullable<Summary['changes']>): string {
  return (
    `Against <code>${esc(ch.path)}</code> (${esc(int(ch.previous_leads))} leads): ${esc(int(ch.up))} moved to a hotter band, ` +
    `${esc(int(ch.down))} to a colder one, ${esc(int(ch.same))} stayed, ${esc(int(ch.new))} are new, ${esc(int(ch.gone))} are gone` +
    (ch.handoff_band ? `; ${esc(int(ch.crossed))} entered ${esc(ch.handoff_band)} or higher (<code>crossed.csv</code>).` : '.')
  );
}

function moversTables(m: { up: Mover[]; down: Mover[] }, max: number): string {
  const rows = (list: Mover[]) =>
    list.slice(0, max).map((x): Cell[] => [
      { html: `<code>${esc(x.id)}</code>` },
      `${x.previousBand ?? 'new'} → ${x.band ?? '—'}`,
      { text: x.previousScore === null ? '—' : num(x.previousScore), cls: 'n' },
      { text: num(x.score), cls: 'n' },
      { text: x.change === null ? 'new' : points(x.change), cls: `n ${x.change !== null && x.change < 0 ? 'down' : 'up'}` },
    ]);
  const head = ['lead', 'band', 'previous score', 'score', 'change'];
  const out: string[] = [];
  if (m.up.length) out.push(table(head, rows(m.up), { caption: 'Up (largest gains first)' }));
  if (m.down.length) out.push(table(head, rows(m.down), { caption: 'Down (largest losses first)' }));
  return out.join('');
}

function reasonsTable(rows: ReasonRow[]): string {
  return table(
    ['band', 'most frequent reasons (leads, total points)'],
    rows.map((r): Cell[] => [
      r.band,
      {
        html: r.reasons
          .map(
            (x) =>
              `<code>${esc(x.rule)}</code>` +
              (x.leads !== null || x.points !== null
                ? ` (${[x.leads !== null ? `${esc(int(x.leads))} leads` : '', x.points !== null ? `${esc(points(x.points))} pts` : ''].filter(Boolean).join(', ')})`
                : ''),
          )
          .join(' · '),
      },
    ]),
  );
}
