// The backtest report of `leadscore evaluate`: a model's scores against known outcomes. Pure: the
// evaluated sample (scores, outcomes, bands, grades, which rules fired) comes in; the evaluation object
// (written as evaluation.json) and its Markdown rendering (evaluation.md) come out.
import type { Band } from '../model/types.js';
import type { RunWarning } from './summary.js';
import {
  type BootstrapCi, type Calibration, type GainsRow, type GroupRate, type Ks, type Ranked, type RocPoint,
  aucOf, bootstrapAuc, eachBootstrapSample, calibration, conversionByGroup, downsample, gainsTable, giniOf, ksStatistic,
  logisticSlope, quantile, rank, rocAuc, rocCurve, undefinedReason,
} from '../learn/metrics.js';
import { type RuleAnalysis, type Firings, type RuleInfo, analyseRules } from '../learn/rule-analysis.js';
import { type Suggestion, type Target, type ThresholdPoint, atThreshold, suggestThreshold } from '../learn/thresholds.js';

/** The evaluated leads of one model: those scored that have an outcome. Arrays are aligned by lead. */
export interface EvaluationSample {
  ids: readonly string[];
  scores: Float64Array;
  /** 1 converted, 0 not. */
  labels: Uint8Array;
  /** Index into the model's bands, or −1. */
  bands: Int32Array;
  /** Index into gradeNames, or −1 (no grade). */
  grades: Int32Array;
  gradeNames: readonly string[];
  firings: Firings;
}

export interface ModelFacts {
  name: string;
  path: string;
  sha256: string;
  bands: readonly Band[];
  rules: readonly RuleInfo[];
  /** The score is 100 × a predicted probability (a `predictive` section): calibration applies. */
  predictive: boolean;
  /** Why calibration does not apply, when predictive is false (default: a points model). */
  notProbability?: string;
}

export interface EvaluateOptions {
  bootstrap: number;
  seed: number;
  target?: Target;
  /** Points kept of the ROC curve (default 101). */
  rocPoints?: number;
}

export interface BandRow extends GroupRate {
  min: number | null;
  /** Calling every lead in this band or above: leads, precision, recall (null for the catch-all band's min). */
  at_or_above: ThresholdPoint | null;
}

export interface ModelEvaluation {
  name: string;
  path: string;
  sha256: string;
  leads: number;
  positives: number;
  base_conversion: number | null;
  auc: number | null;
  auc_reason?: string;
  auc_ci: BootstrapCi | null;
  auc_ci_reason?: string;
  gini: number | null;
  ks: Ks | null;
  ks_reason?: string;
  bands: BandRow[];
  grades: GroupRate[] | null;
  gains: GainsRow[];
  roc: RocPoint[] | null;
  thresholds: { suggestion: Suggestion | null };
  calibration: ({ applies: true } & Calibration) | { applies: false; reason: string };
  rule_analysis: RuleAnalysis;
}

export interface OutcomeFacts {
  column: string;
  /** `leads` (a column of the leads file) or the path of the --outcomes file. */
  source: string;
  /**
   * How converted is read (core/learn/converted.ts): `words` (the converted words), `dates` (a date
   * column: a present date converts, an empty cell does not), `positive` (the --positive values).
   */
  kind: 'words' | 'dates' | 'positive' | 'presence';
  positive_values: string[];
  /** The most frequent outcome values (up to 12) and whether each counts as positive. */
  values: { value: string; leads: number; positive: boolean }[];
  leads_read: number;
  scored: number;
  rejected: number;
  evaluated: number;
  /** Scored leads whose outcome cell is empty or a null value: left out of the evaluation. */
  missing_outcome: number;
  /** With --outcomes (a left join): scored leads whose id is not in the outcomes file, evaluated as not converted. */
  not_in_outcomes: number;
  /** With --outcomes: scored leads whose id is in the outcomes file. */
  matched?: number;
  /** With --outcomes: distinct ids of the outcomes file that are not among the scored leads. */
  outcome_ids_not_found?: number;
  positives: number;
  negatives: number;
}

export interface Comparison {
  /** Leads evaluated by both models (scored by both, with an outcome): both columns use these leads. */
  leads: number;
  only_a: number;
  only_b: number;
  a: ComparedModel;
  b: ComparedModel;
  /** AUC(b) − AUC(a) with a paired bootstrap interval (the same resamples for both models). */
  auc_difference: number | null;
  auc_difference_ci: { level: number; lower: number; upper: number; resamples: number } | null;
  /** counts[i][j]: leads in band i of model a and band j of model b. */
  band_changes: { a_bands: string[]; b_bands: string[]; counts: number[][]; changed: number };
}

