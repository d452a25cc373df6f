// segments[]: per-segment band mins and rule points.
import { describe, entriesOf } from './raw-values.js';
import { formatPath, type ModelPath } from './paths.js';
import { ModelReader, at } from './reader.js';
import {
  type PointsOverride,
  type Segment,
} from './types.js';

export function readSegment(r: ModelReader, raw: unknown, path: ModelPath): Segment | undefined {
  const o = r.object(raw, path, ['id', 'if'], ['label', 'bands', 'points'], 'a segment');
  if (!o) return undefined;
  const id = r.id(o, path);
  const label = r.label(o);
  const condition = o.has('if') ? r.condition(o.get('if')!.value, [...path, 'if']) : undefined;
  let ok = true;
  const bands: Segment['bands'] = [];
  const be = o.get('bands');
  if (be) {
    const entries = entriesOf(be.value);
    if (!entries) {
      r.d.add('LS011', be.path, `${at(be.path)} should be a mapping of band name: min, found ${describe(be.value)}`, 'write e.g. bands: { MQL: 60, SQL: 85 }');
      ok = false;
    } else {
      for (const [name, v] of entries) {
        const min = r.number(v, [...be.path, name], `the min of band "${name}"`);
        if (min === undefined) ok = false;
        else bands.push({ name, min });
      }
    }
  }
  const points: PointsOverride[] = [];
  const pe = o.get('points');
  if (pe) {
    const entries = entriesOf(pe.value);
    if (!entries) {
      r.d.add('LS011', pe.path, `${at(pe.path)} should be a mapping of rule id: points, found ${describe(pe.value)}`, 'write e.g. points: { c_level: 20, department: { IT: 25 } }');
      ok = false;
    } else {
      for (const [ruleId, v] of entries) {
        const vp = [...pe.path, ruleId];
        const where = formatPath(vp);
        if (typeof v === 'number') {
          points.push({ ruleId, points: v, path: where });
          continue;
        }
        if (Array.isArray(v)) {
          const ranges: NonNullable<PointsOverride['ranges']> = [];
          v.forEach((x, i) => {
            const ro = r.object(x, [...vp, i], ['points'], ['min', 'max'], 'a range');
            const min = ro && r.optNumber(ro, 'min', 'the lower bound, included');
            const max = ro && r.optNumber(ro, 'max', 'the upper bound, included');
            const pts = ro && r.optNumber(ro, 'points', 'points');
            if (!ro || pts === undefined || (ro.has('min') && min === undefined) || (ro.has('max') && max === undefined)) ok = false;
            else ranges.push({ ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}), points: pts });
          });
          points.push({ ruleId, ranges, path: where });
          continue;
        }
        const ve = entriesOf(v);
        if (ve) {
          const values: NonNullable<PointsOverride['values']> = [];
          for (const [k, x] of ve) {
            const n = r.number(x, [...vp, k], `the points for "${k}"`);
            if (n === undefined) ok = false;
            else values.push({ key: k, points: n });
          }
          points.push({ ruleId, values, path: where });
          continue;
        }
        r.d.add('LS011', vp, `${where} should be points (a number), values ({ value: points }) or ranges ([{ min, max, points }]), found ${describe(v)}`, 'see "Segments" in docs/model.md');
        ok = false;
      }
    }
  }
  if (!ok || id === undefined || !condition) return undefined;
  return { id, ...(label !== undefined ? { label } : {}), path: formatPath(path), condition, bands, points };
}
