// engagement.bot_filter: bursts and scanner clicks are dropped before the rules see them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { model, scoreRows } from '../../helpers/score-harness.js';
import { BotFilter, type BotKind, type BotVerdict } from '../../../src/core/score/bot-filter.js';
import type { BotFilterConfig } from '../../../src/core/model/types.js';

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

describe('BotFilter.kindOf', () => {
  it('names click and after types ignoring case and surrounding spaces; a type in both is a click', () => {
    const f = new BotFilter({ clicks: { types: ['Email_Click', 'both'], after: [' email_open ', 'both'], seconds: 5 } }, () => {});
    expect([f.kindOf('email_click'), f.kindOf(' EMAIL_CLICK'), f.kindOf('email_open'), f.kindOf('Email_Open '), f.kindOf('both'), f.kindOf('page_view')]).toEqual([1, 1, 2, 2, 1, 0]);
    expect(new BotFilter({ burst: { count: 2, seconds: 5 } }, () => {}).kindOf('email_click')).toBe(0);
  });
});

// The filter before issue 18 (a Map of object queues per lead), simplified: the oracle the typed-array
// filter must match decision for decision.
function referenceBotFilter<T>(cfg: BotFilterConfig, release: (lead: number, payload: T, verdict: BotVerdict | null) => void) {
  interface Pending { t: number; kind: BotKind; match: string; payload: T; verdict: BotVerdict | null | undefined }
  const queues = new Map<number, Pending[]>();
  const decidedUpTo = new Map<number, number>();
  const span = Math.max(cfg.burst?.seconds ?? 0, cfg.clicks?.seconds ?? 0) * 1000;
  const state = { unsorted: 0, dropped: { burst: 0, scanner_click: 0 } as Record<BotVerdict, number> };
  const verdictOf = (q: Pending[], k: number): BotVerdict | null => {
    const p = q[k]!;
    const b = cfg.burst;
    if (b) {
      const w = b.seconds * 1000;
      let i = k;
      while (i > 0 && q[i - 1]!.t >= p.t - w) i--;
      for (; i <= k; i++) {
        let j = k;
        while (j + 1 < q.length && q[j + 1]!.t <= q[i]!.t + w) j++;
        if (j - i + 1 > b.count) return 'burst';
      }
    }
    const c = cfg.clicks;
    if (c && p.kind === 1) {
      const w = c.seconds * 1000;
      const same = (o: Pending) => o.kind === 2 && (!c.matchOn || o.match === p.match);
      for (let i = k - 1; i >= 0 && q[i]!.t >= p.t - w; i--) if (same(q[i]!)) return 'scanner_click';
      for (let i = k + 1; i < q.length && q[i]!.t === p.t; i++) if (same(q[i]!)) return 'scanner_click';
    }
    return null;
  };
  const decide = (lead: number, q: Pending[], ready: number) => {
    let last = decidedUpTo.get(lead) ?? -Infinity;
    for (let i = 0; i < q.length; i++) {
      const p = q[i]!;
      if (p.verdict !== undefined) continue;
      if (p.t >= ready) break;
      p.verdict = verdictOf(q, i);
      if (p.verdict) state.dropped[p.verdict]++;
      release(lead, p.payload, p.verdict);
      if (p.t > last) last = p.t;
    }
    decidedUpTo.set(lead, last);
    const firstOpen = q.findIndex((p) => p.verdict === undefined);
    const keepFrom = (firstOpen < 0 ? last : q[firstOpen]!.t) - span;
    let cut = 0;
    while (cut < q.length && q[cut]!.verdict !== undefined && q[cut]!.t < keepFrom) cut++;
    q.splice(0, cut);
    if (q.length === 0) queues.delete(lead);
  };
  return {
    state,
    push(lead: number, t: number, kind: BotKind, match: string, payload: T) {
      let q = queues.get(lead);
      if (!q) queues.set(lead, (q = []));
      const decided = decidedUpTo.get(lead);
      if (decided !== undefined && t < decided) state.unsorted++;
      let i = q.length;
      while (i > 0 && q[i - 1]!.t > t) i--;
      q.splice(i, 0, { t, kind, match, payload, verdict: undefined });
      decide(lead, q, q[q.length - 1]!.t - span);
    },
    flush() {
      for (const [lead, q] of queues) decide(lead, q, Infinity);
      queues.clear();
      decidedUpTo.clear();
    },
  };
}

