// The validated, normalised model (PRODUCT.md §2, version 1). YAML keys are snake_case; these types are
// camelCase. Every rule keeps `path` (its place in the model, e.g. "fit.rules[2]") for diagnostics,
// explain and reports. Produced by validateModel(); consumed by compileModel().

export type OperatorName =
  | 'equals' | 'in' | 'not_in' | 'contains' | 'starts_with' | 'ends_with' | 'matches'
  | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'missing' | 'present' | 'within_days' | 'older_than_days';

export const OPERATORS: readonly OperatorName[] = [
  'equals', 'in', 'not_in', 'contains', 'starts_with', 'ends_with', 'matches',
  'gt', 'gte', 'lt', 'lte', 'between', 'missing', 'present', 'within_days', 'older_than_days',
];

/** One operator of a leaf with its normalised operand. */
export type Operator =
  | { op: 'equals'; value: string | number | boolean }
  | { op: 'in' | 'not_in'; value: (string | number | boolean)[] }
  | { op: 'contains' | 'starts_with' | 'ends_with'; value: string[] } // a single string becomes [s]
  | { op: 'matches'; value: string } // regular expression source, compiled case-insensitive
  | { op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { op: 'between'; value: [number, number] }
  | { op: 'missing' | 'present'; value: boolean }
  | { op: 'within_days' | 'older_than_days'; value: number };

export interface LeafCondition {
  kind: 'leaf';
  field: string;
  /** Several operators in one leaf: the leaf holds when all of them hold. */
  ops: Operator[];
  path: string;
}
export type Condition =
  | LeafCondition
  | { kind: 'all'; items: Condition[]; path: string }
  | { kind: 'any'; items: Condition[]; path: string }
  | { kind: 'not'; item: Condition; path: string };

export interface RuleBase {
  id: string;
  label?: string;
  path: string;
}

export type FitRule =
  | (RuleBase & { kind: 'if'; condition: Condition; points: number })
  | (RuleBase & { kind: 'values'; field: string; values: { key: string; points: number }[] })
  | (RuleBase & { kind: 'ranges'; field: string; ranges: { min?: number; max?: number; points: number }[] });

export interface EngagementRule extends RuleBase {
  /** Activity types this rule counts (compared like `equals`). */
  types: string[];
  /** Optional condition over the activity's columns. */
  condition?: Condition;
  points: number;
  maxCount?: number;
  maxPoints?: number;
  /** false for `decay: false`. */
  decay: boolean;
  interest?: string;
}

export interface Signal extends RuleBase {
  condition: Condition;
  points: number;
  flag?: string;
}

export interface QualityRule extends RuleBase {
  check?: 'email_syntax' | 'disposable_email';
  field?: string;
  condition?: Condition;
  action: 'reject' | 'adjust';
  points: number;
  flag?: string;
}

export interface Band {
  name: string;
  /** Absent on the catch-all (last) band. */
  min?: number;
}

export interface GradeScale {
  /** In file order; a value gets the first entry whose min <= value, the last entry takes the rest. */
  entries: { label: string; min: number }[];
}

export interface ModelInput {
  leads: {
    /** Column name, or '$row' for the 1-based data row number. */
    id: string;
    nullValues: string[];
    /** `point` (default: 1,234.5) or `comma` (decimal comma: 1.234,5). */
    numberFormat?: 'point' | 'comma';
    /** `iso` (default), `dmy` (DD.MM.YYYY, DD/MM/YYYY) or `mdy`; ISO dates are always accepted. */
    dateFormat?: 'iso' | 'dmy' | 'mdy';
  };
  activities: {
    leadId: string;
    type: string;
    timestamp: string;
    numberFormat?: 'point' | 'comma';
    dateFormat?: 'iso' | 'dmy' | 'mdy';
  };
}

export interface Model {
  version: 1;
  name: string;
  description?: string;
  input: ModelInput;
  fit: { max?: number; rules: FitRule[] };
  engagement: {
    halfLifeDays?: number;
    windowDays?: number;
    max?: number;
    rules: EngagementRule[];
    signals: Signal[];
    /** Drops bursts and email-scanner clicks before the rules see the activities (docs/model.md). */
    botFilter?: BotFilterConfig;
  };
  quality: QualityRule[];
  bands: Band[];
  grade?: { fit: GradeScale; activity: GradeScale };
  /** A logistic-regression section (written by `leadscore train`, hand-editable): see docs/train.md. */
  predictive?: PredictiveSection;
  /** Account scoring: leads grouped by a column or by their email's domain (docs/model.md#accounts). */
  accounts?: AccountsSection;
  /** Per-segment overrides of band thresholds and rule points; the first segment whose condition holds applies. */
  segments?: Segment[];
  /**
   * Column alternatives: where the model wrote a list of names for a column, its first name (trimmed,
   * lower case) -> the list. Every field naming the first name reads, in each file, the first name of
   * the list that file's header has (docs/model.md#column-alternatives). Fields keep the first name.
   */
  alternatives?: ColumnAlternatives;
}

export type ColumnAlternatives = Record<string, string[]>;

/** A numeric predictive feature: x = (transform(value) - mean) / sd; term = coefficient * x. */
export interface PredictiveNumeric {
  name: string;
  type: 'numeric';
  transform: 'none' | 'log1p';
  mean: number;
  sd: number;
  coefficient: number;
  /** The term when the value is missing (or not a number); default 0. */
  missing: number;
}

/** A categorical predictive feature: the term is the coefficient of the lead's level (case-folded). */
export interface PredictiveCategorical {
  name: string;
  type: 'categorical';
  /** Level (trimmed, lower case) -> coefficient. */
  levels: { level: string; coefficient: number }[];
  /** The term of a level not in `levels` (rare in training, or new); default 0. */
  other: number;
  /** The term when the value is missing; default 0. */
  missing: number;
}

export type PredictiveFeature = PredictiveNumeric | PredictiveCategorical;

/**
 * p = sigmoid(intercept + sum of the feature terms). A feature's name is a leads column, or one of the
 * per-lead activity aggregates `activity.count`, `activity.count_7d`, `activity.count_30d`,
 * `activity.days_since_last`, `activity.count.<type>` (ACTIVITY_FEATURE).
 */
export interface PredictiveSection {
  intercept: number;
  features: PredictiveFeature[];
  /** Share of the score that comes from 100 × p when the model also has rules (0..1, default 1). */
  weight: number;
}

/** Names of the activity aggregates a predictive feature may use (the type of `activity.count.<type>` is free). */
export const ACTIVITY_FEATURE = /^activity\.(count|count_7d|count_30d|days_since_last|count\.(.+))$/;

/** A new points value for one rule in a segment: a number, or new `values` / `ranges` for such rules. */
export interface PointsOverride {
  ruleId: string;
  points?: number;
  values?: { key: string; points: number }[];
  ranges?: { min?: number; max?: number; points: number }[];
  path: string;
}

export interface Segment extends RuleBase {
  /** A condition on lead columns. */
  condition: Condition;
  /** New `min` per band name (the band list and its order stay the model's). */
  bands: { name: string; min: number }[];
  points: PointsOverride[];
}

export interface BotFilterConfig {
  /** More than `count` activities of one lead within `seconds`: all of them are dropped. */
  burst?: { count: number; seconds: number };
  /** A click at most `seconds` after a delivery/open of the same lead (and the same `match_on` value). */
  clicks?: { types: string[]; after: string[]; seconds: number; matchOn?: string };
}

export const DEFAULT_NULL_VALUES = ['', 'NA', 'N/A', 'null'];

/** Fields that signals see per lead besides the lead's own columns (PRODUCT.md §2). */
export const SIGNAL_FIELDS = [
  'activity_count', 'days_since_last_activity', 'engagement_7d', 'engagement_30d',
] as const;

export type Severity = 'error' | 'warning';

/** A user-facing problem: stable code, location, what was found, what to do. */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  /** Path in the model, e.g. "fit.rules[2].if". */
  path?: string;
  file?: string;
  line?: number;
  col?: number;
  hint?: string;
}

export interface Result<T> {
  value?: T;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** `accounts:` — how leads group into accounts and how an account is scored (docs/model.md#accounts). */
export interface AccountsSection {
  /** `email_domain`: the exact domain after the last @ of the field, lower-cased; `column`: the value, trimmed and case-folded. */
  by: { kind: 'email_domain' | 'column'; field: string };
  /** max: the best lead score; sum: the sum of lead scores capped at `cap`; top_mean: mean of the `top` best lead scores. */
  score: 'max' | 'sum' | 'top_mean';
  /** With top_mean only: how many of the best lead scores are averaged (a positive integer). */
  top?: number;
  /** With sum: the cap of the summed lead scores (default 100). */
  cap: number;
  /** Accounts with fewer scored leads are left out (default 1). */
  minLeads: number;
  /** Account-level fit rules, evaluated on the account's best lead (same forms and semantics as fit rules). */
  fit: { rules: FitRule[] };
  /** Account bands; absent: the model's bands. */
  bands?: Band[];
}
