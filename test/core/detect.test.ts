// One detection of placeholders and id-like columns, shared by train and init (src/core/detect.ts).
import { describe, expect, it } from 'vitest';
import { detectPlaceholders, idLikeReason } from '../../src/core/detect.js';

describe('detectPlaceholders (by frequency)', () => {
  const header = ['Specialization', 'City', 'Notes', 'Converted'];
  const rows = Array.from({ length: 300 }, (_, i) => [
    i % 5 === 0 ? 'Select' : 'Finance',
    i % 50 === 0 ? 'select' : i % 7 === 0 ? 'Unknown' : 'Mumbai',
    i === 3 ? '?' : 'ok',
    i % 9 === 0 ? 'N/A' : '1',
  ]);

  it('finds tokens that fill a share of some column, first spelling kept, most cells first', () => {
    const found = detectPlaceholders(header, rows, new Set([3]));
    expect(found.map((p) => p.token)).toEqual(['Select', 'Unknown']);
    const select = found[0]!;
    expect(select.cells).toBe(66); // 60 in Specialization + 6 in City
    expect(select.columns).toEqual([{ name: 'Specialization', count: 60 }, { name: 'City', count: 6 }]);
  });

  it('ignores a token seen once (noise) and the skipped columns', () => {
    const found = detectPlaceholders(header, rows, new Set([3]));
    expect(found.some((p) => p.token === '?')).toBe(false);
    expect(found.some((p) => p.token === 'N/A')).toBe(false);
    expect(detectPlaceholders(header, rows).some((p) => p.token === 'N/A')).toBe(true);
  });

  it('needs two cells in a tiny sample', () => {
    expect(detectPlaceholders(['a'], [['-'], ['x'], ['y']])).toEqual([]);
    expect(detectPlaceholders(['a'], [['-'], ['x'], ['-']]).map((p) => p.token)).toEqual(['-']);
  });
});

describe('idLikeReason', () => {
  const seq = Array.from({ length: 200 }, (_, i) => String(660737 - i * 3 - (i % 3)));
  it('a whole number moving with the row number (here decreasing, with gaps) is an id', () => {
    expect(idLikeReason('Lead Number', seq)).toMatch(/sequential with the row number \(decreasing/);
    expect(idLikeReason('x', [...seq].reverse())).toMatch(/increasing/);
  });
  it('a text column unique per row is an id', () => {
    expect(idLikeReason('Prospect ID', Array.from({ length: 50 }, (_, i) => `7927b2df-${i}`))).toMatch(/unique per row/);
  });
  it('a unique whole number in no order is an id only when its name says so', () => {
    const shuffled = Array.from({ length: 100 }, (_, i) => String((i * 37) % 101 + 1000));
    expect(idLikeReason('customer_no', shuffled)).toMatch(/named like an id/);
    expect(idLikeReason('Lead Number', shuffled)).toMatch(/named like an id/);
    expect(idLikeReason('annual_revenue', shuffled)).toBeUndefined();
  });
  it('repeated values, decimals and mostly empty columns are not ids', () => {
    expect(idLikeReason('visits', Array.from({ length: 100 }, (_, i) => String(i % 10)))).toBeUndefined();
    expect(idLikeReason('ratio', Array.from({ length: 100 }, (_, i) => (i / 7).toFixed(4)))).toBeUndefined();
    expect(idLikeReason('segment', Array.from({ length: 100 }, (_, i) => ['smb', 'mid', 'ent'][i % 3]!))).toBeUndefined();
    expect(idLikeReason('ref', Array.from({ length: 100 }, (_, i) => (i % 2 ? undefined : `R${i}`)))).toBeUndefined();
  });
});
