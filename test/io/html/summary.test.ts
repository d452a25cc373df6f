// renderSummaryHtml without a browser: self-contained, deterministic, escaped, optional parts.
import { beforeAll, describe, expect, it } from 'vitest';
import { renderSummaryHtml, normaliseTransitions, normaliseMovers, bandLabels } from '../../../src/io/html/summary.js';
import type { Summary } from '../../../src/core/report/summary.js';
import { join } from 'node:path';
import { sampleRun, tempDir } from '../../e2e/sample-run.js';

let sample: Summary;
let html: string;
const warnings: string[] = [];

beforeAll(async () => {
  sample = (await sampleRun()).summary;
  html = await renderSummaryHtml(sample, { onWarning: (m) => warnings.push(m) });
});

const figures = (h: string) => [...h.matchAll(/<figure class="chart[^"]*" id="([^"]+)">([\s\S]*?)<\/figure>/g)].map((m) => ({ id: m[1]!, body: m[2]! }));
const svgTexts = (h: string) => [...h.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));

describe('summary.html is self-contained', () => {
  it('references no script, style sheet, font or image outside the file', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script\b/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<img\b|<iframe\b|<object\b|<embed\b/i);
    expect(html).not.toMatch(/@import|@font-face/i);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    // url(...) only to an element of this page (clip paths, gradients)
    for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^#/);
  });

  it('forbids loading anything with a Content-Security-Policy', () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('inlines one SVG per chart, with page-unique ids and no dangling references', () => {
    const figs = figures(html);
    expect(figs.map((f) => f.id)).toEqual(['bands', 'histogram', 'grades', 'rules']);
    for (const f of figs) expect(f.body.match(/<svg\b/g), f.id).toHaveLength(1);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of html.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(m[1]);
  });

  it('renders the sample without a Vega or Vega-Lite warning', () => {
    expect(warnings).toEqual([]);
  });

  it('gives the same bytes for the same summary', async () => {
    expect(await renderSummaryHtml(sample)).toBe(html);
  });
});

describe('summary.html content', () => {
  it('labels the marks with the counts and shares of summary.json', () => {
    const texts = svgTexts(html);
    for (const b of sample.bands) expect(texts).toContain(`${b.count} · ${(b.share * 100).toFixed(1)}%`);
    expect(texts).toContain('SQL ≥ 80');
    expect(texts).toContain('cold < 20'); // the last band, named by the threshold above it
    const g = sample.grade_matrix!;
    g.fit.forEach((f, i) => g.activity.forEach((a, j) => expect(texts).toContain(`${f}${a} · ${((g.counts[i]![j]! / sample.counts.scored) * 100).toFixed(1)}%`)));
    for (const r of sample.rules) expect(texts.some((t) => t.startsWith(`${r.fired} leads (`)), r.id).toBe(true);
  });

  it('shows the run facts and data-quality counts', () => {
    expect(html).toContain(sample.model.sha256);
    expect(html).toContain(sample.as_of);
    for (const reason of Object.keys(sample.data_quality.rejected_by_reason)) expect(html).toContain(`<code>${reason}</code>`);
    for (const type of Object.keys(sample.data_quality.unknown_activity_types)) expect(html).toContain(`<code>${type}</code>`);
  });

  it('escapes text from the model and the inputs', async () => {
    const evil = '<script>alert("x")</script>&';
    const s: Summary = {
      ...sample,
      model: { ...sample.model, name: evil, path: `models/${evil}.yaml` },
      bands: sample.bands.map((b, i) => (i === 0 ? { ...b, name: evil } : b)),
    };
    const out = await renderSummaryHtml(s);
    expect(out).not.toContain('<script');
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
  });

  it('renders a run with no scored lead (no NaN, no Infinity)', async () => {
    const empty: Summary = {
      ...sample,
      counts: { ...sample.counts, scored: 0 },
      bands: sample.bands.map((b) => ({ ...b, count: 0, share: 0, score_min: null, score_max: null })),
      grades: {},
      grade_matrix: { ...sample.grade_matrix!, counts: sample.grade_matrix!.counts.map((r) => r.map(() => 0)) },
      histogram: sample.histogram.map((h) => ({ ...h, count: 0 })),
      rules: sample.rules.map((r) => ({ ...r, fired: 0, total_points: 0 })),
    };
    const out = await renderSummaryHtml(empty);
    const bad = /.{0,80}(NaN|Infinity).{0,40}/.exec(out);
    expect(bad?.[0]).toBeUndefined();
    expect(figures(out).map((f) => f.id)).toEqual(['bands', 'histogram', 'grades', 'rules']);
  });

  it('leaves out transitions and movers when the summary has none; shows each band\'s top reasons', () => {
    expect(html).not.toContain('id="transitions"');
    expect(html).not.toContain('id="movers"');
    expect(html).toContain('id="reasons"');
    for (const b of sample.bands) for (const r of b.top_reasons) expect(html).toContain(r.id);
  });
});

