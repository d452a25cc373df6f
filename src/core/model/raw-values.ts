// Reading the raw YAML values of a model: mappings (plain objects or Maps, which keep key order) and a
// short description of a value for diagnostics. Shared by validate.ts and predictive-section.ts.

export type Entries = [string, unknown][];

/** The key/value pairs of a mapping in file order, or undefined when `raw` is not a mapping. */
export function entriesOf(raw: unknown): Entries | undefined {
  if (raw instanceof Map) return [...raw.entries()].map(([k, v]) => [String(k), v]);
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) return Object.entries(raw);
  return undefined;
}

/** What a value is, for messages: "a list", "the string \"x\"", "the number 3". */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Map || typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `${v}`;
  return typeof v;
}
