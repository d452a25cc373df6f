// Thresholds: what calling every lead at or above a score would give (precision, recall, volume), at
// each band's `min` and at a threshold suggested for a target precision, recall or sales capacity. Pure.
import { cumulativeCounts, type Ranked } from './metrics.js';

export interface ThresholdPoint {
  threshold: number;
  /** Leads scoring at or above the threshold. */
  leads: number;
  share: number;
  positives: number;
  /** positives / leads: the conversion rate of the leads handed over. */
  precision: number | null;
  /** positives / all positives: the share of conversions the hand-over catches. */
  recall: number | null;
}

/** Cumulative counts at every distinct score, descending: calling leads with score >= threshold. */
export function thresholdCurve(r: Ranked): ThresholdPoint[] {
  const { counts } = r;
  const out: ThresholdPoint[] = [];
  for (const { score, tp, fp } of cumulativeCounts(r)) out.push(point(score, tp + fp, tp, counts.leads, counts.positives));
  return out;
}

function point(threshold: number, n: number, p: number, total: number, positives: number): ThresholdPoint {
  return {
    threshold,
    leads: n,
    share: total ? n / total : 0,
    positives: p,
    precision: n ? p / n : null,
    recall: positives ? p / positives : null,
  };
}

/** The figures for calling every lead with score >= t (any t, not only a score that occurs). */
export function atThreshold(r: Ranked, t: number): ThresholdPoint {
  let n = 0;
  let p = 0;
  for (let i = 0; i < r.counts.leads; i++) {
    if (r.scores[i]! >= t) {
      n++;
      if (r.labels[i] === 1) p++;
    }
  }
  return point(t, n, p, r.counts.leads, r.counts.positives);
}

export type Target = { kind: 'precision'; value: number } | { kind: 'recall'; value: number } | { kind: 'capacity'; value: number };

export interface Suggestion {
  target: Target;
  /** Null when no threshold meets the target (see reason). */
  point: ThresholdPoint | null;
  reason?: string;
}

/**
 * A threshold for a target:
 * - precision P: the lowest threshold (the most leads) whose precision is at least P;
 * - recall R: the highest threshold (the fewest leads) whose recall is at least R;
 * - capacity N: the lowest threshold with at most N leads at or above it (tied leads are never split,
 *   so fewer than N leads may be handed over).
 */
export function suggestThreshold(r: Ranked, target: Target): Suggestion {
  const curve = thresholdCurve(r);
  if (curve.length === 0) return { target, point: null, reason: 'no evaluated leads' };
  if (target.kind === 'precision') {
    if (r.counts.positives === 0) return { target, point: null, reason: 'no positive outcome: precision is 0 at every threshold' };
    let best: ThresholdPoint | null = null;
    for (const p of curve) if (p.precision !== null && p.precision >= target.value) best = p;
    if (!best) return { target, point: null, reason: `no threshold reaches precision ${target.value}` };
    return { target, point: best };
  }
  if (target.kind === 'recall') {
    if (r.counts.positives === 0) return { target, point: null, reason: 'no positive outcome: recall is undefined' };
    for (const p of curve) if (p.recall !== null && p.recall >= target.value) return { target, point: p };
    return { target, point: null, reason: `no threshold reaches recall ${target.value}` };
  }
  let best: ThresholdPoint | null = null;
  for (const p of curve) {
    if (p.leads > target.value) break;
    best = p;
  }
  if (!best) {
    return { target, point: null, reason: `the ${curve[0]!.leads} leads tied at the top score (${curve[0]!.threshold}) already exceed a capacity of ${target.value}` };
  }
  return { target, point: best };
}
