// Stable diagnostic codes of model loading and validation (docs/diagnostics.md explains each with an
// example and a fix). Tests assert on these codes, never on message text. Never reuse a retired code.
import type { Severity } from './types.js';

export const DIAGNOSTIC_CODES = {
  // The file and its YAML
  LS001: { severity: 'error', meaning: 'YAML syntax error' },
  LS002: { severity: 'error', meaning: 'YAML alias expands too much (alias bomb) or is unresolved' },
  LS003: { severity: 'error', meaning: 'model file cannot be read' },
  LS004: { severity: 'error', meaning: 'model is empty or its top level is not a mapping' },
  LS005: { severity: 'error', meaning: 'duplicate key in a YAML mapping' },
  LS006: { severity: 'warning', meaning: 'YAML warning (e.g. an unknown tag)' },
  LS007: { severity: 'error', meaning: 'model nests too deeply to be read (thousands of nested block mappings)' },
  LS008: { severity: 'error', meaning: 'model file is not a regular file, or larger than the model size limit' },
  LS009: { severity: 'error', meaning: 'YAML aliases expand the model beyond the size limit (alias amplification)' },
  // Shape
  LS010: { severity: 'error', meaning: 'unknown key' },
  LS011: { severity: 'error', meaning: 'wrong type of value' },
  LS012: { severity: 'error', meaning: 'unknown condition operator' },
  LS013: { severity: 'error', meaning: 'missing required key' },
  LS014: { severity: 'error', meaning: 'value is not one of the allowed values' },
  LS015: { severity: 'error', meaning: 'unsupported model version (only version: 1)' },
  LS016: { severity: 'error', meaning: 'malformed condition (no operator, or all/any/not mixed with other keys)' },
  LS017: { severity: 'error', meaning: 'rule form is ambiguous or incomplete' },
  LS018: { severity: 'error', meaning: 'empty list where at least one item is needed' },
  // Ids and names
  LS020: { severity: 'error', meaning: 'duplicate rule id' },
  LS021: { severity: 'warning', meaning: 'rule id is not snake_case' },
  LS022: { severity: 'error', meaning: 'interest or flag name is not snake_case' },
  LS023: { severity: 'error', meaning: 'duplicate band name' },
  LS024: { severity: 'error', meaning: 'segment sets a band that is not a band of the model (or the catch-all)' },
  LS025: { severity: 'error', meaning: 'segment sets points of a rule that is not in the model' },
  LS026: { severity: 'error', meaning: 'segment points do not fit the rule (a number for points, values or ranges for those fit rules)' },
  // Bands and grades
  LS030: { severity: 'error', meaning: 'bands are not in descending min order' },
  LS031: { severity: 'error', meaning: 'more than one catch-all band, or a catch-all band that is not last' },
  LS032: { severity: 'warning', meaning: 'band can never be reached (score is clamped to [0, 100])' },
  LS033: { severity: 'warning', meaning: 'no catch-all band: low scores get no band' },
  LS034: { severity: 'warning', meaning: 'model has no bands' },
  LS035: { severity: 'error', meaning: 'grade scale is not in descending min order' },
  LS036: { severity: 'error', meaning: 'grade scale is empty' },
  LS027: { severity: 'error', meaning: 'two band names give the same band-<name>.csv file name' },
  // Ranges and numbers
  LS040: { severity: 'error', meaning: 'range has min greater than max' },
  LS041: { severity: 'error', meaning: 'ranges overlap' },
  LS042: { severity: 'error', meaning: 'range can never be reached (earlier ranges cover it)' },
  LS043: { severity: 'error', meaning: 'between: [a, b] with a > b' },
  // Regular expressions
  LS050: { severity: 'error', meaning: 'regular expression does not compile' },
  // LS051 (can backtrack catastrophically) is retired: regular expressions run on RE2, in linear time
  LS053: { severity: 'error', meaning: 'max_count is above its maximum (1000)' },
  LS054: { severity: 'error', meaning: 'points beyond ±1,000,000 (finite points could add up to Infinity)' },
  LS052: { severity: 'error', meaning: 'regular expression uses a feature the linear-time engine (RE2) does not have (backreference, lookaround)' },
  // Numeric settings
  LS060: { severity: 'error', meaning: 'half_life_days must be greater than 0' },
  LS061: { severity: 'error', meaning: 'window_days must be greater than 0' },
  LS062: { severity: 'error', meaning: 'max_count must be a positive integer' },
  LS063: { severity: 'error', meaning: 'max_points must be greater than 0' },
  LS064: { severity: 'error', meaning: 'within_days / older_than_days must not be negative' },
  LS066: { severity: 'error', meaning: 'bot_filter count or seconds is not positive (count: a positive integer)' },
  LS065: { severity: 'warning', meaning: 'a component cap (max) of 0 or less' },
  // Practitioner warnings
  LS070: { severity: 'warning', meaning: 'rule has 0 points and no flag: it has no effect' },
  LS071: { severity: 'warning', meaning: 'model has no rules' },
  LS072: { severity: 'warning', meaning: 'reject rule has points or a flag, which are ignored' },
  LS073: { severity: 'warning', meaning: 'section is not supported by this version and is ignored' },
  // Predictive section (docs/train.md)
  LS080: { severity: 'error', meaning: 'predictive feature has a standard deviation (sd) of 0 or less' },
  LS081: { severity: 'error', meaning: 'predictive.weight is not between 0 and 1' },
  LS082: { severity: 'error', meaning: 'duplicate predictive feature' },
  LS083: { severity: 'warning', meaning: 'predictive section has no features' },
  // Accounts section (docs/model.md#accounts)
  LS086: { severity: 'error', meaning: 'accounts option does not apply to the score method (top without top_mean, cap without sum)' },
  LS087: { severity: 'error', meaning: 'accounts number out of range (top and min_leads: positive integers; cap: greater than 0)' },
  // Column alternatives
  LS093: { severity: 'error', meaning: 'a list of column alternatives is empty or names a column twice' },
  LS094: { severity: 'error', meaning: 'two lists of column alternatives start with the same name but differ' },
  LS095: { severity: 'warning', meaning: 'field read by an engagement rule is a column of some activity files but not this one (its rows see a missing value)' },
  // Columns (validate -l / -a)
  LS090: { severity: 'error', meaning: 'field is not a column of the leads file' },
  LS091: { severity: 'error', meaning: 'field is not a column of the activities file' },
  LS092: { severity: 'error', meaning: 'header of a CSV file cannot be read' },
  // SQL (leadscore sql, validate --dialect): what a dialect cannot express is refused, never compiled wrongly
  LS190: { severity: 'error', meaning: 'model feature that SQL cannot express (bot_filter, accounts, date_format dmy/mdy, reasons of a weight-1 predictive model)' },
  LS191: { severity: 'error', meaning: 'regular expression feature the SQL dialect lacks' },
  LS192: { severity: 'error', meaning: 'text operator or categorical feature over a fractional computed number' },
  LS193: { severity: 'error', meaning: '$row lead ids need --order-by in SQL (a table has no row order)' },
  LS194: { severity: 'error', meaning: 'field with a dot (a JSON property) in SQL' },
  LS195: { severity: 'error', meaning: 'sql options that do not go together (--emit dbt with --as-of)' },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
