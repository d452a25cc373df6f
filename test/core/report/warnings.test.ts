import { describe, expect, it } from 'vitest';
import { validateModel } from '../../../src/core/model/validate.js';
import type { Model } from '../../../src/core/model/types.js';
import { reachableWithoutActivities } from '../../../src/core/report/warnings.js';

function model(yaml: Record<string, unknown>): Model {
  const r = validateModel({ version: 1, name: 'm', input: { leads: { id: 'id' }, activities: { lead_id: 'id', type: 'type', timestamp: 'at' } }, bands: [{ name: 'hot', min: 50 }, { name: 'cold' }], ...yaml });
  expect(r.errors).toEqual([]);
  return r.value!;
}

describe('reachableWithoutActivities (LS175)', () => {
  it('sums each fit rule\'s best positive points, caps at fit.max, adds positive signals and quality points', () => {
    const fit = {
      rules: [
        { id: 'a', if: { field: 'x', equals: 1 }, points: 10 },
        { id: 'neg', if: { field: 'x', equals: 2 }, points: -10 },
        { id: 'v', field: 'dept', values: { IT: 15, HR: 5 } },
        { id: 'r', field: 'n', ranges: [{ min: 100, points: 20 }, { min: 0, points: 0 }] },
      ],
    };
    expect(reachableWithoutActivities(model({ fit }))).toBe(45);
    expect(reachableWithoutActivities(model({ fit: { ...fit, max: 30 } }))).toBe(30);
    expect(reachableWithoutActivities(model({
      fit,
      engagement: { rules: [], signals: [{ id: 'inactive', if: { field: 'activity_count', equals: 0 }, points: 5 }] },
      quality: [{ id: 'q', if: { field: 'x', present: true }, points: 3 }, { id: 'bad', check: 'email_syntax', field: 'email', action: 'reject' }],
    }))).toBe(53);
  });

  it('is clamped to 100', () => {
    expect(reachableWithoutActivities(model({ fit: { rules: [{ id: 'a', if: { field: 'x', equals: 1 }, points: 150 }] } }))).toBe(100);
  });
});
