// init --outcome's points from the data (src/core/init/outcome-points.ts): the close rate per attribute,
// with two refinements that the bank-marketing figures needed (docs/operations.md): a numeric column
// counts by how well its own bins rank (a rate that rises and falls again, as with age), and a column
// that repeats what a stronger one says is left out instead of counting the same evidence twice.
import { describe, expect, it } from 'vitest';
import { outcomePoints } from '../../../src/core/init/outcome-points.js';

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('outcomePoints', () => {
  const rand = rng(3);
  const n = 4000;
  const header = ['id', 'source', 'channel', 'age', 'colour'];
  const rows: string[][] = [];
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const source = ['referral', 'search', 'ads', 'event'][Math.floor(rand() * 4)]!;
    // channel: the same fact as source under other names (a CRM that stores both)
    const channel = { referral: 'partner', search: 'web', ads: 'web-paid', event: 'offline' }[source]!;
    const age = 18 + Math.floor(rand() * 60);
    const colour = ['red', 'green', 'blue'][Math.floor(rand() * 3)]!;
    // the young and the old convert more: a U shape the raw order of age cannot show
    const p = (source === 'referral' ? 0.45 : source === 'event' ? 0.2 : 0.1) + (age < 26 || age > 68 ? 0.25 : 0);
    y[i] = rand() < p ? 1 : 0;
    rows.push([`L${i}`, source, channel, String(age), colour]);
  }
  const r = outcomePoints(header, rows, y, new Set([0]), ['']);
  const used = r.rules.map((x) => x.column);
  const why = (c: string) => r.leftOut.find((x) => x.column === c)?.reason ?? '';

  it('keeps the strong column and leaves out its copy under other names, saying why', () => {
    expect(used[0]).toBe('source');
    expect(used).not.toContain('channel');
    expect(why('channel')).toMatch(/^adds nothing to the columns above \(AUC alone 0\.\d+, but 0\.\d+ with them against 0\.\d+ without: it repeats what they say\)$/);
    const source = r.rules[0]!.options;
    const pts = (v: string) => source.find((o) => o.option.kind === 'value' && o.option.value === v)!.points;
    expect(pts('referral')).toBeGreaterThan(pts('event'));
    expect(pts('event')).toBeGreaterThan(pts('search'));
  });

  it('counts a numeric column by its bins: the U-shaped age is used, the youngest and oldest bins worth most', () => {
    expect(used).toContain('age');
    const age = r.rules.find((x) => x.column === 'age')!;
    expect(age.auc).toBeGreaterThan(0.55);
    const ranges = age.options.filter((o) => o.option.kind === 'range');
    const lowest = ranges.find((o) => o.option.kind === 'range' && o.option.min === undefined)!;
    const highest = ranges.reduce((a, b) => ((b.option as { min?: number }).min! > ((a.option as { min?: number }).min ?? -Infinity) ? b : a));
    const middle = ranges.filter((o) => o !== lowest && o !== highest);
    for (const m of middle) {
      expect(lowest.points).toBeGreaterThan(m.points);
      expect(highest.points).toBeGreaterThan(m.points);
    }
  });

  it('leaves out a column without signal', () => {
    expect(used).not.toContain('colour');
    expect(why('colour')).toMatch(/^no signal in the sample/);
  });
});
