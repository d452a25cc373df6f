// summary.html in a real browser: Debian's chromium, headless, driven by playwright-core. Every chart
// must have rendered (an SVG with visible marks), the page must log no error and request nothing but
// itself, and fit a laptop screen. A screenshot is saved as test/.tmp/summary.png.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { renderSummaryHtml } from '../../src/io/html/summary.js';
import type { Summary } from '../../src/core/report/summary.js';
import { renderEvaluationHtml } from '../../src/io/html/evaluation.js';
import { ROOT, sampleEvaluation, sampleRun, tempDir } from './sample-run.js';

const CHROMIUM = process.env.LEADSCORE_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
// .ci/run installs chromium; in CI a missing browser is a failure, never a skip.
const RUN = HAVE_CHROMIUM || process.env.CI === 'true' || process.env.CI === '1';
const SHOTS = join(ROOT, 'test/.tmp');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface ChartFacts {
  id: string;
  svgs: number;
  /** bars, cells, points and lines whose box has a non-zero width and height */
  visibleMarks: number;
  texts: string[];
  svgWidth: number;
  figureWidth: number;
}

async function chartFacts(page: Page): Promise<ChartFacts[]> {
  return page.$$eval('figure.chart', (figs) =>
    figs.map((f) => {
      const svgs = f.querySelectorAll('svg');
      let visibleMarks = 0;
      for (const el of f.querySelectorAll('g.mark-rect path, g.mark-rect rect, g.mark-area path, g.mark-symbol path, g.mark-line path')) {
        const b = (el as unknown as { getBBox(): { width: number; height: number } }).getBBox();
        if (b.width > 0 && b.height > 0) visibleMarks++;
      }
      const texts = [...f.querySelectorAll('g.mark-text text')].map((t) => t.textContent ?? '');
      const svg = svgs[0];
      return {
        id: f.id,
        svgs: svgs.length,
        visibleMarks,
        texts,
        svgWidth: svg ? svg.getBoundingClientRect().width : 0,
        figureWidth: f.getBoundingClientRect().width,
      };
    }),
  );
}

