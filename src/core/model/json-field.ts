// Fields inside a JSON column (docs/model.md#json-properties): `event_data.revenue` reads `revenue` of
// the JSON object in column `event_data` when no column is literally named `event_data.revenue`. More
// dots go deeper; a segment of digits indexes an array (`event_data.items.0.item_price`). A cell that
// is not a JSON object or array, or lacks the path, is a missing value.
//
// Cost: only fields that name no column are resolved this way, so a model without such fields reads
// plain cells as before. A cell is parsed at most once per row however many rules read it: the parse
// is kept per column with the cell it came from (a row's cell is the same string for every rule).
import type { Cell } from '../value.js';

/** A field resolved to a JSON column and the path inside it. */
export interface JsonField {
  /** Column index of the JSON column. */
  index: number;
  /** The column's name as the model wrote it (the part before the path). */
  column: string;
  /** Keys and array indexes, in order. */
  path: string[];
}

/**
 * Resolve `field` against a header lookup: undefined when the field names a column itself or has no
 * dot; else the longest prefix (cut at a dot) that names a column, and the rest as the path.
 */
export function resolveJsonField(field: string, index: (name: string) => number): JsonField | undefined {
  if (!field.includes('.') || index(field) >= 0) return undefined;
  for (let k = field.lastIndexOf('.'); k > 0; k = field.lastIndexOf('.', k - 1)) {
    const column = field.slice(0, k);
    const i = index(column);
    if (i >= 0) {
      const path = field.slice(k + 1).split('.');
      if (path.some((p) => p === '')) return undefined;
      return { index: i, column, path };
    }
  }
  return undefined;
}

const NOT_JSON = Symbol('not json');

/** The last parse of one JSON column: the cell it came from and its value. */
interface Parsed {
  cell: string | undefined;
  value: unknown;
}

/** Parses of JSON columns, shared by every rule bound through one context (one per column name). */
export class JsonCache {
  private readonly byColumn = new Map<string, Parsed>();
  /** Cells parsed so far (for tests and bench/: the once-per-row promise). */
  parses = 0;

  slot(column: string): Parsed {
    const key = column.trim().toLowerCase();
    let p = this.byColumn.get(key);
    if (!p) this.byColumn.set(key, (p = { cell: undefined, value: NOT_JSON }));
    return p;
  }

  parse(slot: Parsed, cell: string): unknown {
    if (slot.cell === cell) return slot.value;
    slot.cell = cell;
    this.parses++;
    const t = cell.trim();
    const c = t.charCodeAt(0);
    if (c !== 123 /* { */ && c !== 91 /* [ */) return (slot.value = NOT_JSON);
    try {
      slot.value = JSON.parse(t);
    } catch {
      slot.value = NOT_JSON;
    }
    return slot.value;
  }
}

/** The value at `path` in a parsed JSON value, or undefined. Keys match exactly, else ignoring case. */
export function jsonPath(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) {
      if (!/^\d+$/.test(key)) return undefined;
      v = v[Number(key)];
      continue;
    }
    const o = v as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(o, key)) {
      v = o[key];
      continue;
    }
    const lower = key.toLowerCase();
    const found = Object.keys(o).find((k) => k.toLowerCase() === lower);
    if (found === undefined) return undefined;
    v = o[found];
  }
  return v;
}

/** A JSON value as a cell: strings as they are, numbers and booleans as text, objects as JSON, null as missing. */
export function jsonCell(v: unknown): Cell {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A reader of one JSON field from a row: the cell of the JSON column, parsed once, then the path. */
export function jsonReader(f: JsonField, cache: JsonCache): (row: readonly Cell[]) => Cell {
  const slot = cache.slot(f.column);
  const { index, path } = f;
  return (row) => {
    const cell = row[index];
    if (typeof cell !== 'string') return undefined;
    const parsed = cache.parse(slot, cell);
    if (parsed === NOT_JSON) return undefined;
    return jsonCell(jsonPath(parsed, path));
  };
}
