// Why is this lead hot? The full breakdown of one lead's score, in the order the score is built (fit
// rules, engagement rules with every activity they counted or skipped, signals, quality checks, caps
// and the clamp, band, grade), computed with the same code as `score` (ActivityFolder, EngagementFold,
// LeadScorer), so that its numbers always add up to the score in scored.csv. Every activity's status
// (counted, or why not) is the fold's own decision, from its trace; nothing is decided again here.
import { type LeafOutcome, traceCondition } from '../model/compile.js';
import type { Band, GradeScale } from '../model/types.js';
import { type Cell, present } from '../value.js';
import { type CompiledModel, fitCell } from './compiled.js';
import type { EngagementFold } from './engagement.js';
import type { ActivityTrace } from './activity-fold.js';
import { fitPoints, formatReasons, gradeLetter, LeadScorer } from './score-lead.js';

/** One activity of the lead and the fold's decision about it (the fold's trace, with its file). */
export interface LeadActivity extends ActivityTrace {
  file: string;
  /** Index into the headers given to explainLead (the activity's file). */
  header: number;
}

export interface LeafTrace {
  path: string;
  field: string;
  value: string | number | null;
  test: string;
  result: boolean;
}

export interface ActivityLine {
  file: string;
  line: number;
  type: string;
  at: string;
  age_days: number | null;
  decay: number | null;
  points: number;
  /** counted, or why not: after_as_of, outside_window, bot_filter:<burst|scanner_click>, max_count, if_false, rejected:<reason>. */
  status: string;
  /** For a rule with an `if`: each leaf with the value it read from this activity (a JSON field: the value inside). */
  leaves?: LeafTrace[];
}