export interface ComparedModel {
  name: string;
  path: string;
  /** The ROC curve on the leads both models evaluated (downsampled), for drawing both on one chart. */
  roc: RocPoint[] | null;
  auc: number | null;
  gini: number | null;
  ks: number | null;
  ks_score: number | null;
  bands: GroupRate[];
}

export interface Evaluation {
  leadscore_version: string;
  as_of: string;
  started_at: string;
  duration_ms: number;
  command?: string;
  inputs: { role: string; path: string; rows: number; rejected: number }[];
  /** The run warnings of the scoring (core/report/warnings.ts); only when there are any. */
  warnings?: RunWarning[];
  outcome: OutcomeFacts;
  model: ModelEvaluation;
  compare?: Comparison;
}

function bandNames(bands: readonly Band[]): string[] {
  return bands.map((b) => b.name);
}

export function evaluateModel(facts: ModelFacts, s: EvaluationSample, opts: EvaluateOptions): ModelEvaluation {
  const r = rank(s.scores, s.labels);
  const auc = rocAuc(r);
  const ci = bootstrapAuc(r, { resamples: opts.bootstrap, seed: opts.seed });
  const ks = ksStatistic(r);
  const roc = rocCurve(r);
  const base = r.counts.leads ? r.counts.positives / r.counts.leads : null;
  const bandRates = conversionByGroup(s.bands, s.labels, bandNames(facts.bands));
  const bands: BandRow[] = bandRates.map((row, i) => {
    const min = facts.bands[i]!.min;
    return { ...row, min: min ?? null, at_or_above: min === undefined ? null : atThreshold(r, min) };
  });
  const slope = logisticSlope(s.scores, s.labels);
  let cal: ModelEvaluation['calibration'];
  if (facts.predictive) {
    const p = s.scores.map((x) => Math.min(1, Math.max(0, x / 100)));
    cal = { applies: true, ...calibration(p, s.labels) };
  } else {
    cal = { applies: false, reason: facts.notProbability ?? 'the model has no predictive section: its score is points, not 100 × a probability' };
  }
  return {
    name: facts.name,
    path: facts.path,
    sha256: facts.sha256,
    leads: r.counts.leads,
    positives: r.counts.positives,
    base_conversion: base,
    auc: auc.value,
    ...(auc.reason ? { auc_reason: auc.reason } : {}),
    auc_ci: ci.value,
    ...(ci.reason ? { auc_ci_reason: ci.reason } : {}),
    gini: giniOf(auc.value),
    ks: ks.value,
    ...(ks.reason ? { ks_reason: ks.reason } : {}),
    bands,
    grades: s.gradeNames.length ? conversionByGroup(s.grades, s.labels, s.gradeNames) : null,
    gains: gainsTable(r),
    roc: roc ? downsample(roc, opts.rocPoints ?? 101) : null,
    thresholds: { suggestion: opts.target ? suggestThreshold(r, opts.target) : null },
    calibration: cal,
    rule_analysis: analyseRules(facts.rules, s.firings, s.labels, slope ? slope.slope : null),
  };
}

/**
 * Both models on the leads they both evaluated. `pairs` holds, for each such lead, its index in
 * sample a and in sample b.
 */
