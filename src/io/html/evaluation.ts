// evaluation.html: the backtest report of `leadscore evaluate` as one self-contained page with inline
// SVG charts (Vega-Lite -> Vega -> SVG in Node, see chart.ts): ROC curve with AUC, cumulative gains
// and lift by decile, conversion per band and grade, precision and recall by threshold, calibration
// for predictive models, the rule analysis, and with --compare both models side by side.
import type { TopLevelSpec } from 'vega-lite';
import type { Evaluation, ModelEvaluation } from '../../core/report/evaluation.js';
import { renderChart, type ChartOptions } from './chart.js';
import { esc, figure, int, num, page, pct, points, section, table, type Cell } from './page.js';
import { pc, nm, fin, rocSpec, gainsSpec, liftSpec, conversionSpec, gradeSpec, precisionRecallSpec, calibrationSpec, ruleLiftSpec, bandChangesSpec, isRoc, type RocLike, type RateRow } from './evaluation-charts.js';

export interface EvaluationHtmlOptions extends ChartOptions {
  /** The page title; default "Evaluation of <model name>". */
  title?: string;
  /** Rules shown in the rule-analysis chart (default 25, by how often they fired); the table lists all. */
  maxRuleBars?: number;
}

export async function renderEvaluationHtml(evaluation: Evaluation, opts: EvaluationHtmlOptions = {}): Promise<string> {
  const e = evaluation;
  const m = e.model;
  const o = e.outcome;
  const c = e.compare;
  const chart = (spec: TopLevelSpec, id: string, label: string) => renderChart(spec, id, label, opts);
  const title = opts.title ?? `Evaluation of ${m.name}`;
  const parts: string[] = [];
  parts.push(
    `<header><h1>${esc(title)}</h1><p>Model <b>${esc(m.name)}</b> against ${o.kind === 'presence' ? `being in <b>${esc(o.source)}</b>` : `the outcome column <b>${esc(o.column)}</b>`} ` +
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
  if (e.warnings?.length) {
    // the scoring run's warnings first, as in summary.html (docs/diagnostics.md, run warnings)
    parts.push(section('warnings', `Warnings (${e.warnings.length})`, table(['code', 'warning', 'what to do'],
      e.warnings.map((w): Cell[] => [{ html: `<code>${esc(w.code)}</code>` }, `${w.model ? `${w.model}: ` : ''}${w.file ? `${w.file}: ` : ''}${w.message}`, w.hint ?? ''])), 'wide'));
  }

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
      `${int(o.evaluated)} of ${int(o.scored)} scored leads (${int(o.leads_read)} read, ${int(o.rejected)} rejected); left out: ${int(o.missing_outcome)} without an outcome`,
    ],
    ...(o.source !== 'leads'
      ? [['outcomes file', `${int(o.matched ?? 0)} scored leads matched, ${int(o.not_in_outcomes)} not in it (not converted); ${int(o.outcome_ids_not_found ?? 0)} of its ids not among the scored leads`] as [string, string]]
      : []),
    ['outcome values', o.values.map((v) => `${v.value} (${int(v.leads)}, ${v.positive ? 'converted' : 'not converted'})`).join(', ')],
    ['leadscore', e.leadscore_version],
    ['started', e.started_at],
    ['duration', `${(e.duration_ms / 1000).toFixed(2)} s`],
  ];
  if (e.command) rows.push(['command', { html: `<code>${esc(e.command)}</code>` }]);
  return table(['fact', 'value'], rows);
}