describe.runIf(RUN)(`summary.html in headless chromium (${CHROMIUM})`, () => {
  let summary: Summary;
  let file: string;
  let ctx: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    expect(HAVE_CHROMIUM, `${CHROMIUM} is missing: .ci/run installs it with apt-get install -y chromium`).toBe(true);
    const out = tempDir();
    const res = await sampleRun(out);
    summary = res.summary;
    file = join(out, 'summary.html');
    writeFileSync(file, await renderSummaryHtml(summary));
    ctx = await chromium.launchPersistentContext(tempDir('leadscore-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
    const url = pathToFileURL(file).href;
    // Anything but the page itself is a failure: the report must be self-contained.
    await ctx.route('**/*', (route) => {
      const u = route.request().url();
      if (u === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      if (r.url() !== url) problems.push(`request failed: ${r.url()}`);
    });
    await page.goto(url, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await ctx?.close();
  });

  it('renders every chart as an SVG with visible marks, one per data point', async () => {
    const facts = await chartFacts(page);
    expect(facts.map((f) => f.id)).toEqual(['bands', 'histogram', 'grades', 'rules']);
    for (const f of facts) expect(f.svgs, f.id).toBe(1);
    const by = Object.fromEntries(facts.map((f) => [f.id, f]));
    // a bar per band with leads, a bar per non-empty score bin, a cell per grade, a bar per rule with points
    expect(by.bands!.visibleMarks).toBe(summary.bands.filter((b) => b.count > 0).length);
    expect(by.histogram!.visibleMarks).toBe(summary.histogram.filter((h) => h.count > 0).length);
    const g = summary.grade_matrix!;
    expect(by.grades!.visibleMarks).toBe(g.fit.length * g.activity.length);
    expect(by.rules!.visibleMarks).toBe(summary.rules.filter((r) => r.total_points !== 0).length);
  });

  it('puts the numbers on the marks (readable without colour)', async () => {
    const by = Object.fromEntries((await chartFacts(page)).map((f) => [f.id, f]));
    for (const b of summary.bands) expect(by.bands!.texts).toContain(`${b.count} · ${(b.share * 100).toFixed(1)}%`);
    for (const h of summary.histogram.filter((x) => x.count > 0)) expect(by.histogram!.texts).toContain(String(h.count));
    for (const b of summary.bands.filter((x) => x.min !== null && x.min > 0)) expect(by.histogram!.texts).toContain(`${b.name} ≥ ${b.min}`);
    expect(by.grades!.texts).toContain(String(g(summary, 'C', '1')));
    for (const r of summary.rules) expect(by.rules!.texts.some((t) => t.startsWith(`${r.fired} leads`)), r.id).toBe(true);
  });

  it('logs no error, requests nothing but the file itself', () => {
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('fits a 1280 px laptop screen without horizontal scrolling, and saves a screenshot', async () => {
    const scrollWidth = await page.$eval('html', (html) => html.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(1280);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'summary.png'), fullPage: true });
    expect(existsSync(join(SHOTS, 'summary.png'))).toBe(true);
  });

  it('renders the band transition matrix of a run with --previous', async () => {
    const dir = tempDir();
    await sampleRun(dir, { asOf: '2026-10-01' });
    const night2 = (await sampleRun(undefined, { previous: join(dir, 'scored.csv') })).summary;
    const file2 = join(dir, 'summary-previous.html');
    writeFileSync(file2, await renderSummaryHtml(night2));
    const url2 = pathToFileURL(file2).href;
    await ctx.route(url2, (route) => route.continue());
    const p2 = await ctx.newPage();
    p2.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    p2.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await p2.goto(url2, { waitUntil: 'load' });
    const facts = await chartFacts(p2);
    expect(facts.map((f) => f.id)).toEqual(['bands', 'histogram', 'grades', 'rules', 'transitions']);
    const t = facts.find((f) => f.id === 'transitions')!;
    const ch = night2.changes!;
    const rows = ch.transitions.from.filter((f) => f !== 'new' || ch.new > 0).length;
    expect(t.visibleMarks).toBe(rows * ch.transitions.to.length);
    expect(await p2.$$eval('#movers tbody tr', (trs) => trs.length)).toBe(ch.movers.up.length + ch.movers.down.length);
    await p2.screenshot({ path: join(SHOTS, 'summary-previous.png'), fullPage: true });
    await p2.close();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('renders evaluation.html: every chart with visible marks, no error, no request', async () => {
    const dir = tempDir();
    const ev = await sampleEvaluation(dir);
    const file3 = join(dir, 'evaluation.html');
    writeFileSync(file3, await renderEvaluationHtml(ev));
    const url3 = pathToFileURL(file3).href;
    await ctx.route(url3, (route) => route.continue());
    const p3 = await ctx.newPage();
    p3.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    p3.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await p3.goto(url3, { waitUntil: 'load' });
    const facts = await chartFacts(p3);
    expect(facts.map((f) => f.id)).toEqual(['roc', 'thresholds', 'gains', 'lift', 'bands', 'grades', 'rules', 'band-changes', 'compare-bands']);
    const by = Object.fromEntries(facts.map((f) => [f.id, f]));
    for (const f of facts) expect(f.svgs, f.id).toBe(1);
    expect(by.lift!.visibleMarks).toBe(ev.model.gains.filter((g) => (g.lift ?? 0) > 0).length);
    expect(by.bands!.visibleMarks).toBe(ev.model.bands.filter((b) => (b.conversion ?? 0) > 0).length);
    // the chance diagonal, the ROC curve of each model (two with --compare), and a dot per band threshold
    const curves = ev.compare?.b.roc ? 2 : 1;
    expect(curves).toBe(2);
    expect(by.roc!.visibleMarks).toBe(1 + curves + ev.model.bands.filter((b) => b.at_or_above).length);
    for (const f of facts) expect(f.visibleMarks, f.id).toBeGreaterThan(0);
    expect(await p3.$eval('html', (h) => h.scrollWidth)).toBeLessThanOrEqual(1280);
    await p3.screenshot({ path: join(SHOTS, 'evaluation.png'), fullPage: true });
    await p3.close();
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
  });

  it('prints on A4: every chart shrinks to the page width', async () => {
    await page.setViewportSize({ width: 718, height: 1000 }); // 190 mm at 96 dpi
    await page.emulateMedia({ media: 'print' });
    for (const f of await chartFacts(page)) {
      expect(f.svgWidth, f.id).toBeGreaterThan(200);
      expect(f.svgWidth, f.id).toBeLessThanOrEqual(f.figureWidth);
    }
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });
});

function g(s: Summary, fit: string, activity: string): number {
  const m = s.grade_matrix!;
  return m.counts[m.fit.indexOf(fit)]![m.activity.indexOf(activity)]!;
}
