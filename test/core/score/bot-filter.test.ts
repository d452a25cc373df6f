// engagement.bot_filter: bursts and scanner clicks are dropped before the rules see them.
import { describe, expect, it } from 'vitest';
import { model, scoreRows } from '../../helpers/score-harness.js';
import { BotFilter } from '../../../src/core/score/bot-filter.js';

const AS_OF = '2026-11-01T00:00:00Z';
const M = model(`
version: 1
name: bots
input:
  leads: { id: id }
  activities: { lead_id: lead_id, type: type, timestamp: at }
engagement:
  bot_filter:
    burst: { count: 3, seconds: 10 }
    clicks: { types: [email_click], after: [email_delivered, email_open], seconds: 5, match_on: campaign }
  rules:
    - { id: open, type: email_open, points: 1 }
    - { id: click, type: email_click, points: 3 }
    - { id: view, type: page_view, points: 2 }
bands: [{ name: all }]
`);

const at = (s: number) => new Date(Date.parse('2026-10-31T12:00:00Z') + s * 1000).toISOString();
const act = (type: string, s: number, campaign = 'c1') => ({ lead_id: '1', type, at: at(s), campaign });
const score = (acts: ReturnType<typeof act>[]) => scoreRows(M, [{ id: '1' }], acts, AS_OF).byId.get('1')!;

describe('bot filter', () => {
  it('more than `count` activities within `seconds` are all dropped; three are not', () => {
    expect(score([act('page_view', 0), act('page_view', 4), act('page_view', 9)]).engagement).toBe(6);
    // four within 9 s: a burst, all four dropped; one more, 60 s later, counts
    expect(score([act('page_view', 0), act('page_view', 3), act('page_view', 6), act('page_view', 9), act('page_view', 69)]).engagement).toBe(2);
  });

  it('a burst is found in any order within the file', () => {
    expect(score([act('page_view', 9), act('page_view', 0), act('page_view', 6), act('page_view', 3)]).engagement).toBe(0);
  });

  it('a click within `seconds` of a delivery or open of the same campaign is a scanner click', () => {
    expect(score([act('email_delivered', 0), act('email_click', 2)]).engagement).toBe(0);
    expect(score([act('email_delivered', 0), act('email_click', 30)]).engagement).toBe(3); // a person, later
    expect(score([act('email_open', 100), act('email_click', 104)]).engagement).toBe(1); // the open counts, the click does not
    expect(score([act('email_delivered', 0, 'c1'), act('email_click', 2, 'c2')]).engagement).toBe(3); // another campaign
  });

  it('dropped activities count nothing: not for rules, nor activity_count', () => {
    const s = score([act('page_view', 0), act('page_view', 1), act('page_view', 2), act('page_view', 3)]);
    expect(s.engagement).toBe(0);
    expect(s.contributions).toEqual([]);
  });
});

describe('BotFilter (streaming)', () => {
  it('holds only the last seconds of each lead and releases everything on flush', () => {
    const released: [number, number, string | null][] = [];
    const f = new BotFilter<number>({ burst: { count: 2, seconds: 5 } }, (lead, t, v) => released.push([lead, t, v]));
    const a = f.kindOf('a');
    f.push(1, 0, a, '', 0);
    f.push(2, 0, a, '', 0);
    f.push(1, 1000, a, '', 1000);
    f.push(1, 2000, a, '', 2000); // three within 5 s: a burst
    f.push(1, 60_000, a, '', 60_000); // releases the first three of lead 1
    expect(released.filter(([l]) => l === 1).map(([, t, v]) => [t, v])).toEqual([[0, 'burst'], [1000, 'burst'], [2000, 'burst']]);
    f.flush();
    expect(released).toContainEqual([2, 0, null]);
    expect(released).toContainEqual([1, 60_000, null]);
    expect(f.dropped.burst).toBe(3);
  });
});
