// Column alternatives: a YAML list where the model names a column (docs/model.md#column-alternatives).
import { describe, expect, it } from 'vitest';
import { loadModelText } from '../../../src/io/model-file.js';
import { columnMatcher } from '../../../src/core/columns.js';
import { alternativesUsed, checkColumns } from '../../../src/core/model/check-columns.js';
import { model, scoreRows } from '../../helpers/score-harness.js';

const HEAD = `
version: 1
name: t
input:
  leads: { id: [lead_id, Lead ID] }
  activities: { lead_id: [client_id, clientId, user_id], type: [event_name, event], timestamp: [ts, event_time] }
`;
const codes = (yaml: string) => loadModelText(yaml, 't.yaml').result.errors.map((e) => e.code);

describe('reading alternatives', () => {
  it('a list names one column: the model keeps the first name and the list, by its first name', () => {
    const m = model(`${HEAD}engagement:
  rules:
    - { id: big, type: purchase, if: { field: [revenue, value], gte: 100 }, points: 5 }
    - { id: any_value, type: purchase, if: { field: revenue, present: true }, points: 1 }
bands: [{ name: all }]
`);
    expect(m.input.activities.leadId).toBe('client_id');
    expect(m.input.leads.id).toBe('lead_id');
    expect(m.alternatives).toEqual({
      lead_id: ['lead_id', 'Lead ID'], client_id: ['client_id', 'clientId', 'user_id'], event_name: ['event_name', 'event'], ts: ['ts', 'event_time'], revenue: ['revenue', 'value'],
    });
    const leaf = m.engagement.rules[0]!.condition;
    expect(leaf).toMatchObject({ kind: 'leaf', field: 'revenue' });
  });
  it('an empty list or a name twice is LS093; two different lists for one first name are LS094', () => {
    expect(codes(`${HEAD.replace('[ts, event_time]', '[]')}bands: [{ name: all }]\n`)).toContain('LS093');
    expect(codes(`${HEAD.replace('[ts, event_time]', '[ts, TS]')}bands: [{ name: all }]\n`)).toContain('LS093');
    expect(codes(`${HEAD}engagement:
  rules:
    - { id: a, type: purchase, if: { field: [revenue, value], gte: 100 }, points: 5 }
    - { id: b, type: purchase, if: { field: [revenue, amount], gte: 100 }, points: 5 }
bands: [{ name: all }]
`)).toEqual(['LS094']);
    expect(codes(`${HEAD}engagement:\n  rules:\n    - { id: a, type: purchase, if: { field: [revenue, 3], gte: 1 }, points: 5 }\nbands: [{ name: all }]\n`)).toEqual([]);
  });
});

describe('resolving alternatives per header', () => {
  const m = model(`${HEAD}bands: [{ name: all }]\n`);
  it('each header uses the first name of the list it has; plain names match as before', () => {
    expect(columnMatcher(['x', 'clientId', 'user_id'], m.alternatives)('client_id')).toBe(1);
    expect(columnMatcher([' USER_ID ', 'client'], m.alternatives)('client_id')).toBe(0);
    expect(columnMatcher(['client_id', 'clientId'], m.alternatives)('client_id')).toBe(0);
    expect(columnMatcher(['visitor'], m.alternatives)('client_id')).toBe(-1);
    expect(columnMatcher(['Email'], m.alternatives)('email')).toBe(0);
  });
  it('validate: which name a header uses; none of them is LS091 naming all', () => {
    expect(alternativesUsed(m, ['event', 'event_time', 'clientId']).filter((u) => u.uses)).toEqual([
      { column: 'client_id', names: ['client_id', 'clientId', 'user_id'], uses: 'clientId' },
      { column: 'event_name', names: ['event_name', 'event'], uses: 'event' },
      { column: 'ts', names: ['ts', 'event_time'], uses: 'event_time' },
    ]);
    const d = checkColumns(m, { activities: ['visitor', 'event', 'ts'] }, { activitiesFile: 'a.csv' });
    expect(d.map((x) => x.code)).toEqual(['LS091']);
    expect(d[0]!.message).toContain('none of the columns "client_id", "clientId" or "user_id"');
  });
  it('scoring: activity files with different names for the same columns mix in one run', () => {
    const mm = model(`${HEAD}engagement:
  rules:
    - { id: big, type: purchase, if: { field: [revenue, value], gte: 100 }, points: 5 }
bands: [{ name: all }]
`);
    // the harness folds one header: the union of both spellings, each row filling its own
    const { byId } = scoreRows(mm, [{ lead_id: 'a' }], [
      { clientId: 'a', event: 'purchase', event_time: '2026-10-01', value: '150' },
      { clientId: 'a', event: 'purchase', event_time: '2026-10-02', value: '50' },
    ], '2026-11-01');
    expect(byId.get('a')!.engagement).toBe(5);
  });
});
