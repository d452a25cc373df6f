// evaluation.html: the backtest report of `leadscore evaluate` as one self-contained page with inline
// SVG charts (Vega-Lite -> Vega -> SVG in Node, see chart.ts): ROC curve with AUC, cumulative gains
// and lift by decile, conversion per band and grade, precision and recall by threshold, calibration
// for predictive models, the rule analysis, and with --compare both models side by side.
import type { TopLevelSpec } from 'vega-lite';
import type { Evaluation, ModelEvaluation } from '../../core/report/evaluation.js';
import { BAR, INK, MUTED, NEGATIVE, renderChart, type ChartOptions } from './chart.js';
import { esc, figure, int, num, page, pct, points, section, table, type Cell } from './page.js';
import { maxOf, minOf } from '../../core/numbers.js';

export interface EvaluationHtmlOptions extends ChartOptions {
  /** The page title; default "Evaluation of <model name>". */
  title?: string;
  /** Rules shown in the rule-analysis chart (default 25, by how often they fired); the table lists all. */
  maxRuleBars?: number;
}

const COMPARE_B = '#d55e00';

const pc = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : pct(x, d));
const nm = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : num(x, d));
const fin = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

interface RocLike {
  threshold: number | null;
  fpr: number;
  tpr: number;
}

const ROC_LEGEND = { orient: 'bottom-right', title: null, symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 260 } as const;

function rocSpec(m: ModelEvaluation, other?: { name: string; roc: RocLike[]; auc: number | null }): TopLevelSpec {
  const curves = [{ name: m.name, roc: m.roc ?? [], auc: m.auc }, ...(other ? [other] : [])];
  const line = curves.flatMap((c, k) => c.roc.map((p, i) => ({ model: `${c.name} (AUC ${nm(c.auc)})`, fpr: p.fpr, tpr: p.tpr, i, k })));
  const negatives = m.leads - m.positives;
  const marks = m.bands
    .filter((b) => b.at_or_above && negatives > 0)
    .map((b) => {
      const a = b.at_or_above!;
      return { fpr: (a.leads - a.positives) / negatives, tpr: a.recall ?? 0, label: `${b.name} ≥ ${num(a.threshold, Number.isInteger(a.threshold) ? 0 : 2)}` };
    });
  const ci = m.auc_ci ? ` (${Math.round(m.auc_ci.level * 100)}% CI ${nm(m.auc_ci.lower)}–${nm(m.auc_ci.upper)})` : '';
  const two = curves.length > 1;
  return {
    description: `ROC curve of ${m.name}: AUC ${nm(m.auc)}${ci}`,
    width: 330,
    height: 330,
    layer: [
      {
        data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
        mark: { type: 'line', color: MUTED, strokeDash: [4, 4], strokeWidth: 1 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'false positive rate (other leads called)', format: '.0%', tickCount: 5 } },
          y: { field: 'tpr', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'true positive rate (conversions caught)', format: '.0%', tickCount: 5 } },
        },
      },
      {
        data: { values: line },
        mark: { type: 'line', strokeWidth: 2.5 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative' },
          y: { field: 'tpr', type: 'quantitative' },
          order: { field: 'i', type: 'quantitative' },
          color: { field: 'model', type: 'nominal', sort: null, scale: { range: [BAR, COMPARE_B] }, legend: two ? ROC_LEGEND : null },
          strokeDash: { field: 'model', type: 'nominal', sort: null, scale: { range: [[1, 0], [6, 3]] }, legend: two ? ROC_LEGEND : null },
        },
      },
      {
        data: { values: marks },
        mark: { type: 'point', filled: true, color: INK, size: 40 },
        encoding: { x: { field: 'fpr', type: 'quantitative' }, y: { field: 'tpr', type: 'quantitative' } },
      },
      {
        data: { values: marks },
        mark: { type: 'text', align: 'left', dx: 7, dy: 10, fontSize: 11, fontWeight: 'bold' },
        encoding: { x: { field: 'fpr', type: 'quantitative' }, y: { field: 'tpr', type: 'quantitative' }, text: { field: 'label' } },
      },
      ...(two
        ? []
        : [
            {
              data: { values: [{ label: `AUC ${nm(m.auc)}${ci}` }] },
              mark: { type: 'text' as const, x: 'width' as const, y: 'height' as const, dy: -30, align: 'right' as const, fontSize: 13, fontWeight: 'bold' as const },
              encoding: { text: { field: 'label' } },
            },
          ]),
    ],
  } as TopLevelSpec;
}