export function compareModels(
  fa: ModelFacts, a: EvaluationSample, fb: ModelFacts, b: EvaluationSample, opts: EvaluateOptions,
): Comparison {
  const bIndex = new Map<string, number>();
  b.ids.forEach((id, j) => bIndex.set(id, j));
  const ia: number[] = [];
  const ib: number[] = [];
  a.ids.forEach((id, i) => {
    const j = bIndex.get(id);
    if (j !== undefined) {
      ia.push(i);
      ib.push(j);
    }
  });
  const n = ia.length;
  const labels = new Uint8Array(n);
  const sa = new Float64Array(n);
  const sb = new Float64Array(n);
  const ba = new Int32Array(n);
  const bb = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    labels[k] = a.labels[ia[k]!]!;
    sa[k] = a.scores[ia[k]!]!;
    sb[k] = b.scores[ib[k]!]!;
    ba[k] = a.bands[ia[k]!]!;
    bb[k] = b.bands[ib[k]!]!;
  }
  const ra = rank(sa, labels);
  const rb = rank(sb, labels);
  const side = (f: ModelFacts, r: Ranked, bands: Int32Array): ComparedModel => {
    const auc = rocAuc(r).value;
    const ks = ksStatistic(r).value;
    const roc = rocCurve(r);
    return {
      name: f.name,
      path: f.path,
      roc: roc ? downsample(roc, 101) : null,
      auc,
      gini: giniOf(auc),
      ks: ks ? ks.ks : null,
      ks_score: ks ? ks.score : null,
      bands: conversionByGroup(bands, labels, bandNames(f.bands)),
    };
  };
  const A = side(fa, ra, ba);
  const B = side(fb, rb, bb);
  const aNames = bandNames(fa.bands);
  const bNames = bandNames(fb.bands);
  const counts = aNames.map(() => new Array<number>(bNames.length).fill(0));
  let changed = 0;
  for (let k = 0; k < n; k++) {
    if (ba[k]! >= 0 && bb[k]! >= 0) counts[ba[k]!]![bb[k]!]!++;
    if (aNames[ba[k]!] !== bNames[bb[k]!]) changed++;
  }
  return {
    leads: n,
    only_a: a.ids.length - n,
    only_b: b.ids.length - n,
    a: A,
    b: B,
    auc_difference: A.auc !== null && B.auc !== null ? B.auc - A.auc : null,
    auc_difference_ci: pairedAucDifference(ra, rb, opts),
    band_changes: { a_bands: aNames, b_bands: bNames, counts, changed },
  };
}

/** Percentile bootstrap of AUC(b) − AUC(a), both computed on the same resample of leads. */
function pairedAucDifference(ra: Ranked, rb: Ranked, opts: EvaluateOptions): Comparison['auc_difference_ci'] {
  if (undefinedReason(ra.counts) || opts.bootstrap < 2) return null;
  const diffs: number[] = [];
  eachBootstrapSample(ra.counts.leads, opts.bootstrap, opts.seed, (w) => {
    const x = aucOf(ra, w);
    const y = aucOf(rb, w);
    if (x !== null && y !== null) diffs.push(y - x);
  });
  if (diffs.length < 2) return null;
  diffs.sort((x, y) => x - y);
  return { level: 0.95, lower: quantile(diffs, 0.025), upper: quantile(diffs, 0.975), resamples: opts.bootstrap };
}

// ---------------------------------------------------------------------------------------------------
// Markdown

