// A model's `predictive:` section compiled into a per-lead scorer (PRODUCT.md "predictive scoring"):
//   z = intercept + sum_j term_j,  p = 1 / (1 + e^-z)
// numeric:      term = coefficient * (transform(value) - mean) / sd   (missing: the `missing` term)
// categorical:  term = coefficient of the lead's level (trimmed, case-folded); `other` for a level the
//               model does not list, `missing` for a missing cell.
// Contributions (for reasons): each feature's term in log-odds with the lead's value, largest |term|
// first (what a pure predictive model's reasons show: `Lead Source = Reference +1.11`), and how many
// score points (0..100) the lead's probability would drop if the term were 0 —
// points_j = 100 * (p - sigmoid(z - term_j)) — (what a blended model's reasons and the rule statistics use).
import { sigmoid } from '../stats.js';
import type { PredictiveFeature, PredictiveSection } from '../model/types.js';
import { ACTIVITY_FEATURE } from '../model/types.js';
import { columnMatcher } from '../columns.js';
import { type Nulls, type NumberFormat, parseNumber, present } from '../value.js';

/** Per-lead activity aggregates that `activity.*` features read (computed by ActivityFeatureFold). */
export interface ActivityAggregates {
  count: number;
  count7d: number;
  count30d: number;
  /** Days from the last activity to as-of; undefined when the lead has none. */
  daysSinceLast: number | undefined;
  /** Count per activity type (type trimmed, lower case). */
  byType: ReadonlyMap<string, number>;
}

export interface PredictiveContribution {
  feature: string;
  /** Score points: 100 × (p − p without this term). */
  points: number;
  /** The term itself, in log-odds (what the feature adds to z). */
  term: number;
  /** The lead's value as read (trimmed cell, or the activity aggregate); null when missing. */
  value: string | null;
}

export interface PredictiveResult {
  probability: number;
  /** The log-odds z. */
  logit: number;
  /** One per feature whose term is not 0, largest |points| first. */
  contributions: PredictiveContribution[];
}

export type PredictiveScorer = ((row: readonly (string | undefined)[], activity?: ActivityAggregates) => PredictiveResult) & {
  /** Lead-column features whose column is not in the header (they always take their `missing` term). */
  readonly missingColumns: readonly string[];
  /** True when some feature reads activity aggregates. */
  readonly needsActivities: boolean;
};


/** The numeric value a feature reads from an activity aggregate (undefined = missing). */
export function activityValue(name: string, a: ActivityAggregates | undefined): number | undefined {
  const m = ACTIVITY_FEATURE.exec(name);
  if (!m) return undefined;
  const agg = a ?? { count: 0, count7d: 0, count30d: 0, daysSinceLast: undefined, byType: new Map<string, number>() };
  switch (m[1]) {
    case 'count':
      return agg.count;
    case 'count_7d':
      return agg.count7d;
    case 'count_30d':
      return agg.count30d;
    case 'days_since_last':
      return agg.daysSinceLast;
    default:
      return agg.byType.get((m[2] ?? '').trim().toLowerCase()) ?? 0;
  }
}

/** The term of a numeric feature for a value (undefined or NaN = missing). */
export function numericTerm(f: Extract<PredictiveFeature, { type: 'numeric' }>, value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return f.missing;
  if (f.transform === 'log1p' && value <= -1) return f.missing;
  const t = f.transform === 'log1p' ? Math.log1p(value) : value;
  return (f.coefficient * (t - f.mean)) / f.sd;
}

/** The encoded (standardised) value of a numeric feature, or undefined when missing. */
export function numericEncoded(f: { transform: 'none' | 'log1p'; mean: number; sd: number }, value: number | undefined): number | undefined {
  if (value === undefined || !Number.isFinite(value)) return undefined;
  if (f.transform === 'log1p' && value <= -1) return undefined;
  const t = f.transform === 'log1p' ? Math.log1p(value) : value;
  return (t - f.mean) / f.sd;
}

/** Case-folded level of a categorical cell. */
export function levelKey(cell: string): string {
  return cell.trim().toLowerCase();
}

export function compilePredictive(
  section: PredictiveSection,
  leadHeader: readonly string[],
  nulls: Nulls,
  numberFormat: NumberFormat = 'point',
): PredictiveScorer {
  const index = columnMatcher(leadHeader);
  const missingColumns: string[] = [];
  let needsActivities = false;
  type Term = (row: readonly (string | undefined)[], a: ActivityAggregates | undefined) => number;
  type Value = (row: readonly (string | undefined)[], a: ActivityAggregates | undefined) => string | null;
  const terms: { feature: string; term: Term; value: Value }[] = section.features.map((f) => {
    const isActivity = ACTIVITY_FEATURE.test(f.name) && index(f.name) < 0;
    if (isActivity) needsActivities = true;
    const col = isActivity ? -1 : index(f.name);
    if (!isActivity && col < 0) missingColumns.push(f.name);
    const activityText: Value = (_r, a) => {
      const x = activityValue(f.name, a);
      return x === undefined ? null : String(x);
    };
    const cellText: Value = (row) => (col < 0 ? null : present(row[col], nulls) ?? null);
    const value = isActivity ? activityText : cellText;
    if (f.type === 'numeric') {
      if (isActivity) return { feature: f.name, value, term: (_r, a) => numericTerm(f, activityValue(f.name, a)) };
      return {
        feature: f.name,
        value,
        term: (row) => {
          const v = col < 0 ? undefined : present(row[col], nulls);
          return numericTerm(f, v === undefined ? undefined : parseNumber(v, numberFormat));
        },
      };
    }
    const levels = new Map(f.levels.map((l) => [levelKey(l.level), l.coefficient]));
    const ofCell = (v: string | undefined) => (v === undefined ? f.missing : levels.get(levelKey(v)) ?? f.other);
    if (isActivity) {
      return { feature: f.name, value, term: (_r, a) => { const x = activityValue(f.name, a); return ofCell(x === undefined ? undefined : String(x)); } };
    }
    return { feature: f.name, value, term: (row) => ofCell(col < 0 ? undefined : present(row[col], nulls)) };
  });
  const values = new Float64Array(terms.length);
  const scorer = (row: readonly (string | undefined)[], activity?: ActivityAggregates): PredictiveResult => {
    let z = section.intercept;
    for (let j = 0; j < terms.length; j++) {
      const t = terms[j]!.term(row, activity);
      values[j] = t;
      z += t;
    }
    const p = sigmoid(z);
    const contributions: PredictiveContribution[] = [];
    for (let j = 0; j < terms.length; j++) {
      const t = values[j]!;
      if (t === 0) continue;
      contributions.push({ feature: terms[j]!.feature, points: 100 * (p - sigmoid(z - t)), term: t, value: terms[j]!.value(row, activity) });
    }
    contributions.sort((a, b) => Math.abs(b.term) - Math.abs(a.term) || (a.feature < b.feature ? -1 : 1));
    return { probability: p, logit: z, contributions };
  };
  return Object.assign(scorer, { missingColumns, needsActivities });
}
