// Rule analysis, the practitioner's manual method: for every rule, how often it fired, the conversion
// rate when it fired and when not, the lift, and a suggested point value from the log-odds ratio. Pure.
//
// Suggested points. For a rule, the log-odds ratio of converting when it fired vs when it did not is
//   LOR = ln( (a + ½)(d + ½) / ((b + ½)(c + ½)) )
// with a / b the converted / not converted leads where it fired and c / d where it did not (the ½ is the
// Haldane-Anscombe correction: finite for empty cells, less biased on small counts). To put LOR on the
// model's own scale, the score is regressed on the outcome with a one-variable logistic regression,
// log-odds = β₀ + β·score: β is the log-odds one point is worth on this data, so a rule worth LOR in
// log-odds is worth LOR / β points. Suggested points = LOR / β (null when β <= 0: the score does not rank).
// Each rule is looked at alone: rules that fire on the same leads share credit that a joint fit
// (`leadscore train`) would split between them.

export interface RuleInfo {
  id: string;
  section: string;
  path: string;
  /** Break the rule down by the points it gave (fit `values` and `ranges` rules: one level per key). */
  levels: boolean;
}

/** Which rules fired for each lead: lead i's slots are slots[offsets[i] .. offsets[i + 1]). */
export interface Firings {
  offsets: ArrayLike<number>;
  slots: ArrayLike<number>;
  /** Points the rule gave the lead (0 for a rule that fired without points). */
  points: ArrayLike<number>;
}

export interface RuleStats {
  fired: number;
  share: number;
  positives: number;
  conversion_fired: number | null;
  conversion_not_fired: number | null;
  /** conversion_fired / base conversion. */
  lift: number | null;
  /** Null when the rule fired on every lead or on none (nothing to compare with). */
  log_odds_ratio: number | null;
  /** Standard error of the log-odds ratio (Woolf, with the ½ correction). */
  log_odds_se: number | null;
  suggested_points: number | null;
  /** Too few leads to trust: fewer than minFired leads fired, or fewer than minClass converted or not. */
  low_count: boolean;
}

export interface RuleLevel extends RuleStats {
  /** The points this level gives. */
  points: number;
  /** The 0-point level: the reference the other levels are compared with. */
  reference?: boolean;
}

export interface RuleRow extends RuleStats {
  id: string;
  section: string;
  path: string;
  /** Mean points the rule gave the leads it fired on (null when it never fired). */
  mean_points: number | null;
  levels?: RuleLevel[];
  /** What each level's conversion_not_fired and log-odds ratio compare with. */
  levels_reference?: 'zero_points' | 'other_leads';
}

export interface RuleAnalysis {
  leads: number;
  positives: number;
  base_conversion: number | null;
  /** β: log-odds per point of score (logistic regression of the outcome on the score), or null. */
  log_odds_per_point: number | null;
  /** 1 / β: how many points one unit of log-odds is worth (the scale of suggested_points). */
  points_per_log_odds: number | null;
  min_fired: number;
  min_class: number;
  rules: RuleRow[];
}

export function logOddsRatio(a: number, b: number, c: number, d: number): { lor: number; se: number } {
  const h = 0.5;
  return {
    lor: Math.log(((a + h) * (d + h)) / ((b + h) * (c + h))),
    se: Math.sqrt(1 / (a + h) + 1 / (b + h) + 1 / (c + h) + 1 / (d + h)),
  };
}

function stats(
  fired: number, firedPos: number, notFired: number, notFiredPos: number, total: number, base: number | null,
  beta: number | null, minFired: number, minClass: number,
): RuleStats {
  const a = firedPos;
  const b = fired - firedPos;
  const c = notFiredPos;
  const d = notFired - notFiredPos;
  const defined = fired > 0 && notFired > 0;
  const { lor, se } = defined ? logOddsRatio(a, b, c, d) : { lor: null, se: null };
  const conv = fired ? a / fired : null;
  return {
    fired,
    share: total ? fired / total : 0,
    positives: a,
    conversion_fired: conv,
    conversion_not_fired: notFired ? c / notFired : null,
    lift: conv !== null && base ? conv / base : null,
    log_odds_ratio: lor,
    log_odds_se: se,
    suggested_points: lor !== null && beta !== null && beta > 0 ? lor / beta : null,
    low_count: fired < minFired || a < minClass || b < minClass,
  };
}

export function analyseRules(
  rules: readonly RuleInfo[],
  firings: Firings,
  labels: ArrayLike<number>,
  logOddsPerPoint: number | null,
  opts: { minFired?: number; minClass?: number } = {},
): RuleAnalysis {
  const minFired = opts.minFired ?? 30;
  const minClass = opts.minClass ?? 5;
  const n = labels.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++;
  const base = n ? positives / n : null;
  const beta = logOddsPerPoint !== null && logOddsPerPoint > 0 ? logOddsPerPoint : null;
  const fired = new Float64Array(rules.length);
  const firedPos = new Float64Array(rules.length);
  const pointSum = new Float64Array(rules.length);
  // per rule with levels: points -> [leads, positives]
  const levels = rules.map((r) => (r.levels ? new Map<number, [number, number]>() : undefined));
  for (let i = 0; i < n; i++) {
    const y = labels[i] === 1 ? 1 : 0;
    for (let k = firings.offsets[i]!; k < firings.offsets[i + 1]!; k++) {
      const s = firings.slots[k]!;
      if (s < 0 || s >= rules.length) continue;
      fired[s]!++;
      firedPos[s]! += y;
      const pts = firings.points[k]!;
      pointSum[s]! += pts;
      const m = levels[s];
      if (m) {
        const key = Math.round(pts * 1e6) / 1e6;
        const e = m.get(key);
        if (e) {
          e[0]++;
          e[1] += y;
        } else m.set(key, [1, y]);
      }
    }
  }
  const rows: RuleRow[] = rules.map((r, s) => {
    const f = fired[s]!;
    const fp = firedPos[s]!;
    const row: RuleRow = {
      id: r.id,
      section: r.section,
      path: r.path,
      mean_points: f ? pointSum[s]! / f : null,
      ...stats(f, fp, n - f, positives - fp, n, base, beta, minFired, minClass),
    };
    const m = levels[s];
    if (m && m.size > 1) {
      // Each level against the leads this rule gave 0 points (not fired, or fired at a 0-point level):
      // the additive model's reference. When every lead got points from it, against all other leads.
      let zeroN = n - f;
      let zeroP = positives - fp;
      const zero = m.get(0);
      if (zero) {
        zeroN += zero[0];
        zeroP += zero[1];
      }
      row.levels_reference = zeroN > 0 ? 'zero_points' : 'other_leads';
      row.levels = [...m.entries()]
        .sort((x, y) => y[0] - x[0])
        .map(([points, [ln, lp]]) => {
          if (points === 0) return { points, reference: true, ...stats(ln, lp, n - ln, positives - lp, n, base, null, minFired, minClass), log_odds_ratio: 0, suggested_points: beta ? 0 : null };
          return zeroN > 0
            ? { points, ...stats(ln, lp, zeroN, zeroP, n, base, beta, minFired, minClass) }
            : { points, ...stats(ln, lp, n - ln, positives - lp, n, base, beta, minFired, minClass) };
        });
    }
    return row;
  });
  return {
    leads: n,
    positives,
    base_conversion: base,
    log_odds_per_point: beta,
    points_per_log_odds: beta ? 1 / beta : null,
    min_fired: minFired,
    min_class: minClass,
    rules: rows,
  };
}
