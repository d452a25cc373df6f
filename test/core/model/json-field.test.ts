// Fields inside a JSON column (`event_data.revenue`): resolution, paths, missing values, and one parse
// per row (docs/model.md#json-properties).
import { describe, expect, it } from 'vitest';
import { JsonCache, jsonPath, jsonReader, resolveJsonField } from '../../../src/core/model/json-field.js';
import { compileCondition } from '../../../src/core/model/compile.js';
import { columnMatcher } from '../../../src/core/columns.js';
import { makeNulls } from '../../../src/core/value.js';
import { model, scoreRows } from '../../helpers/score-harness.js';

const AS_OF = '2026-11-01T00:00:00Z';
const header = ['client_id', 'event_data', 'Event_Data.Revenue.Raw'];
const index = columnMatcher(header);

describe('resolving a dotted field', () => {
  it('a column literally named so wins; else the longest column prefix and the rest as the path', () => {
    expect(resolveJsonField('event_data.revenue.raw', index)).toBeUndefined(); // a real column (case-folded)
    expect(resolveJsonField('event_data.revenue', index)).toEqual({ index: 1, column: 'event_data', path: ['revenue'] });
    expect(resolveJsonField('event_data.items.0.item_price', index)).toEqual({ index: 1, column: 'event_data', path: ['items', '0', 'item_price'] });
    expect(resolveJsonField('nothing.here', index)).toBeUndefined();
    expect(resolveJsonField('client_id', index)).toBeUndefined();
    expect(resolveJsonField('event_data..x', index)).toBeUndefined();
  });
  it('numbers index arrays; keys match exactly, else ignoring case', () => {
    const v = { items: [{ item_price: 19.9 }, { item_price: 5 }], Revenue: 245 };
    expect(jsonPath(v, ['items', '1', 'item_price'])).toBe(5);
    expect(jsonPath(v, ['revenue'])).toBe(245);
    expect(jsonPath(v, ['items', 'x'])).toBeUndefined();
    expect(jsonPath(v, ['items', '7', 'item_price'])).toBeUndefined();
    expect(jsonPath([1, 2], ['1'])).toBe(2);
  });
});

describe('reading a JSON field', () => {
  const field = resolveJsonField('event_data.revenue', index)!;
  it('numbers and booleans become text, objects JSON, null and non-JSON cells missing', () => {
    const cache = new JsonCache();
    const read = jsonReader(field, cache);
    expect(read(['c1', '{"revenue": 245}'])).toBe('245');
    expect(read(['c1', '{"revenue": "129.50"}'])).toBe('129.50');
    expect(read(['c1', '{"revenue": true}'])).toBe('true');
    expect(read(['c1', '{"revenue": {"net": 1}}'])).toBe('{"net":1}');
    expect(read(['c1', '{"revenue": null}'])).toBeUndefined();
    expect(read(['c1', '{revenue: 12}'])).toBeUndefined();
    expect(read(['c1', '(not set)'])).toBeUndefined();
    expect(read(['c1', ''])).toBeUndefined();
    expect(read(['c1'])).toBeUndefined();
  });
  it('a cell is parsed once per row however many conditions read it', () => {
    const cache = new JsonCache();
    const ctx = { index, nulls: makeNulls(['']), asOfMs: 0, json: cache };
    const leaf = (f: string, op: object) => ({ kind: 'leaf' as const, field: f, ops: [op as never], path: 'x' });
    const a = compileCondition(leaf('event_data.revenue', { op: 'gte', value: 200 }), ctx);
    const b = compileCondition(leaf('event_data.items.0.item_price', { op: 'lt', value: 20 }), ctx);
    const rows = [
      ['c1', '{"revenue": 245, "items": [{"item_price": 19.9}]}'],
      ['c2', '{"revenue": 12, "items": [{"item_price": 59}]}'],
    ];
    const results = rows.map((r) => [a.test(r), b.test(r)]);
    expect(results).toEqual([[true, true], [false, false]]);
    expect(cache.parses).toBe(2);
  });
  it('a model that reads no JSON field parses nothing', () => {
    const cache = new JsonCache();
    const c = compileCondition({ kind: 'leaf', field: 'event_data', ops: [{ op: 'contains', value: ['revenue'] }], path: 'x' }, { index, nulls: makeNulls(['']), asOfMs: 0, json: cache });
    expect(c.test(['c1', '{"revenue": 1}'])).toBe(true);
    expect(cache.parses).toBe(0);
  });
});

describe('JSON fields in rules', () => {
  const m = model(`
version: 1
name: t
input:
  leads: { id: id }
  activities: { lead_id: lead_id, type: type, timestamp: at }
fit:
  rules:
    - { id: vip, if: { field: profile.tier, equals: gold }, points: 7 }
    - { id: age, field: profile.age, ranges: [{ min: 30, points: 3 }] }
engagement:
  rules:
    - { id: big_purchase, type: purchase, if: { field: event_data.revenue, gte: 200 }, points: 30 }
    - { id: cheap_first_item, type: purchase, if: { field: event_data.items.0.item_price, lt: 20 }, points: 4 }
    - { id: purchase, type: purchase, points: 10 }
quality:
  - { id: internal, if: { field: profile.staff, equals: true }, action: reject }
bands: [{ name: all }]
`);
  it('activity conditions, lead conditions, ranges and quality checks read inside JSON columns', () => {
    const leads = [
      { id: 'a', profile: '{"tier": "Gold", "age": 41}' },
      { id: 'b', profile: 'not json' },
      { id: 'c', profile: '{"staff": true}' },
    ];
    const acts = [
      { lead_id: 'a', type: 'purchase', at: '2026-10-30', event_data: '{"revenue": 245, "items": [{"item_price": 19.9}]}' },
      { lead_id: 'a', type: 'purchase', at: '2026-10-31', event_data: '{"revenue": "199.99"}' },
      { lead_id: 'b', type: 'purchase', at: '2026-10-31', event_data: '{revenue: 900}' },
    ];
    const { byId, rejected } = scoreRows(m, leads, acts, AS_OF);
    // a: fit 7 + 3; engagement 30 + 4 + 10 (first purchase) + 10 (second: 199.99 < 200, no item)
    expect(byId.get('a')!.fit).toBe(10);
    expect(byId.get('a')!.engagement).toBe(54);
    // b: the cell is not JSON: revenue is missing, only the plain purchase rule counts
    expect(byId.get('b')!.fit).toBe(0);
    expect(byId.get('b')!.engagement).toBe(10);
    expect(rejected.get('c')).toBe('internal');
  });
});