export interface Explanation {
  lead: string;
  as_of: string;
  segment: string | null;
  fit: {
    rules: { id: string; label?: string; matched: boolean; points: number; value?: string | number | null; detail?: string; leaves?: LeafTrace[] }[];
    total_before_cap: number;
    max: number | null;
    total: number;
  };
  engagement: {
    half_life_days: number | null;
    window_days: number | null;
    rules: {
      id: string;
      label?: string;
      types: string[];
      points: number;
      interest?: string;
      activities: ActivityLine[];
      total_before_max_points: number;
      max_points: number | null;
      total: number;
    }[];
    /** Activities of types no rule names (counted for activity_count and recency only). */
    other_activities: number;
    /** Activities the fold counted for the lead (any type): the signal field activity_count. */
    activity_count: number;
    signals: { id: string; label?: string; fields: Record<string, number | null>; matched: boolean; points: number; flag?: string; leaves: LeafTrace[] }[];
    total_before_cap: number;
    max: number | null;
    total: number;
  };
  quality: { id: string; check?: string; field?: string; value?: string | null; matched: boolean; action: string; points: number; flag?: string; leaves?: LeafTrace[] }[];
  adjustments: number;
  /** features: largest |log_odds| first; value = the lead's value (null: missing); points = score points. */
  predictive: { probability: number; weight: number; features: { feature: string; value: string | null; log_odds: number; points: number }[] } | null;
  sum: number;
  clamped: boolean;
  score: number;
  band: { name: string; min: number | null } | null;
  grade: { grade: string; fit_letter: string; activity_digit: string } | null;
  flags: string[];
  reasons: string;
  rejected: string | null;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Remove one occurrence of `t` from `kept`; false when there is none. */
function takeOne(kept: number[], t: number): boolean {
  const i = kept.indexOf(t);
  if (i < 0) return false;
  kept.splice(i, 1);
  return true;
}

function describeOps(ops: LeafOutcome['ops']): string {
  return ops.map((o) => `${o.op} ${JSON.stringify(o.value)}`).join(', ');
}

function leaves(out: LeafOutcome[]): LeafTrace[] {
  return out.map((l) => ({
    path: l.path,
    field: l.field,
    value: l.value === undefined ? null : typeof l.value === 'number' ? (Number.isNaN(l.value) ? null : r6(l.value)) : l.value,
    test: describeOps(l.ops),
    result: l.result,
  }));
}

function bandAt(bands: readonly Band[], i: number): { name: string; min: number | null } | null {
  const b = bands[i];
  return b ? { name: b.name, min: b.min ?? null } : null;
}

/**
 * Explain one lead: `fold` holds its aggregates at `slot` (folded by ActivityFolder, as score folds), and
 * `activities` the fold's trace of the lead's activities, in any order.
 */
export function explainLead(cm: CompiledModel, id: string, row: readonly (string | undefined)[], fold: EngagementFold, slot: number, activities: readonly LeadActivity[], headers: readonly (readonly string[])[]): Explanation {
  const bindings = headers.map((h) => fold.bind(h));
  const scorer = new LeadScorer(cm, fold);
  const outcome = scorer.score(row, slot);
  const segIndex = cm.segments.length ? scorer.segmentOf(row) : -1;
  const m = segIndex >= 0 ? cm.segments[segIndex]!.cm : cm;
  const model = m.model;
  const asOf = new Date(cm.asOfMs).toISOString();

  // fit
  const fitRules: Explanation['fit']['rules'] = m.fit.map((f, k) => {
    const points = fitPoints(m, k, row);
    const base = { id: f.rule.id, ...(f.rule.label ? { label: f.rule.label } : {}), matched: points !== 0 || (f.kind === 'if' && f.test.test(row)), points };
    if (f.kind === 'if') {
      const out: LeafOutcome[] = [];
      traceCondition(f.test.node, row, out);
      return { ...base, leaves: leaves(out) };
    }
    const v = present(fitCell(f, row), m.nulls);
    if (f.kind === 'values') return { ...base, value: v ?? null, detail: v === undefined ? 'missing' : points !== 0 ? `"${v}" is a listed value` : 'not a listed value' };
    const range = f.ranges.find((r) => points !== 0 && r.points === points);
    return { ...base, value: v ?? null, detail: v === undefined ? 'missing' : range ? `in [${Number.isFinite(range.min) ? range.min : '-∞'}, ${Number.isFinite(range.max) ? range.max : '∞'}]` : 'in no range' };
  });

  // engagement: every activity of the lead, for every rule that names its type, with the fold's decision
  const e = model.engagement;
  let other = 0;
  for (const a of activities) if (a.status === 'counted' && !a.rules) other++;
  const ordered = [...activities].sort((x, y) => x.t - y.t || x.line - y.line);
  const engRules: Explanation['engagement']['rules'] = m.engagement.map(({ rule }, k) => {
    // max_count: the timestamps the fold kept (the N most recent); a counted activity not among them is beyond it
    const kept = fold.keptTimes(k, slot);
    // the rule's condition bound to each file's header, as the fold binds it (for the leaves shown)
    const test = bindings.map((b) => b.rulesFor(rule.types[0] ?? '')?.find((x) => x.k === k)?.test);
    const lines: ActivityLine[] = [];
    for (const a of ordered) {
      if (!a.rules?.includes(k)) continue;
      const age = Number.isNaN(a.t) ? NaN : fold.ageOf(a.t);
      const decay = Number.isNaN(age) ? null : fold.decayFactor(k, age);
      const line: ActivityLine = {
        file: a.file,
        line: a.line,
        type: a.type,
        at: a.timestamp,
        age_days: Number.isNaN(age) ? null : r6(age),
        decay: decay === null ? null : r6(decay),
        points: 0,
        status: 'counted',
      };
      const cond = test[a.header];
      if (cond && a.status !== 'rejected') {
        const out: LeafOutcome[] = [];
        traceCondition(cond.node, a.row, out);
        line.leaves = leaves(out);
      }
      if (a.status === 'rejected') line.status = `rejected:${a.reason}`;
      else if (a.status === 'bot_filter') line.status = `bot_filter:${a.reason}`;
      else if (a.status !== 'counted') line.status = a.status;
      else if (!a.matched?.includes(k)) line.status = 'if_false';
      else if (kept && !takeOne(kept, a.t)) line.status = 'max_count';
      else line.points = fold.activityPoints(k, age, rule.points);
      lines.push(line);
    }
    return {
      id: rule.id,
      ...(rule.label ? { label: rule.label } : {}),
      types: rule.types,
      points: rule.points,
      ...(rule.interest ? { interest: rule.interest } : {}),
      activities: lines,
      total_before_max_points: fold.ruleTotalBeforeCap(k, slot, rule.points),
      max_points: rule.maxPoints ?? null,
      total: fold.ruleTotal(k, slot, rule.points),
    };
  });

  // signals
  const days = fold.daysSinceLast(slot);
  const fields: Record<string, number | null> = {
    activity_count: fold.activityCount(slot),
    days_since_last_activity: Number.isNaN(days) ? null : r6(days),
    engagement_7d: r6(fold.recentPoints(slot, 7)),
    engagement_30d: r6(fold.recentPoints(slot, 30)),
  };
  const signalRow: Cell[] = [fold.activityCount(slot), days, fold.recentPoints(slot, 7), fold.recentPoints(slot, 30), ...row];
  const signals: Explanation['engagement']['signals'] = m.signals.map((s) => {
    const out: LeafOutcome[] = [];
    const matched = traceCondition(s.test.node, signalRow, out);
    const used = new Set(out.map((l) => l.field.trim().toLowerCase()));
    return {
      id: s.rule.id,
      ...(s.rule.label ? { label: s.rule.label } : {}),
      fields: Object.fromEntries(Object.entries(fields).filter(([k]) => used.has(k))),
      matched,
      points: matched ? s.rule.points : 0,
      ...(s.rule.flag ? { flag: s.rule.flag } : {}),
      leaves: leaves(out),
    };
  });

  // quality
  const quality: Explanation['quality'] = m.quality.map((q) => {
    const matched = q.fires(row);
    const out: LeafOutcome[] = [];
    if (q.node) traceCondition(q.node, row, out);
    const idx = q.rule.field ? cm.leadHeader.findIndex((h) => h.trim().toLowerCase() === q.rule.field!.trim().toLowerCase()) : -1;
    return {
      id: q.rule.id,
      ...(q.rule.check ? { check: q.rule.check } : {}),
      ...(q.rule.field ? { field: q.rule.field, value: idx < 0 ? null : present(row[idx], m.nulls) ?? null } : {}),
      matched,
      action: q.rule.action,
      points: matched && q.rule.action !== 'reject' ? q.rule.points : 0,
      ...(q.rule.flag ? { flag: q.rule.flag } : {}),
      ...(out.length ? { leaves: leaves(out) } : {}),
    };
  });

  const base = {
    lead: id,
    as_of: asOf,
    segment: segIndex >= 0 ? cm.segments[segIndex]!.segment.id : null,
    fit: { rules: fitRules, total_before_cap: 0, max: model.fit.max ?? null, total: 0 },
    engagement: {
      half_life_days: e.halfLifeDays ?? null,
      window_days: e.windowDays ?? null,
      rules: engRules,
      other_activities: other,
      activity_count: fold.activityCount(slot),
      signals,
      total_before_cap: 0,
      max: e.max ?? null,
      total: 0,
    },
    quality,
  };
  if (outcome.kind === 'rejected') {
    return { ...base, adjustments: 0, predictive: null, sum: 0, clamped: false, score: 0, band: null, grade: null, flags: [], reasons: '', rejected: outcome.reason };
  }
  const l = outcome.lead;
  base.fit.total_before_cap = l.fitUncapped;
  base.fit.total = l.fit;
  base.engagement.total_before_cap = l.engagementUncapped;
  base.engagement.total = l.engagement;
  let predictive: Explanation['predictive'] = null;
  if (m.predictive && l.probability !== undefined) {
    const features = l.contributions
      .filter((c) => m.rules[c.slot]!.section === 'predictive')
      .map((c) => ({ feature: m.rules[c.slot]!.id, value: c.value ?? null, log_odds: r6(c.term ?? 0), points: r6(c.points) }))
      .sort((a, b) => Math.abs(b.log_odds) - Math.abs(a.log_odds));
    predictive = { probability: r6(l.probability), weight: m.predictive.weight, features };
  }
  let grade: Explanation['grade'] = null;
  if (model.grade) {
    const g = (s: GradeScale, v: number) => gradeLetter(s, v);
    grade = { grade: l.grade, fit_letter: g(model.grade.fit, l.fit), activity_digit: g(model.grade.activity, l.engagement) };
  }
  return {
    ...base,
    adjustments: l.adjustments,
    predictive,
    sum: l.unclamped,
    clamped: l.unclamped !== l.score,
    score: l.score,
    band: bandAt(model.bands, l.band),
    grade,
    flags: l.flags,
    reasons: formatReasons(m, l.contributions),
    rejected: null,
  };
}