function gainsSpec(m: ModelEvaluation): TopLevelSpec {
  const values = [
    { x: 0, y: 0, label: '' },
    ...m.gains.filter((g) => fin(g.gain) && m.leads > 0).map((g) => ({ x: g.cumulative_leads / m.leads, y: g.gain!, label: pc(g.gain, 0) })),
  ];
  return {
    description: `Cumulative gains of ${m.name}: ${values.slice(1).map((v) => `${pct(v.x, 0)} of leads catch ${v.label} of conversions`).join(', ')}`,
    width: 330,
    height: 260,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
        mark: { type: 'line', color: MUTED, strokeDash: [4, 4], strokeWidth: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: 'leads called, highest score first', format: '.0%', tickCount: 10 } },
          y: { field: 'y', type: 'quantitative', scale: { domain: [0, 1.08] }, axis: { title: 'conversions caught (cumulative gain)', format: '.0%', values: [0, 0.2, 0.4, 0.6, 0.8, 1] } },
        },
      },
      {
        data: { values },
        mark: { type: 'line', color: BAR, strokeWidth: 2.5, point: { filled: true, size: 36, color: BAR } },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'text', dy: -9, dx: -4, fontSize: 11, align: 'right' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

function liftSpec(m: ModelEvaluation): TopLevelSpec {
  const values = m.gains.map((g) => ({ decile: String(g.decile), lift: fin(g.lift) ? g.lift : 0, label: fin(g.lift) ? `${num(g.lift, 2)}×` : '–' }));
  const max = maxOf(values.map((v) => v.lift), 1.2);
  return {
    description: `Lift by decile of ${m.name}: ${values.map((v) => `decile ${v.decile} ${v.label}`).join(', ')}`,
    width: 330,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: BAR },
        encoding: {
          x: { field: 'decile', type: 'ordinal', sort: null, axis: { title: 'decile (1 = the top tenth of scores)', labelAngle: 0 } },
          y: { field: 'lift', type: 'quantitative', scale: { domain: [0, max * 1.15], nice: false }, axis: { title: 'lift (conversion ÷ base conversion)', tickCount: 5 } },
        },
      },
      {
        data: { values },
        mark: { type: 'text', baseline: 'bottom', dy: -3, fontSize: 11 },
        encoding: { x: { field: 'decile', type: 'ordinal', sort: null }, y: { field: 'lift', type: 'quantitative' }, text: { field: 'label' } },
      },
      { data: { values: [{ y: 1 }] }, mark: { type: 'rule', color: INK, strokeDash: [5, 3] }, encoding: { y: { field: 'y', type: 'quantitative' } } },
    ],
  } as TopLevelSpec;
}

interface RateRow {
  label: string;
  leads: number;
  positives: number;
  conversion: number | null;
  lift: number | null;
}