describe('optional parts: --previous (band transitions, movers) and reasons per band', () => {
  let night2: Summary;
  let out: string;
  beforeAll(async () => {
    const dir = tempDir();
    await sampleRun(dir, { asOf: '2026-10-01' });
    night2 = (await sampleRun(undefined, { previous: join(dir, 'scored.csv') })).summary;
    out = await renderSummaryHtml(night2);
  });

  it('draws the band transition matrix of summary.changes with the counts in the cells', () => {
    const ch = night2.changes!;
    expect(ch.up + ch.down).toBeGreaterThan(0);
    const fig = figures(out).find((f) => f.id === 'transitions');
    expect(fig).toBeDefined();
    const texts = svgTexts(fig!.body);
    ch.transitions.from.forEach((f, i) => {
      if (f === 'new' && ch.new === 0) return; // an empty "new" row is left out
      expect(texts).toContain(f);
      ch.transitions.counts[i]!.forEach((n) => expect(texts).toContain(String(n)));
    });
    if (ch.new === 0) expect(texts).not.toContain('new');
    expect(fig!.body).toContain(`${ch.up} moved to a hotter band, ${ch.down} to a colder one, ${ch.same} stayed`);
    expect(out).toContain(`<b>${ch.crossed}</b><span>entered ${ch.handoff_band} or higher since the previous run</span>`);
  });

  it('lists the largest movers up, then down, in the order of summary.changes', () => {
    const ch = night2.changes!;
    const movers = out.slice(out.indexOf('id="movers"'));
    const at = (id: string) => movers.indexOf(`<code>${id}</code>`);
    const ups = ch.movers.up.map((m) => at(m.id));
    const downs = ch.movers.down.map((m) => at(m.id));
    expect(ups.every((x) => x > 0)).toBe(true);
    expect([...ups].sort((a, b) => a - b)).toEqual(ups);
    expect(Math.max(...ups)).toBeLessThan(Math.min(...downs));
    expect(movers).toContain(`+${ch.movers.up[0]!.delta.toFixed(2)}`);
  });

  it('shows top reasons per band when the summary has them', async () => {
    const s = { ...sample, top_reasons: { SQL: [{ rule: 'demo_request', leads: 9, points: 250.5 }], MQL: [{ rule: 'pricing_visit', leads: 20 }] } };
    const html2 = await renderSummaryHtml(s as Summary);
    const reasons = html2.slice(html2.indexOf('id="reasons"'));
    expect(reasons).toContain('<code>demo_request</code> (9 leads, +250.50 pts)');
    expect(reasons).toContain('<code>pricing_visit</code> (20 leads)');
  });

  it('reads transitions given as a list or a nested object too', () => {
    expect(normaliseTransitions([{ from: null, to: 'SQL', count: 2 }])).toEqual([{ from: null, to: 'SQL', count: 2 }]);
    expect(normaliseTransitions({ from: ['SQL', 'new'], to: ['SQL', 'MQL'], counts: [[5, 1], [2, 0]] })).toEqual([
      { from: 'SQL', to: 'SQL', count: 5 },
      { from: 'SQL', to: 'MQL', count: 1 },
      { from: 'new', to: 'SQL', count: 2 },
      { from: 'new', to: 'MQL', count: 0 },
    ]);
    expect(normaliseTransitions({ MQL: { SQL: 4 } })).toEqual([{ from: 'MQL', to: 'SQL', count: 4 }]);
    expect(normaliseTransitions(undefined)).toEqual([]);
  });

  it('splits a flat movers list by the sign of the change', () => {
    const m = normaliseMovers([
      { id: 'a', previous_score: 10, score: 30 },
      { id: 'b', previous_score: 50, score: 20, delta: -30 },
      { id: 'c', previous_score: null, score: 60 },
    ]);
    expect(m.up.map((x) => [x.id, x.change])).toEqual([['a', 20], ['c', null]]);
    expect(m.down.map((x) => [x.id, x.change])).toEqual([['b', -30]]);
  });

  it('names bands by their thresholds', () => {
    expect(bandLabels(sample.bands)).toEqual(['SQL ≥ 80', 'MQL ≥ 50', 'IQL ≥ 20', 'cold < 20']);
  });
});

describe('optional parts: segments and accounts', () => {
  it('shows leads per band in each segment, and the account counts', async () => {
    const seg = (await sampleRun(undefined, { model: 'models/b2b-segments.yaml' })).summary;
    const segHtml = await renderSummaryHtml(seg);
    const part = segHtml.slice(segHtml.indexOf('id="segments"'));
    for (const g of seg.segments!) expect(part).toContain(g.id || '(no segment)');
    expect(part).toContain(`>${seg.segments![0]!.leads}<`);
    expect(html).not.toContain('id="segments"');
    const acc = (await sampleRun(undefined, { model: 'models/b2b-accounts.yaml' })).summary;
    const accHtml = await renderSummaryHtml(acc);
    expect(accHtml).toContain('id="accounts"');
    expect(accHtml).toContain(`>${acc.accounts!.accounts}<`);
    expect(html).not.toContain('id="accounts"');
  });
});
