// Union by name (docs/input.md#many-files): activity files of one run need not have the same columns.
// A column an engagement rule reads that one file lacks is a missing value for that file's rows, with
// one warning per file and column (LS161); only the required columns (lead id, type, timestamp) are
// errors (LS110).
import type { Model } from './types.js';
import { columnMatcher } from '../columns.js';
import { conditionFields } from './compile.js';
import { resolveJsonField } from './json-field.js';

export interface ColumnWarning {
  code: 'LS161';
  message: string;
  file: string;
  column: string;
}

/** The activity columns the model's rules read (conditions of engagement rules, bot_filter match_on), with who reads them. */
export function activityRuleFields(model: Model): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (field: string, by: string) => {
    const list = out.get(field);
    if (list) {
      if (!list.includes(by)) list.push(by);
    } else out.set(field, [by]);
  };
  for (const r of model.engagement.rules) if (r.condition) for (const f of conditionFields(r.condition)) add(f, r.id);
  const matchOn = model.engagement.botFilter?.clicks?.matchOn;
  if (matchOn) add(matchOn, 'bot_filter');
  return out;
}

/** One LS161 warning per column a rule reads that this activity file's header lacks (JSON fields: their column). */
export function missingRuleColumns(model: Model, header: readonly string[], file: string): ColumnWarning[] {
  const index = columnMatcher(header, model.alternatives);
  const out: ColumnWarning[] = [];
  for (const [field, rules] of activityRuleFields(model)) {
    if (index(field) >= 0 || resolveJsonField(field, index)) continue;
    out.push({
      code: 'LS161',
      file,
      column: field,
      message: `column "${field}" (read by ${rules.join(', ')}) is not in this file: its rows see a missing value there`,
    });
  }
  return out;
}