const pct = (x: number | null | undefined, digits = 1): string => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`);
const num = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? '–' : x.toFixed(digits));
const pts = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${x > 0 ? '+' : ''}${x.toFixed(1)}`);
const int = (x: number): string => String(Math.round(x));
const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(head: string[], align: ('l' | 'r')[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function targetText(t: Target): string {
  return t.kind === 'capacity' ? `capacity ${t.value} leads` : `${t.kind} ≥ ${pct(t.value)}`;
}

function modelSection(m: ModelEvaluation, out: string[]): void {
  out.push('## Ranking', '');
  if (m.auc === null) out.push(`- **ROC AUC**: not defined — ${m.auc_reason ?? ''}`);
  else {
    const ci = m.auc_ci ? ` (95% CI ${num(m.auc_ci.lower)}–${num(m.auc_ci.upper)}, ${m.auc_ci.resamples} bootstrap resamples, seed ${m.auc_ci.seed})` : '';
    out.push(`- **ROC AUC**: ${num(m.auc)}${ci}. 0.5 = no better than chance, 1 = every converted lead above every other.`);
    out.push(`- **Gini**: ${num(m.gini)} (2 × AUC − 1).`);
  }
  if (m.ks) out.push(`- **KS**: ${num(m.ks.ks)} at score ${num(m.ks.score, 2)} (${pct(m.ks.tpr)} of converted vs ${pct(m.ks.fpr)} of other leads at or above it).`);
  else out.push(`- **KS**: not defined — ${m.ks_reason ?? ''}`);
  out.push('');

  out.push('## Conversion by band', '');
  out.push(
    ...table(
      ['band', 'min', 'leads', 'converted', 'conversion', 'lift', 'leads at or above', 'precision at or above', 'recall at or above'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      m.bands.map((b) => [
        b.name, b.min === null ? '–' : String(b.min), int(b.leads), int(b.positives), pct(b.conversion), num(b.lift, 2),
        b.at_or_above ? int(b.at_or_above.leads) : '–', pct(b.at_or_above?.precision), pct(b.at_or_above?.recall),
      ]),
    ),
    '',
  );
  if (m.grades) {
    out.push('## Conversion by grade', '');
    out.push(
      ...table(['grade', 'leads', 'converted', 'conversion', 'lift'], ['l', 'r', 'r', 'r', 'r'],
        m.grades.filter((g) => g.leads > 0).map((g) => [g.name, int(g.leads), int(g.positives), pct(g.conversion), num(g.lift, 2)])),
      '',
    );
  }

  out.push('## Gains and lift by decile', '');
  out.push('Leads sorted by score, highest first, in tenths. Tied leads that straddle a decile boundary are shared between the two deciles (their converted count is split in proportion).', '');
  out.push(
    ...table(
      ['decile', 'scores', 'leads', 'converted', 'conversion', 'lift', 'cumulative gain', 'cumulative lift'],
      ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
      m.gains.map((g) => [
        String(g.decile), g.score_max === null ? '–' : `${num(g.score_min, 2)}–${num(g.score_max, 2)}`, int(g.leads),
        num(g.positives, Number.isInteger(g.positives) ? 0 : 1), pct(g.conversion), num(g.lift, 2), pct(g.gain), num(g.cumulative_lift, 2),
      ]),
    ),
    '',
  );

  const sug = m.thresholds.suggestion;
  if (sug) {
    out.push('## Suggested threshold', '');
    if (sug.point) {
      const p = sug.point;
      out.push(`For ${targetText(sug.target)}: call every lead with score ≥ **${num(p.threshold, 2)}** — ${int(p.leads)} leads (${pct(p.share)}), precision ${pct(p.precision)}, recall ${pct(p.recall)}.`, '');
    } else out.push(`For ${targetText(sug.target)}: no threshold — ${sug.reason ?? ''}.`, '');
  }

  out.push('## Calibration', '');
  if (m.calibration.applies) {
    const c = m.calibration;
    out.push(`Brier score ${num(c.brier, 4)}.`, '');
    out.push(...table(['decile', 'leads', 'mean predicted', 'observed'], ['l', 'r', 'r', 'r'], c.deciles.map((d) => [String(d.decile), int(d.leads), pct(d.mean_predicted), pct(d.observed)])), '');
  } else out.push(`Not applicable: ${m.calibration.reason}.`, '');

  const ra = m.rule_analysis;
  out.push('## Rule analysis', '');
  out.push(
    `Base conversion ${pct(ra.base_conversion, 2)} (${ra.positives} of ${ra.leads}). ` +
      (ra.points_per_log_odds !== null
        ? `Suggested points = log-odds ratio × ${num(ra.points_per_log_odds, 1)} points per unit of log-odds (1 / the slope of a logistic regression of the outcome on this model's score).`
        : 'No suggested points: the score does not rank the outcome on this data (the logistic slope is not positive).') +
      ` ⚠ = too few leads to trust (fired on fewer than ${ra.min_fired}, or fewer than ${ra.min_class} converted or not converted).`,
    '',
  );
  const rows: string[][] = [];
  for (const r of ra.rules) {
    rows.push([
      `${r.low_count ? '⚠ ' : ''}${r.id}`, r.section, int(r.fired), pct(r.share), pct(r.conversion_fired), pct(r.conversion_not_fired), num(r.lift, 2),
      num(r.log_odds_ratio, 2), pts(r.mean_points), pts(r.suggested_points),
    ]);
    for (const l of r.levels ?? []) {
      rows.push([
        `${l.low_count ? '⚠ ' : ''}  ↳ ${r.id} = ${pts(l.points)}`, '', int(l.fired), pct(l.share), pct(l.conversion_fired), pct(l.conversion_not_fired), num(l.lift, 2),
        num(l.log_odds_ratio, 2), pts(l.points), pts(l.suggested_points),
      ]);
    }
  }
  out.push(...table(['rule', 'section', 'fired', 'share', 'conv. fired', 'conv. not fired', 'lift', 'log-odds ratio', 'points now', 'suggested'], ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'], rows), '');

  if (m.roc) {
    out.push('## ROC curve (excerpt)', '');
    const few = downsample(m.roc, 11);
    out.push(...table(['score ≥', 'false positive rate', 'true positive rate'], ['r', 'r', 'r'], few.map((p) => [p.threshold === null ? 'none called' : num(p.threshold, 2), pct(p.fpr), pct(p.tpr)])), '');
  }
}

export function evaluationToMarkdown(e: Evaluation): string {
  const out: string[] = [];
  const m = e.model;
  out.push(`# Evaluation of ${m.name}`, '');
  out.push(`- as of ${e.as_of}; model \`${m.path}\` (sha256 ${m.sha256.slice(0, 12)})`);
  for (const i of e.inputs) out.push(`- ${i.role}: \`${i.path}\`: ${i.rows} rows, ${i.rejected} rejected`);
  const o = e.outcome;
  out.push(
    o.kind === 'presence'
      ? `- outcome: being in \`${o.source}\` (joined on the lead id; a lead not in it did not convert)`
      : `- outcome: column \`${o.column}\` from ${o.source === 'leads' ? 'the leads file' : `\`${o.source}\` (joined on the lead id; a lead not in it did not convert)`}; positive = ${o.positive_values.map((v) => `\`${v}\``).join(', ')}`,
    `- ${o.evaluated} leads evaluated of ${o.scored} scored (${o.leads_read} read, ${o.rejected} rejected); left out: ${o.missing_outcome} without an outcome`,
    ...(o.source !== 'leads' ? [`- outcomes file: ${o.matched ?? 0} scored leads matched, ${o.not_in_outcomes} not in it (not converted); ${o.outcome_ids_not_found ?? 0} of its ids not among the scored leads`] : []),
    `- ${o.positives} converted, ${o.negatives} not: base conversion ${pct(o.evaluated ? o.positives / o.evaluated : null, 2)}`,
    `- leadscore ${e.leadscore_version}, ${e.duration_ms} ms`,
    '',
  );
  if (e.warnings?.length) {
    out.push('## Warnings', '');
    for (const w of e.warnings) out.push(`- ${w.code}${w.model ? ` (model \`${w.model}\`)` : ''}${w.file ? ` \`${w.file}\`` : ''}: ${w.message}${w.hint ? ` (${w.hint})` : ''}`);
    out.push('');
  }
  if (o.values.length) {
    out.push(...table(['outcome value', 'leads', 'counts as'], ['l', 'r', 'l'], o.values.map((v) => [v.value, int(v.leads), v.positive ? 'converted' : 'not converted'])), '');
  }
  modelSection(m, out);
  const c = e.compare;
  if (c) {
    out.push(`## Comparison: ${c.a.name} vs ${c.b.name}`, '');
    out.push(`Both models on the ${c.leads} leads both evaluated${c.only_a || c.only_b ? ` (${c.only_a} only in ${c.a.name}, ${c.only_b} only in ${c.b.name}, e.g. rejected by a quality rule of the other)` : ''}.`, '');
    out.push(
      ...table(['', c.a.name, c.b.name], ['l', 'r', 'r'], [
        ['ROC AUC', num(c.a.auc), num(c.b.auc)],
        ['Gini', num(c.a.gini), num(c.b.gini)],
        ['KS', num(c.a.ks), num(c.b.ks)],
        ['KS at score', num(c.a.ks_score, 2), num(c.b.ks_score, 2)],
      ]),
      '',
    );
    if (c.auc_difference !== null) {
      const ci = c.auc_difference_ci ? ` (95% paired bootstrap CI ${num(c.auc_difference_ci.lower)} to ${num(c.auc_difference_ci.upper)})` : '';
      out.push(`AUC of ${c.b.name} − AUC of ${c.a.name}: ${c.auc_difference >= 0 ? '+' : ''}${num(c.auc_difference)}${ci}. An interval that contains 0 means this data cannot tell the two apart.`, '');
    }
    for (const side of [c.a, c.b]) {
      out.push(`### Bands of ${side.name}`, '');
      out.push(...table(['band', 'leads', 'converted', 'conversion', 'lift'], ['l', 'r', 'r', 'r', 'r'], side.bands.map((b) => [b.name, int(b.leads), int(b.positives), pct(b.conversion), num(b.lift, 2)])), '');
    }
    out.push(`### Band changes (rows: ${c.a.name}, columns: ${c.b.name})`, '');
    out.push(`${c.band_changes.changed} of ${c.leads} leads change band.`, '');
    out.push(...table([`${c.a.name} \\ ${c.b.name}`, ...c.band_changes.b_bands], ['l', ...c.band_changes.b_bands.map(() => 'r' as const)], c.band_changes.a_bands.map((name, i) => [name, ...c.band_changes.counts[i]!.map(int)])), '');
  }
  return out.join('\n');
}