describe('BotFilter against the reference filter (fast-check)', () => {
  const seconds = fc.constantFrom(0.5, 1, 2, 5);
  const burst = fc.record({ count: fc.integer({ min: 1, max: 4 }), seconds });
  const clicks = fc
    .record({ seconds, matchOn: fc.boolean() })
    .map(({ seconds, matchOn }) => ({ types: ['click'], after: ['open'], seconds, ...(matchOn ? { matchOn: 'campaign' } : {}) }));
  const cfgArb = fc.oneof(
    burst.map((b): BotFilterConfig => ({ burst: b })),
    clicks.map((c): BotFilterConfig => ({ clicks: c })),
    fc.tuple(burst, clicks).map(([b, c]): BotFilterConfig => ({ burst: b, clicks: c })),
  );
  // steps from the lead's previous activity, from the windows in use: many ties, gaps at and around the
  // window edges (and half of one), a few long ones, and some steps back in time (activities out of order)
  const stepsFor = (cfg: BotFilterConfig): number[] => {
    const ws = [cfg.burst?.seconds, cfg.clicks?.seconds].filter((x) => x !== undefined).map((x) => x * 1000);
    return [0, 0, 0, 0, 1, ...ws.flatMap((w) => [w / 2, w - 1, w, w, w + 1, 3 * w, -1, -w]), 60_000, -30_000];
  };
  const eventsFor = (cfg: BotFilterConfig) =>
    fc.array(
      fc.oneof(
        {
          weight: 40,
          arbitrary: fc.record({
            lead: fc.constantFrom(0, 0, 0, 1, 1, 2, 3000), // lead 3000 makes the per-lead arrays grow
            step: fc.constantFrom(...stepsFor(cfg)),
            kind: fc.constantFrom<BotKind>(0, 1, 1, 2, 2),
            match: fc.constantFrom('', 'a', 'b'),
          }),
        },
        { weight: 1, arbitrary: fc.constant('flush' as const) },
      ),
      { maxLength: 150 },
    );

  it('releases the same activities with the same verdicts at the same time, and counts the same', () => {
    fc.assert(
      fc.property(cfgArb.chain((cfg) => fc.tuple(fc.constant(cfg), eventsFor(cfg))), ([cfg, events]) => {
        const got: [number, number, BotVerdict | null, number][] = [];
        const want: [number, number, BotVerdict | null, number][] = [];
        let at = 0; // the event index a release happens at
        const f = new BotFilter<number>(cfg, (lead, i, v) => got.push([lead, i, v, at]));
        const r = referenceBotFilter<number>(cfg, (lead, i, v) => want.push([lead, i, v, at]));
        const clock = new Map<number, number>();
        events.forEach((e, i) => {
          at = i;
          if (e === 'flush') {
            f.flush();
            r.flush();
            return;
          }
          const t = (clock.get(e.lead) ?? 1_700_000_000_000) + e.step;
          clock.set(e.lead, t);
          f.push(e.lead, t, e.kind, e.match, i);
          r.push(e.lead, t, e.kind, e.match, i);
        });
        at = events.length;
        f.flush();
        r.flush();
        // each lead's releases in the same order; across leads the order at a flush may differ
        const byLead = (xs: typeof got) => [...xs].sort((x, y) => x[0] - y[0] || x[3] - y[3]);
        expect(byLead(got)).toEqual(byLead(want));
        expect(got).toHaveLength(events.filter((e) => e !== 'flush').length);
        expect(f.dropped).toEqual(r.state.dropped);
        expect(f.unsorted).toBe(r.state.unsorted);
      }),
      { numRuns: 600 },
    );
  });
});
