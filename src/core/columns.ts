// Column names are matched after trimming and case-folding (exports vary in both). A column with
// alternatives (a YAML list in the model, e.g. lead_id: [client_id, clientId]) is found in each file
// under the first of its names that the file's header has.
import type { ColumnAlternatives } from './model/types.js';

export function normaliseColumn(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * A lookup from a field name to its column index in `header`, or -1. With `alternatives`, a field that
 * is the first name of a list is looked up under each name of the list, in order.
 */
export function columnMatcher(header: readonly string[], alternatives?: ColumnAlternatives): (field: string) => number {
  const m = new Map<string, number>();
  header.forEach((h, i) => {
    const k = normaliseColumn(h);
    if (!m.has(k)) m.set(k, i);
  });
  if (!alternatives) return (field) => m.get(normaliseColumn(field)) ?? -1;
  return (field) => {
    const k = normaliseColumn(field);
    const names = Object.prototype.hasOwnProperty.call(alternatives, k) ? alternatives[k] : undefined;
    if (!names) return m.get(k) ?? -1;
    for (const n of names) {
      const i = m.get(normaliseColumn(n));
      if (i !== undefined) return i;
    }
    return -1;
  };
}

/** The names a field may have in a file: its alternatives, or just itself. */
export function columnNames(field: string, alternatives?: ColumnAlternatives): string[] {
  const k = normaliseColumn(field);
  return (alternatives && Object.prototype.hasOwnProperty.call(alternatives, k) ? alternatives[k] : undefined) ?? [field];
}
