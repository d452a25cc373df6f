// Column names are matched after trimming and case-folding (exports vary in both).

export function normaliseColumn(name: string): string {
  return name.trim().toLowerCase();
}

/** A lookup from a field name to its column index in `header`, or -1. */
export function columnMatcher(header: readonly string[]): (field: string) => number {
  const m = new Map<string, number>();
  header.forEach((h, i) => {
    const k = normaliseColumn(h);
    if (!m.has(k)) m.set(k, i);
  });
  return (field) => m.get(normaliseColumn(field)) ?? -1;
}
