// renderEvaluationHtml without a browser, on a real `evaluate` of the sample (with --compare).
import { beforeAll, describe, expect, it } from 'vitest';
import { renderEvaluationHtml } from '../../../src/io/html/evaluation.js';
import type { Evaluation } from '../../../src/core/report/evaluation.js';
import { sampleEvaluation, tempDir } from '../../e2e/sample-run.js';

let ev: Evaluation;
let html: string;
const warnings: string[] = [];

beforeAll(async () => {
  ev = await sampleEvaluation(tempDir());
  html = await renderEvaluationHtml(ev, { onWarning: (m) => warnings.push(m) });
}, 60_000);

const figures = (h: string) => [...h.matchAll(/<figure class="chart[^"]*" id="([^"]+)">([\s\S]*?)<\/figure>/g)].map((m) => ({ id: m[1]!, body: m[2]! }));
const svgTexts = (h: string) =>
  [...h.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('evaluation.html', () => {
  it('is self-contained: no script, style sheet, font or image from outside', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<script\b|<link\b|<img\b|@import|@font-face|\ssrc\s*=/i);
    for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^#/);
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('has every chart of the backtest, and with --compare the band changes', () => {
    expect(ev.compare).toBeDefined();
    expect(figures(html).map((f) => f.id)).toEqual(['roc', 'thresholds', 'gains', 'lift', 'bands', 'grades', 'rules', 'band-changes', 'compare-bands']);
    for (const f of figures(html)) expect(f.body.match(/<svg\b/g), f.id).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it('with --compare draws both models on the ROC chart', () => {
    expect(ev.compare!.b.roc!.length).toBeGreaterThan(1);
    const roc = figures(html).find((f) => f.id === 'roc')!;
    expect(roc.body).toContain('ROC curves of both models');
    const texts = svgTexts(roc.body).join(' ');
    expect(texts).toContain(ev.compare!.a.name);
    expect(texts).toContain(ev.compare!.b.name);
  });

  it('writes the figures of evaluation.json on the marks', () => {
    const m = ev.model;
    const by = Object.fromEntries(figures(html).map((f) => [f.id, svgTexts(f.body)]));
    expect(by.roc!.some((t) => t.includes(`AUC ${m.auc!.toFixed(3)}`))).toBe(true);
    for (const g of m.gains) if (g.lift !== null) expect(by.lift).toContain(`${g.lift.toFixed(2)}×`);
    for (const b of m.bands) if (b.conversion !== null) expect(by.bands!.some((t) => t.startsWith(`${pct(b.conversion!)} (${b.positives} of ${b.leads})`)), b.name).toBe(true);
    const bc = ev.compare!.band_changes;
    for (const row of bc.counts) for (const n of row) expect(by['band-changes']).toContain(String(n));
    expect(html).toContain(`${bc.changed} of ${ev.compare!.leads} leads change band.`);
  });

  it('has the threshold table with the suggestion, and the rule analysis of every rule', () => {
    const t = html.slice(html.indexOf('id="threshold-table"'), html.indexOf('id="rules"'));
    expect(t).toContain('suggested for a capacity of 60 leads');
    for (const r of ev.model.rule_analysis.rules) expect(html).toContain(`<code>${r.id}</code>`);
    expect(html).toContain('Calibration');
  });

  it('gives the same bytes for the same evaluation', async () => {
    expect(await renderEvaluationHtml(ev)).toBe(html);
  });

  it('renders a one-class evaluation (no ROC, no AUC) without NaN', async () => {
    const m = ev.model;
    const oneClass: Evaluation = {
      ...ev,
      compare: undefined,
      model: {
        ...m,
        positives: 0,
        base_conversion: 0,
        auc: null,
        auc_reason: 'no lead converted',
        auc_ci: null,
        gini: null,
        ks: null,
        ks_reason: 'no lead converted',
        roc: null,
        gains: m.gains.map((g) => ({ ...g, positives: 0, conversion: 0, lift: null, gain: null, cumulative_positives: 0, cumulative_lift: null })),
        bands: m.bands.map((b) => ({ ...b, positives: 0, conversion: b.leads ? 0 : null, lift: null })),
      },
    };
    const out = await renderEvaluationHtml(oneClass);
    const bad = /.{0,80}(NaN|Infinity).{0,40}/.exec(out);
    expect(bad?.[0]).toBeUndefined();
    expect(out).toContain('no lead converted');
  });
});
