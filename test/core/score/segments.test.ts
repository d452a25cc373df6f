// Segments: the first matching segment changes band thresholds and rule points for its leads.
import { describe, expect, it } from 'vitest';
import { model, scoreRows } from '../../helpers/score-harness.js';

const AS_OF = '2026-11-01T00:00:00Z';
const M = model(`
version: 1
name: seg
input:
  leads: { id: id }
  activities: { lead_id: lead_id, type: type, timestamp: at }
fit:
  rules:
    - { id: exec, if: { field: title, equals: ceo }, points: 20 }
    - id: dept
      field: dept
      values: { IT: 10, Sales: 5 }
    - id: size
      field: employees
      ranges: [{ min: 1000, points: 10 }, { min: 1, max: 999, points: 2 }]
engagement:
  rules:
    - { id: demo, type: demo, points: 30 }
  signals:
    - { id: active, if: { field: activity_count, gte: 1 }, points: 5 }
quality:
  - { id: free, if: { field: email, ends_with: "@gmail.com" }, points: -5 }
bands:
  - { name: SQL, min: 60 }
  - { name: MQL, min: 40 }
  - { name: cold }
segments:
  - id: big
    if: { field: employees, gte: 1000 }
    bands: { SQL: 70, MQL: 50 }
    points:
      size: [{ min: 5000, points: 30 }, { min: 1000, max: 4999, points: 15 }]
      demo: 40
      exec: 25
  - id: us
    if: { field: country, equals: US }
    bands: { MQL: 35 }
    points:
      dept: { IT: 20, Marketing: 3 }
      active: 10
      free: -15
`);

const score = (leads: Record<string, string>[], acts: Record<string, string>[] = []) => scoreRows(M, leads, acts, AS_OF).byId;

describe('segments', () => {
  it('a lead in no segment is scored by the model as written', () => {
    const s = score([{ id: '1', title: 'ceo', dept: 'IT', employees: '10', country: 'FR' }], [{ lead_id: '1', type: 'demo', at: AS_OF }]).get('1')!;
    expect(s.segment).toBe(-1);
    expect(s.fit).toBe(20 + 10 + 2);
    expect(s.engagement).toBe(30 + 5);
    expect(s.score).toBe(67);
    expect(s.band).toBe(0); // SQL at 60
  });

  it('the first matching segment applies: points for if-rules, ranges and engagement rules, and its band thresholds', () => {
    // a US company with 6000 employees matches "big" first
    const s = score([{ id: '1', title: 'ceo', dept: 'IT', employees: '6000', country: 'US' }], [{ lead_id: '1', type: 'demo', at: AS_OF }]).get('1')!;
    expect(s.segment).toBe(0);
    expect(s.fit).toBe(25 + 10 + 30);
    expect(s.engagement).toBe(40 + 5);
    expect(s.score).toBe(100);
    const t = score([{ id: '2', title: 'analyst', dept: 'Sales', employees: '2000', country: 'US' }], [{ lead_id: '2', type: 'demo', at: AS_OF }]).get('2')!;
    expect(t.fit).toBe(5 + 15);
    expect(t.score).toBe(20 + 45);
    expect(t.band).toBe(1); // 65 is below big's SQL (70) but at least its MQL (50)
  });

  it('values overrides merge over the rule values; signal and quality points change too', () => {
    const s = score([{ id: '1', dept: 'marketing', employees: '50', country: 'US', email: 'x@gmail.com' }], [{ lead_id: '1', type: 'web', at: AS_OF }]).get('1')!;
    expect(s.segment).toBe(1);
    expect(s.fit).toBe(3 + 2);
    expect(s.engagement).toBe(10); // the signal, in the segment's points
    expect(s.adjustments).toBe(-15);
    expect(s.score).toBe(0);
    const sales = score([{ id: '2', dept: 'Sales', employees: '50', country: 'US' }]).get('2')!;
    expect(sales.fit).toBe(5 + 2); // Sales keeps the model's points
  });

  it("a segment's lower threshold moves the band", () => {
    const lead = { id: '1', title: 'ceo', dept: 'Sales', employees: '50' };
    const fr = score([{ ...lead, country: 'FR' }], [{ lead_id: '1', type: 'x', at: AS_OF }]).get('1')!;
    const us = score([{ ...lead, country: 'US' }], [{ lead_id: '1', type: 'x', at: AS_OF }]).get('1')!;
    expect(fr.score).toBe(20 + 5 + 2 + 5);
    expect(fr.band).toBe(2); // 32: cold
    expect(us.score).toBe(20 + 5 + 2 + 10);
    expect(us.band).toBe(1); // 37 >= the US MQL threshold of 35
  });
});
