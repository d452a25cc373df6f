// The charts of evaluation.html (Vega-Lite specs): ROC, gains, lift, conversion per band and grade,
// precision and recall by threshold, calibration, rule lift, band changes between two models.
import type { TopLevelSpec } from 'vega-lite';
import type { Evaluation, ModelEvaluation } from '../../core/report/evaluation.js';
import { BAR, INK, MUTED, NEGATIVE } from './chart.js';
import { int, num, pct } from './page.js';
import { maxOf, minOf } from '../../core/numbers.js';

export const COMPARE_B = '#d55e00';

export const pc = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : pct(x, d));
export const nm = (x: number | null | undefined, d = 3) => (x === null || x === undefined || !Number.isFinite(x) ? '–' : num(x, d));
export const fin = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);

export interface RocLike {
  threshold: number | null;
  fpr: number;
  tpr: number;
}

export const ROC_LEGEND = { orient: 'bottom-right', title: null, symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 260 } as const;

export function rocSpec(m: ModelEvaluation, other?: { name: string; roc: RocLike[]; auc: number | null }): TopLevelSpec {
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

export function gainsSpec(m: ModelEvaluation): TopLevelSpec {
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

export function liftSpec(m: ModelEvaluation): TopLevelSpec {
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

export interface RateRow {
  label: string;
  leads: number;
  positives: number;
  conversion: number | null;
  lift: number | null;
}

export function conversionSpec(rows: RateRow[], base: number | null, what: string): TopLevelSpec {
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

export function gradeSpec(grades: NonNullable<ModelEvaluation['grades']>): TopLevelSpec | null {
  const parsed = grades.map((g) => ({ ...g, fit: g.name.slice(0, 1), activity: g.name.slice(1) }));
  if (!parsed.every((g) => /^[A-Za-z]$/.test(g.fit) && g.activity !== '')) return null;
  const fits = [...new Set(parsed.map((g) => g.fit))];
  const acts = [...new Set(parsed.map((g) => g.activity))];
  const values = parsed.map((g) => ({
    fit: g.fit,
    activity: g.activity,
    fit_order: fits.indexOf(g.fit),
    activity_order: acts.indexOf(g.activity),
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
      // sorted by a number, not by the list of labels: a label like "toString" in a sort list breaks
      // vega's expression lookup (issue 16 item 9)
      x: { field: 'activity', type: 'ordinal', sort: { field: 'activity_order', op: 'min' }, axis: { title: 'activity digit (engagement)', orient: 'top', labelAngle: 0, labelFontWeight: 'bold', ticks: false, domain: false } },
      y: { field: 'fit', type: 'ordinal', sort: { field: 'fit_order', op: 'min' }, axis: { title: 'fit letter', labelFontWeight: 'bold', ticks: false, domain: false } },
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

export const PR_LEGEND = { orient: 'top', title: null, direction: 'vertical', symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 320 } as const;

export function precisionRecallSpec(m: ModelEvaluation): TopLevelSpec | null {
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

export function calibrationSpec(m: ModelEvaluation): TopLevelSpec | null {
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

export function ruleLiftSpec(m: ModelEvaluation, max: number): TopLevelSpec | null {
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

export function bandChangesSpec(c: NonNullable<Evaluation['compare']>): TopLevelSpec {
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

export const isRoc = (x: unknown): x is RocLike[] =>
  Array.isArray(x) && x.length > 1 && x.every((p) => typeof p === 'object' && p !== null && fin((p as RocLike).fpr) && fin((p as RocLike).tpr));
