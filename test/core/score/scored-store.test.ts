// The store of scored leads keeps a reason's points as the cents formatPoints shows (issue 18: 4 bytes
// instead of 8), so its reasons must read exactly as formatPoints writes the double, for any value; and
// a store filled on another thread (over data(), as the scoring threads fill it) must read as if it
// had been filled here, predictive values and out-of-range points included.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScoredStore, type StoreLayout } from '../../../src/core/score/scored-store.js';
import type { CompiledModel } from '../../../src/core/score/compiled.js';
import type { Contribution, ScoredLead } from '../../../src/core/score/score-lead.js';
import { formatLogOdds } from '../../../src/core/score/score-lead.js';
import { formatFixed2, formatPoints } from '../../../src/core/value.js';

const cm = {
  rules: [
    { id: 'fit_rule', section: 'fit' },
    { id: 'engaged', section: 'engagement' },
    { id: 'feature', section: 'predictive' },
  ],
  model: { bands: [{ name: 'hot', min: 50 }, { name: 'cold' }], segments: [] },
} as unknown as CompiledModel;

const POINTS: StoreLayout = { nInterests: 1, wideSlots: false, wideIndexes: false, predictive: false };
const PREDICTIVE: StoreLayout = { ...POINTS, predictive: true };

function lead(score: number, engagement = 0, interest = score / 2): ScoredLead {
  return { score, fit: score, engagement, band: score >= 50 ? 0 : 1, grade: 'A1', flags: score > 90 ? ['fast_track'] : [], contributions: [], fired: [], interests: [interest], segment: -1, fitUncapped: score, engagementUncapped: engagement, adjustments: 0, unclamped: score };
}

// values at the edges of the cents: half-cents, binary fractions just under them, Int32's range
const EDGES = [0, -0, 0.005, -0.005, 0.015, 1.005, 2.675, 1.115, -2.675, 0.004999999, 1e-12, -1e-12, 21_474_836.47, 21_474_836.48, -21_474_836.48, -21_474_836.49, 1e15, -3e17, 123_456_789.125, Number.MAX_SAFE_INTEGER];

describe('ScoredStore: reasons, engagement and interests kept as cents', () => {
  it('writes every reason as formatPoints, engagement and interests as formatFixed2 write the doubles, on this thread and filled on another', () => {
    const values = fc.oneof(fc.constantFrom(...EDGES), fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e18, max: 1e18 }), fc.integer({ min: -1e6, max: 1e6 }).map((c) => c / 100));
    fc.assert(
      fc.property(fc.array(fc.record({ points: fc.array(values, { minLength: 1, maxLength: 5 }), engagement: values, interest: values }), { minLength: 1, maxLength: 20 }), (rows) => {
        const here = new ScoredStore(rows.length, POINTS);
        const main = new ScoredStore(rows.length, POINTS, true);
        const there = ScoredStore.of(main.data());
        rows.forEach(({ points, engagement, interest }, i) => {
          const top: Contribution[] = points.map((p, k) => ({ slot: k % 2, points: p }));
          here.set(i, lead(i, engagement, interest), top);
          there.set(i, lead(i, engagement, interest), top);
        });
        main.adopt(0, rows.length, there.data());
        rows.forEach(({ points, engagement, interest }, i) => {
          const expected = points.map((p, k) => `${cm.rules[k % 2]!.id} ${formatPoints(p)}`).join('; ');
          expect(here.reasons(i, cm)).toBe(expected);
          expect(main.reasons(i, cm)).toBe(expected);
          for (const store of [here, main]) {
            const cells = store.cells(i, i + 1, cm, []);
            expect(cells[5]).toBe(formatFixed2(engagement));
            expect(cells[8]).toBe(formatFixed2(interest));
          }
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a predictive model\'s values and log-odds terms when a scoring thread sets them, and a blended feature\'s points', () => {
    const main = new ScoredStore(3, PREDICTIVE, true);
    const there = ScoredStore.of(main.data());
    there.set(1, lead(80), [
      { slot: 2, points: 0, logOdds: 1.4567, value: 'success' },
      { slot: 0, points: 12.345 },
      { slot: 2, points: 0, logOdds: -0.25, value: null },
    ]);
    there.set(2, lead(10), [{ slot: 2, points: 0, logOdds: 0.5, value: 'mar' }]);
    // blended with rules (weight below 1): a feature's reason is its points, like a rule's
    main.set(0, lead(30), [{ slot: 2, points: 0.372, term: 0.9, value: 'it' }, { slot: 0, points: -5 }]);
    main.adopt(1, 3, there.data());
    expect(main.reasons(1, cm)).toBe(`feature = success ${formatLogOdds(1.4567)}; fit_rule ${formatPoints(12.345)}; feature = (missing) ${formatLogOdds(-0.25)}`);
    expect(main.reasons(2, cm)).toBe('feature = mar +0.50');
    expect(main.reasons(0, cm)).toBe('feature +0.37; fit_rule -5');
    const cells = main.cells(1, 1, cm, []);
    expect(cells.slice(0, 7)).toEqual(['1', '80.00', 'hot', 'A1', '80.00', '0.00', '']);
  });
});