function conversionSpec(rows: RateRow[], base: number | null, what: string): TopLevelSpec {
  const values = rows.map((r) => ({
    label: r.label,
    conversion: fin(r.conversion) ? r.conversion : 0,
    text: fin(r.conversion) ? `${pct(r.conversion)} (${int(r.positives)} of ${int(r.leads)})${fin(r.lift) ? ` · lift ${num(r.lift, 2)}` : ''}` : `no leads`,
  }));
  const max = maxOf(values.map((v) => v.conversion), Math.max(0.01, base ?? 0));
  return {
    description: `Conversion per ${what}: ${values.map((v) => `${v.label} ${v.text}`).join('; ')}`,
    width: 220,
    height: { step: 30 },
    layer: [
      {
        data: { values },
        mark: { type: 'bar', color: BAR, height: { band: 0.7 } },
        encoding: {
          y: { field: 'label', type: 'nominal', sort: null, axis: { title: null, labelFontWeight: 'bold', labelFontSize: 12, labelLimit: 220 } },
          x: { field: 'conversion', type: 'quantitative', scale: { domain: [0, max * 1.05] }, axis: { title: 'conversion rate', format: '.0%', tickCount: 5 } },
        },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', baseline: 'middle', x: 'width', dx: 8, fontSize: 12 },
        encoding: { y: { field: 'label', type: 'nominal', sort: null }, text: { field: 'text' } },
      },
      ...(fin(base)
        ? [
            { data: { values: [{ x: base }] }, mark: { type: 'rule' as const, color: INK, strokeDash: [5, 3] }, encoding: { x: { field: 'x', type: 'quantitative' as const } } },
            {
              data: { values: [{ x: base, t: `base ${pct(base)}` }] },
              mark: { type: 'text' as const, y: -4, baseline: 'bottom' as const, align: 'left' as const, dx: 3, fontSize: 11, fontWeight: 'bold' as const },
              encoding: { x: { field: 'x', type: 'quantitative' as const }, text: { field: 't' } },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}

function gradeSpec(grades: NonNullable<ModelEvaluation['grades']>): TopLevelSpec | null {
  const parsed = grades.map((g) => ({ ...g, fit: g.name.slice(0, 1), activity: g.name.slice(1) }));
  if (!parsed.every((g) => /^[A-Za-z]$/.test(g.fit) && g.activity !== '')) return null;
  const fits = [...new Set(parsed.map((g) => g.fit))];
  const acts = [...new Set(parsed.map((g) => g.activity))];
  const values = parsed.map((g) => ({
    fit: g.fit,
    activity: g.activity,
    conversion: fin(g.conversion) ? g.conversion : null,
    top: g.leads ? pc(g.conversion) : '–',
    sub: `${g.name} · ${int(g.leads)} leads`,
  }));
  const max = maxOf(values.map((v) => v.conversion ?? 0), 0.01);
  const textColour = { condition: { test: `datum.conversion !== null && datum.conversion > ${max * 0.55}`, value: '#ffffff' }, value: INK };
  return {
    description: `Conversion per grade: ${values.map((v) => `${v.fit}${v.activity} ${v.top}`).join(', ')}`,
    width: { step: 92 },
    height: { step: 50 },
    data: { values },
    encoding: {
      x: { field: 'activity', type: 'ordinal', sort: acts, axis: { title: 'activity digit (engagement)', orient: 'top', labelAngle: 0, labelFontWeight: 'bold', ticks: false, domain: false } },
      y: { field: 'fit', type: 'ordinal', sort: fits, axis: { title: 'fit letter', labelFontWeight: 'bold', ticks: false, domain: false } },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 },
        encoding: {
          color: {
            condition: { test: 'datum.conversion === null', value: '#f0f0f0' },
            field: 'conversion',
            type: 'quantitative',
            scale: { scheme: 'greens', domain: [0, max] },
            legend: null,
          },
        },
      },
      { mark: { type: 'text', dy: 8, fontSize: 15, fontWeight: 'bold', baseline: 'middle' }, encoding: { text: { field: 'top' }, color: textColour } },
      { mark: { type: 'text', dy: -10, fontSize: 10, baseline: 'middle' }, encoding: { text: { field: 'sub' }, color: textColour } },
    ],
  } as TopLevelSpec;
}

const PR_LEGEND = { orient: 'top', title: null, direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 320 } as const;

function precisionRecallSpec(m: ModelEvaluation): TopLevelSpec | null {
  const roc = (m.roc ?? []).filter((p) => p.threshold !== null);
  const P = m.positives;
  const N = m.leads - m.positives;
  if (!roc.length || !P) return null;
  const values = roc.flatMap((p) => {
    const tp = p.tpr * P;
    const fp = p.fpr * N;
    return [
      { threshold: p.threshold, metric: 'recall (conversions caught)', value: p.tpr },
      ...(tp + fp > 0 ? [{ threshold: p.threshold, metric: 'precision (conversion of leads called)', value: tp / (tp + fp) }] : []),
    ];
  });
  const rules: { x: number; label: string }[] = m.bands.filter((b) => b.at_or_above).map((b) => ({ x: b.at_or_above!.threshold, label: `${b.name} ≥ ${num(b.at_or_above!.threshold, 0)}` }));
  const sug = m.thresholds.suggestion?.point;
  const lo = minOf(roc.map((p) => p.threshold!));
  const hi = maxOf(roc.map((p) => p.threshold!));
  return {
    description: `Precision and recall of ${m.name} when every lead at or above a score is called`,
    width: 330,
    height: 240,
    layer: [
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 2.5, interpolate: 'step-after' },
        encoding: {
          x: { field: 'threshold', type: 'quantitative', scale: { domain: [Math.min(0, lo), Math.max(100, hi)], nice: false }, axis: { title: 'call every lead with score ≥', tickCount: 10 } },
          y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, axis: { title: null, format: '.0%', tickCount: 5 } },
          color: { field: 'metric', type: 'nominal', scale: { range: [BAR, COMPARE_B] }, legend: PR_LEGEND },
          strokeDash: { field: 'metric', type: 'nominal', scale: { range: [[1, 0], [6, 3]] }, legend: PR_LEGEND },
        },
      },
      { data: { values: rules }, mark: { type: 'rule', color: MUTED, strokeDash: [2, 2] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
      {
        data: { values: rules },
        mark: { type: 'text', y: 'height', dy: -4, dx: 3, align: 'left', baseline: 'bottom', angle: 270, fontSize: 11 },
        encoding: { x: { field: 'x', type: 'quantitative' }, text: { field: 'label' } },
      },
      ...(sug
        ? [
            { data: { values: [{ x: sug.threshold }] }, mark: { type: 'rule' as const, color: INK, strokeWidth: 2 }, encoding: { x: { field: 'x', type: 'quantitative' as const } } },
            {
              data: { values: [{ x: sug.threshold, t: `suggested ≥ ${num(sug.threshold, 2)}` }] },
              mark: { type: 'text' as const, y: 0, dy: 4, dx: 4, align: 'left' as const, baseline: 'top' as const, fontSize: 11, fontWeight: 'bold' as const },
              encoding: { x: { field: 'x', type: 'quantitative' as const }, text: { field: 't' } },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}

function calibrationSpec(m: ModelEvaluation): TopLevelSpec | null {
  if (!m.calibration.applies) return null;
  const values = m.calibration.deciles
    .filter((d) => fin(d.mean_predicted) && fin(d.observed))
    .map((d) => ({ decile: d.decile, predicted: d.mean_predicted!, observed: d.observed!, label: `${d.decile}: ${pct(d.observed!)}` }));
  if (!values.length) return null;
  const max = Math.min(1, maxOf(values.map((v) => Math.max(v.predicted, v.observed)), 0.05) * 1.1);
  return {
    description: `Calibration of ${m.name} by decile: ${values.map((v) => `decile ${v.decile} predicted ${pct(v.predicted)} observed ${pct(v.observed)}`).join(', ')}`,
    width: 300,
    height: 300,
    layer: [
      {
        data: { values: [{ x: 0, y: 0 }, { x: max, y: max }] },
        mark: { type: 'line', color: MUTED, strokeDash: [4, 4], strokeWidth: 1 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: { domain: [0, max], nice: false }, axis: { title: 'mean predicted probability', format: '.0%' } },
          y: { field: 'y', type: 'quantitative', scale: { domain: [0, max], nice: false }, axis: { title: 'observed conversion', format: '.0%' } },
        },
      },
      {
        data: { values },
        mark: { type: 'line', color: BAR, strokeWidth: 2, point: { filled: true, size: 40, color: BAR } },
        encoding: { x: { field: 'predicted', type: 'quantitative' }, y: { field: 'observed', type: 'quantitative' }, order: { field: 'predicted', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 },
        encoding: { x: { field: 'predicted', type: 'quantitative' }, y: { field: 'observed', type: 'quantitative' }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

function ruleLiftSpec(m: ModelEvaluation, max: number): TopLevelSpec | null {
  // A rule that fired on every lead (a predictive feature, say) has nothing to compare with: no bar.
  const rules = m.rule_analysis.rules.filter((r) => fin(r.lift) && r.fired > 0 && r.conversion_not_fired !== null);
  if (!rules.length) return null;
  const shown = [...rules].sort((a, b) => b.fired - a.fired || (a.id < b.id ? -1 : 1)).slice(0, max);
  const keep = new Set(shown.map((r) => r.id));
  const values = m.rule_analysis.rules
    .filter((r) => keep.has(r.id))
    .map((r) => ({
      rule: `${r.low_count ? '⚠ ' : ''}${r.id}`,
      lift: r.lift!,
      label: `${num(r.lift!, 2)}× · ${pc(r.conversion_fired)} when fired, ${pc(r.conversion_not_fired)} when not · ${int(r.fired)} leads`,
    }));
  const hi = maxOf(values.map((v) => v.lift), 1.5);
  return {
    description: `Lift of each rule: ${values.map((v) => `${v.rule} ${v.label}`).join('; ')}`,
    width: 300,
    height: { step: 20 },
    layer: [
      {
        data: { values },
        mark: { type: 'bar', height: { band: 0.7 } },
        encoding: {
          y: { field: 'rule', type: 'nominal', sort: null, axis: { title: null, labelLimit: 220 } },
          x: { field: 'lift', type: 'quantitative', scale: { domain: [0, hi * 1.05] }, axis: { title: 'lift when the rule fired (conversion ÷ base)', tickCount: 6 } },
          color: { condition: { test: 'datum.lift < 1', value: NEGATIVE }, value: BAR },
        },
      },
      { data: { values: [{ x: 1 }] }, mark: { type: 'rule', color: INK, strokeDash: [5, 3] }, encoding: { x: { field: 'x', type: 'quantitative' } } },
      {
        data: { values },
        mark: { type: 'text', align: 'left', baseline: 'middle', x: 'width', dx: 8, fontSize: 11 },
        encoding: { y: { field: 'rule', type: 'nominal', sort: null }, text: { field: 'label' } },
      },
    ],
  } as TopLevelSpec;
}

function bandChangesSpec(c: NonNullable<Evaluation['compare']>): TopLevelSpec {
  const bc = c.band_changes;
  const values = bc.a_bands.flatMap((a, i) => bc.b_bands.map((b, j) => ({ a, b, count: bc.counts[i]?.[j] ?? 0, label: int(bc.counts[i]?.[j] ?? 0) })));
  const max = maxOf(values.map((v) => v.count), 1);
  return {
    description: `Band changes between ${c.a.name} and ${c.b.name}: ${bc.changed} of ${c.leads} leads change band`,
    width: { step: 76 },
    height: { step: 40 },
    data: { values },
    encoding: {
      x: { field: 'b', type: 'ordinal', sort: bc.b_bands, axis: { title: `band in ${c.b.name}`, orient: 'top', labelAngle: 0, labelFontWeight: 'bold', ticks: false, domain: false } },
      y: { field: 'a', type: 'ordinal', sort: bc.a_bands, axis: { title: `band in ${c.a.name}`, labelFontWeight: 'bold', ticks: false, domain: false } },
    },
    layer: [
      { mark: { type: 'rect', stroke: '#ffffff', strokeWidth: 2 }, encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'purples', domain: [0, max] }, legend: null } } },
      {
        mark: { type: 'text', baseline: 'middle', fontSize: 13, fontWeight: 'bold' },
        encoding: { text: { field: 'label' }, color: { condition: { test: `datum.count > ${max * 0.55}`, value: '#ffffff' }, value: INK } },
      },
    ],
  } as TopLevelSpec;
}

const isRoc = (x: unknown): x is RocLike[] =>
  Array.isArray(x) && x.length > 1 && x.every((p) => typeof p === 'object' && p !== null && fin((p as RocLike).fpr) && fin((p as RocLike).tpr));

export async function renderEvaluationHtml(evaluation: Evaluation, opts: EvaluationHtmlOptions = {}): Promise<string> {
  const e = evaluation;
  const m = e.model;
  const o = e.outcome;
  const c = e.compare;
  const chart = (spec: TopLevelSpec, id: string, label: string) => renderChart(spec, id, label, opts);
  const title = opts.title ?? `Evaluation of ${m.name}`;
  const parts: string[] = [];
  parts.push(
    `<header><h1>${esc(title)}</h1><p>Model <b>${esc(m.name)}</b> against the outcome column <b>${esc(o.column)}</b> ` +
      `(converted = ${o.positive_values.map((v) => `<code>${esc(v)}</code>`).join(', ')}) · as of <b>${esc(e.as_of)}</b> · leadscore ${esc(e.leadscore_version)}</p></header>`,
  );
  const ci = m.auc_ci ? `${Math.round(m.auc_ci.level * 100)}% CI ${nm(m.auc_ci.lower)}–${nm(m.auc_ci.upper)}` : (m.auc_ci_reason ?? '');
  const tiles: [string, string][] = [
    [nm(m.auc), `ROC AUC${ci ? ` (${ci})` : ''}${m.auc_reason ? ` — ${m.auc_reason}` : ''}`],
    [nm(m.gini), 'Gini (2 × AUC − 1)'],
    [m.ks ? nm(m.ks.ks) : '–', m.ks ? `KS, at score ${num(m.ks.score, 2)}` : `KS — ${m.ks_reason ?? 'not defined'}`],
    [pc(m.base_conversion), `base conversion: ${int(o.positives)} of ${int(o.evaluated)} leads converted`],
  ];
  if (c && fin(c.auc_difference)) {
    tiles.push([`${c.auc_difference >= 0 ? '+' : '−'}${num(Math.abs(c.auc_difference), 3)}`, `AUC of ${c.b.name} − AUC of ${c.a.name}`]);
  }
  parts.push(`<div class="tiles">${tiles.map(([v, l]) => `<div class="tile"><b>${esc(v)}</b><span>${esc(l)}</span></div>`).join('')}</div>`);

  const grid: string[] = [];
  const extra = c ? (c.b as unknown as { roc?: unknown; name: string; auc: number | null }) : undefined;
  const overlay = c && isRoc(extra?.roc) && c.a.name === m.name ? { name: c.b.name, roc: extra!.roc as RocLike[], auc: c.b.auc } : undefined;
  if (m.roc && m.roc.length > 1) {
    grid.push(
      figure(
        'roc',
        overlay ? 'ROC curves of both models' : 'ROC curve',
        await chart(rocSpec(m, overlay), 'roc', 'ROC curve'),
        'Every threshold on the score: the share of conversions caught against the share of the other leads called. ' +
          'Dashed diagonal: a random order. Dots: the band thresholds.',
      ),
    );
  } else grid.push(section('roc', 'ROC curve', `<p>Not defined: ${esc(m.auc_reason ?? 'the evaluated leads have one outcome only')}.</p>`));
  const prSpec = precisionRecallSpec(m);
  if (prSpec) {
    grid.push(
      figure(
        'thresholds',
        'Precision and recall by threshold',
        await chart(prSpec, 'thresholds', 'Precision and recall by score threshold'),
        'Calling every lead at or above a score: precision is the conversion rate of the leads called, recall the share of all conversions they hold.',
      ),
    );
  }
  if (m.gains.length) {
    grid.push(
      figure('gains', 'Cumulative gains', await chart(gainsSpec(m), 'gains', 'Cumulative gains chart'), 'Dashed diagonal: calling leads in a random order.'),
    );
    grid.push(
      figure(
        'lift',
        'Lift by decile',
        await chart(liftSpec(m), 'lift', 'Lift by decile'),
        'Conversion of each tenth of the leads (by score, highest first) divided by the base conversion; dashed line: lift 1.',
      ),
    );
  }
  const bandRows: RateRow[] = m.bands.map((b) => ({ label: b.min === null ? b.name : `${b.name} ≥ ${num(b.min, Number.isInteger(b.min) ? 0 : 2)}`, ...b }));
  grid.push(figure('bands', 'Conversion per band', await chart(conversionSpec(bandRows, m.base_conversion, 'band'), 'bands', 'Conversion per band'), 'Dashed line: the base conversion.'));
  const gSpec = m.grades ? gradeSpec(m.grades) : null;
  if (gSpec) {
    grid.push(figure('grades', 'Conversion per grade', await chart(gSpec, 'grades', 'Conversion per grade heat map'), 'Conversion rate and leads per grade (fit letter × activity digit).'));
  } else if (m.grades) {
    const rows = m.grades.filter((g) => g.leads > 0).map((g): RateRow => ({ label: g.name, ...g }));
    grid.push(figure('grades', 'Conversion per grade', await chart(conversionSpec(rows, m.base_conversion, 'grade'), 'grades', 'Conversion per grade')));
  }
  const cal = calibrationSpec(m);
  if (cal && m.calibration.applies) {
    grid.push(
      figure(
        'calibration',
        'Calibration',
        await chart(cal, 'calibration', 'Calibration plot'),
        `Predicted probability (score ÷ 100) against observed conversion, by decile; on the dashed diagonal the probabilities are right. Brier score ${esc(nm(m.calibration.brier, 4))}.`,
      ),
    );
  } else {
    grid.push(section('calibration', 'Calibration', `<p>Not applicable: ${esc(m.calibration.applies ? 'no decile has leads' : m.calibration.reason)}.</p>`));
  }
  grid.push(section('threshold-table', 'Thresholds', thresholdTable(m), 'wide'));
  const rl = ruleLiftSpec(m, opts.maxRuleBars ?? 25);
  if (rl) {
    grid.push(
      figure(
        'rules',
        'Rule lift',
        await chart(rl, 'rules', 'Lift of each rule'),
        '⚠ = too few leads to trust. Dashed line: lift 1 (the rule says nothing about conversion).',
        'wide',
      ),
    );
  }
  grid.push(section('rule-analysis', 'Rule analysis', ruleTable(m), 'wide'));
  if (c) {
    grid.push(section('compare', `Comparison: ${c.a.name} vs ${c.b.name}`, compareTables(c), 'wide'));
    grid.push(
      figure(
        'band-changes',
        'Band changes between the two models',
        await chart(bandChangesSpec(c), 'band-changes', 'Band change matrix'),
        `${esc(int(c.band_changes.changed))} of ${esc(int(c.leads))} leads change band.`,
      ),
    );
    const both: RateRow[] = [...c.a.bands.map((b) => ({ ...b, label: `${c.a.name} · ${b.name}` })), ...c.b.bands.map((b) => ({ ...b, label: `${c.b.name} · ${b.name}` }))];
    grid.push(figure('compare-bands', 'Conversion per band, both models', await chart(conversionSpec(both, m.base_conversion, 'band of each model'), 'compare-bands', 'Conversion per band of both models')));
  }
  grid.push(section('run', 'Run', runTable(e), 'wide'));
  parts.push(`<div class="grid">${grid.join('\n')}</div>`);
  parts.push(`<footer>Written by leadscore ${esc(e.leadscore_version)} from the same data as evaluation.json and evaluation.md.</footer>`);
  return page(title, parts.join('\n'), { generator: `leadscore ${e.leadscore_version}` });
}

function thresholdTable(m: ModelEvaluation): string {
  const rows: Cell[][] = m.bands
    .filter((b) => b.at_or_above)
    .map((b) => {
      const a = b.at_or_above!;
      return [
        `${b.name} or higher`,
        { text: num(a.threshold, 2), cls: 'n' },
        { text: int(a.leads), cls: 'n' },
        { text: pc(a.share), cls: 'n' },
        { text: int(a.positives), cls: 'n' },
        { text: pc(a.precision), cls: 'n' },
        { text: pc(a.recall), cls: 'n' },
      ];
    });
  const s = m.thresholds.suggestion;
  let note = '';
  if (s) {
    const target = s.target.kind === 'capacity' ? `a capacity of ${int(s.target.value)} leads` : `${s.target.kind} ${pct(s.target.value)}`;
    if (s.point) {
      const p = s.point;
      rows.push([
        { html: `<b>suggested for ${esc(target)}</b>` },
        { text: num(p.threshold, 2), cls: 'n' },
        { text: int(p.leads), cls: 'n' },
        { text: pc(p.share), cls: 'n' },
        { text: int(p.positives), cls: 'n' },
        { text: pc(p.precision), cls: 'n' },
        { text: pc(p.recall), cls: 'n' },
      ]);
    } else note = `<p class="note">No threshold meets ${esc(target)}: ${esc(s.reason ?? '')}.</p>`;
  }
  return table(['calling', 'score ≥', 'leads', 'share', 'converted', 'precision', 'recall'], rows) + note;
}

function ruleTable(m: ModelEvaluation): string {
  const ra = m.rule_analysis;
  const rows: Cell[][] = [];
  for (const r of ra.rules) {
    rows.push([
      { html: `${r.low_count ? '⚠ ' : ''}<code>${esc(r.id)}</code>` },
      r.section,
      { text: int(r.fired), cls: 'n' },
      { text: pc(r.share), cls: 'n' },
      { text: pc(r.conversion_fired), cls: 'n' },
      { text: pc(r.conversion_not_fired), cls: 'n' },
      { text: nm(r.lift, 2), cls: 'n' },
      { text: nm(r.log_odds_ratio, 2), cls: 'n' },
      { text: fin(r.mean_points) ? points(r.mean_points) : '–', cls: 'n' },
      { text: fin(r.suggested_points) ? points(r.suggested_points) : '–', cls: 'n' },
    ]);
    for (const l of r.levels ?? []) {
      rows.push([
        { html: `${l.low_count ? '⚠ ' : ''}&nbsp;&nbsp;↳ <code>${esc(r.id)}</code> = ${esc(points(l.points))}${l.reference ? ' (reference)' : ''}` },
        '',
        { text: int(l.fired), cls: 'n' },
        { text: pc(l.share), cls: 'n' },
        { text: pc(l.conversion_fired), cls: 'n' },
        { text: pc(l.conversion_not_fired), cls: 'n' },
        { text: nm(l.lift, 2), cls: 'n' },
        { text: nm(l.log_odds_ratio, 2), cls: 'n' },
        { text: points(l.points), cls: 'n' },
        { text: fin(l.suggested_points) ? points(l.suggested_points) : '–', cls: 'n' },
      ]);
    }
  }
  const intro =
    `<p class="note">Base conversion ${esc(pc(ra.base_conversion, 2))} (${esc(int(ra.positives))} of ${esc(int(ra.leads))}). ` +
    (fin(ra.points_per_log_odds)
      ? `Suggested points = log-odds ratio × ${esc(num(ra.points_per_log_odds, 1))} points per unit of log-odds (1 ÷ the slope of a logistic regression of the outcome on this model's score).`
      : 'No suggested points: the score does not rank the outcome on this data.') +
    ` ⚠ = too few leads to trust (fired on fewer than ${esc(int(ra.min_fired))}, or fewer than ${esc(int(ra.min_class))} converted or not).</p>`;
  return intro + table(['rule', 'section', 'fired', 'share', 'conv. fired', 'conv. not fired', 'lift', 'log-odds ratio', 'points now', 'suggested'], rows);
}

function compareTables(c: NonNullable<Evaluation['compare']>): string {
  const rows: Cell[][] = [
    ['ROC AUC', { text: nm(c.a.auc), cls: 'n' }, { text: nm(c.b.auc), cls: 'n' }],
    ['Gini', { text: nm(c.a.gini), cls: 'n' }, { text: nm(c.b.gini), cls: 'n' }],
    ['KS', { text: nm(c.a.ks), cls: 'n' }, { text: nm(c.b.ks), cls: 'n' }],
    ['KS at score', { text: nm(c.a.ks_score, 2), cls: 'n' }, { text: nm(c.b.ks_score, 2), cls: 'n' }],
  ];
  let note = `<p class="note">Both models on the ${esc(int(c.leads))} leads both evaluated`;
  if (c.only_a || c.only_b) note += ` (${esc(int(c.only_a))} only in ${esc(c.a.name)}, ${esc(int(c.only_b))} only in ${esc(c.b.name)})`;
  note += '.';
  if (fin(c.auc_difference)) {
    note +=
      ` AUC of ${esc(c.b.name)} − AUC of ${esc(c.a.name)}: <b>${esc(c.auc_difference >= 0 ? '+' : '−')}${esc(num(Math.abs(c.auc_difference), 3))}</b>` +
      (c.auc_difference_ci ? ` (${Math.round(c.auc_difference_ci.level * 100)}% paired bootstrap CI ${esc(nm(c.auc_difference_ci.lower))} to ${esc(nm(c.auc_difference_ci.upper))})` : '') +
      '. An interval that contains 0 means this data cannot tell the two apart.';
  }
  note += '</p>';
  return table(['', c.a.name, c.b.name], rows) + note;
}

function runTable(e: Evaluation): string {
  const o = e.outcome;
  const rows: Cell[][] = [
    ['model', { html: `${esc(e.model.name)} (<code>${esc(e.model.path)}</code>)` }],
    ['model sha256', { html: `<code>${esc(e.model.sha256)}</code>` }],
    ['as of', e.as_of],
    ...e.inputs.map((i): Cell[] => [i.role, { html: `<code>${esc(i.path)}</code>: ${esc(int(i.rows))} rows, ${esc(int(i.rejected))} rejected` }]),
    ['outcome', { html: `column <code>${esc(o.column)}</code> from ${o.source === 'leads' ? 'the leads file' : `<code>${esc(o.source)}</code>`}` }],
    [
      'evaluated',
      `${int(o.evaluated)} of ${int(o.scored)} scored leads (${int(o.leads_read)} read, ${int(o.rejected)} rejected); left out: ${int(o.missing_outcome)} without an outcome` +
        (o.source !== 'leads' ? `, ${int(o.not_in_outcomes)} not in the outcomes file` : ''),
    ],
    ['outcome values', o.values.map((v) => `${v.value} (${int(v.leads)}, ${v.positive ? 'converted' : 'not converted'})`).join(', ')],
    ['leadscore', e.leadscore_version],
    ['started', e.started_at],
    ['duration', `${(e.duration_ms / 1000).toFixed(2)} s`],
  ];
  if (e.command) rows.push(['command', { html: `<code>${esc(e.command)}</code>` }]);
  return table(['fact', 'value'], rows);
}
