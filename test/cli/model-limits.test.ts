// Issue 16 items 6, 8, 9, 10, 11, 12, 14, 15: hostile models get a coded diagnostic from validate (exit 2)
// or score correctly — never a crash (exit 1), a hang, a wrapped counter or a NaN score.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { leadscore, readCsv, ROOT, tempDir } from '../helpers/cli.js';
import { loadModelFile, loadModelText } from '../../src/io/model-file.js';
import { renderSummaryHtml } from '../../src/io/html/summary.js';

const HEAD = `version: 1
name: t
input:
  leads: { id: lead_id }
  activities: { lead_id: lead_id, type: activity_type, timestamp: occurred_at }
`;
const codes = (text: string) => loadModelText(text, 'm.yaml').result.errors.map((d) => d.code);
const LEADS = join(ROOT, 'samples/leads.csv');
const ACTS = join(ROOT, 'samples/activities.csv');

describe('hostile models', () => {
  it('item 6: band names that give the same file name are LS027', () => {
    for (const [a, b] of [['a.b', 'a_b'], ['é', 'ü'], ['.', '/'], ['Hot!', 'hot?']]) {
      expect(codes(`${HEAD}fit:\n  rules:\n    - { id: x, if: { field: f, present: true }, points: 1 }\nbands:\n  - { name: "${a}", min: 50 }\n  - { name: "${b}" }\n`), `${a} / ${b}`).toEqual(['LS027']);
    }
  });

  it('item 8: 2,000 nested block mappings are LS007, not a stack overflow', () => {
    const lines = [HEAD, 'x:'];
    for (let i = 0; i < 2000; i++) lines.push(`${' '.repeat(i + 1)}k${i}:`);
    lines.push(`${' '.repeat(2001)}v: 1`, 'y: 2');
    expect(codes(lines.join('\n'))).toEqual(['LS007']);
  });

  it('item 9: grade labels toString, constructor, __proto__, valueOf score and report like any other', () => {
    const dir = tempDir('ls-grade-');
    const base = readFileSync(join(ROOT, 'models/b2b-saas.yaml'), 'utf8');
    const model = join(dir, 'm.yaml');
    writeFileSync(model, base.replace('fit: { A: 40, B: 25, C: 10, D: 0 }', 'fit: { toString: 40, constructor: 25, valueOf: 10, __proto__: 0 }').replace('activity: { "4": 40', 'activity: { hasOwnProperty: 40'));
    expect(leadscore(['validate', model]).code).toBe(0);
    const out = join(dir, 'out');
    const r = leadscore(['score', '-m', model, '-l', LEADS, '-a', ACTS, '-o', out, '--as-of', '2026-11-01', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const total = Object.values(s.grades as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(total).toBe(s.counts.scored);
    expect(Object.keys(s.grades)).toContain('__proto__1');
    expect(readFileSync(join(out, 'summary.html'), 'utf8')).toContain('Grade matrix');
  }, 60_000);

  it('item 9: evaluate draws the grade heat map with activity labels toString, constructor, valueOf', () => {
    const dir = tempDir('ls-grade-eval-');
    const base = readFileSync(join(ROOT, 'models/b2b-saas.yaml'), 'utf8');
    const model = join(dir, 'm.yaml');
    writeFileSync(model, base.replace('activity: { "4": 40, "3": 20, "2": 5, "1": 0 }', 'activity: { toString: 40, constructor: 20, valueOf: 5, hasOwnProperty: 0 }'));
    const [header, ...rows] = readFileSync(LEADS, 'utf8').trimEnd().split('\n');
    const leads = join(dir, 'leads.csv');
    writeFileSync(leads, [`${header},converted`, ...rows.map((r, i) => `${r},${i % 7 === 0 ? 'yes' : 'no'}`)].join('\n') + '\n');
    const out = join(dir, 'eval');
    const r = leadscore(['evaluate', '-m', model, '-l', leads, '-a', ACTS, '--outcome', 'converted', '--positive', 'yes', '-o', out, '--as-of', '2026-11-01', '-q']);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(join(out, 'evaluation.html'), 'utf8');
    expect(html).toContain('Conversion per grade heat map');
    expect(html).toContain('AtoString');
  }, 60_000);

  it('item 10: max_count above 1000 is LS053; at 1000 the 1,000 most recent activities count', () => {
    const m = (n: number) => `${HEAD}engagement:\n  rules:\n    - { id: v, type: page_view, points: 1, max_count: ${n} }\nbands:\n  - { name: all }\n`;
    expect(codes(m(1_000_000_000))).toEqual(['LS053']);
    expect(codes(m(1001))).toEqual(['LS053']);
    expect(codes(m(70_000))).toEqual(['LS053']);
    expect(codes(m(1000))).toEqual([]);
    // at the maximum: 1,500 matching activities, the 1,000 most recent count
    const dir = tempDir('ls-maxcount-');
    writeFileSync(join(dir, 'm.yaml'), m(1000));
    writeFileSync(join(dir, 'leads.csv'), 'lead_id\nL1\n');
    const acts = ['lead_id,activity_type,occurred_at'];
    for (let i = 0; i < 1500; i++) acts.push(`L1,page_view,2026-10-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`);
    writeFileSync(join(dir, 'a.csv'), acts.join('\n') + '\n');
    const out = join(dir, 'out');
    const r = leadscore(['score', '-m', join(dir, 'm.yaml'), '-l', join(dir, 'leads.csv'), '-a', join(dir, 'a.csv'), '-o', out, '--as-of', '2026-11-01', '-q', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(readCsv(join(out, 'scored.csv'))[0]!.engagement).toBe('1000.00');
  }, 60_000);

  it('item 11: points beyond ±1,000,000 are LS054 (1e308 + 1e308 would be Infinity, then NaN)', () => {
    const text = `${HEAD}fit:\n  rules:\n    - { id: a, if: { field: f, present: true }, points: 1e308 }\n    - { id: b, if: { field: f, present: true }, points: 1e308 }\nquality:\n  - { id: q, if: { field: f, present: true }, points: -1e308 }\nbands:\n  - { name: all }\n`;
    expect(codes(text)).toEqual(['LS054', 'LS054', 'LS054']);
    expect(codes(`${HEAD}fit:\n  rules:\n    - { id: a, if: { field: f, present: true }, points: 1000000 }\nbands:\n  - { name: all }\n`)).toEqual([]);
  });

  it('item 12: a summary with 200,000 rules renders (no Math.min spread)', async () => {
    const dir = tempDir('ls-rules-');
    const out = join(dir, 'out');
    expect(leadscore(['score', '-m', join(ROOT, 'models/b2b-saas.yaml'), '-l', LEADS, '-o', out, '--as-of', '2026-11-01', '-q', '--format', 'json']).code).toBe(0);
    const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    const rule = s.rules[0];
    s.rules = Array.from({ length: 200_000 }, (_, i) => ({ ...rule, id: `r${i}`, total_points: (i % 7) - 3, fired: i % 11 }));
    const html = await renderSummaryHtml(s);
    expect(html).toContain('<svg');
    expect(html).toContain('The model has 200,000 rules');
  }, 300_000);

  it('item 14: one list of 200,000 values used through 98 aliases is LS009; a 200,000-value in list is a set lookup', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => `v${i}`).join(', ');
    const rules = Array.from({ length: 98 }, (_, i) => `    - { id: r${i}, if: { field: f, in: *big }, points: 1 }`).join('\n');
    const bomb = `${HEAD}x: &big [${values}]\nfit:\n  rules:\n${rules}\nbands:\n  - { name: all }\n`;
    expect(codes(bomb)).toContain('LS009');
    // written out once (no alias), a long `in` list validates and scores
    const dir = tempDir('ls-in-');
    const model = join(dir, 'm.yaml');
    writeFileSync(model, `${HEAD}fit:\n  rules:\n    - { id: big, if: { field: first_name, in: [${values}, Ana] }, points: 10 }\nbands:\n  - { name: all }\n`);
    const out = join(dir, 'out');
    const r = leadscore(['score', '-m', model, '-l', LEADS, '-o', out, '--as-of', '2026-11-01', '-q', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const ana = readCsv(join(out, 'scored.csv')).find((row) => row.lead_id === 'L00001')!;
    expect(ana.fit).toBe('10.00');
  }, 120_000);

  it('item 15: a model path that is /dev/zero or a FIFO is LS008 (exit 2), at once', async () => {
    expect((await loadModelFile('/dev/zero')).result.errors.map((d) => d.code)).toEqual(['LS008']);
    const fifo = join(tempDir('ls-fifo-'), 'model.yaml');
    execFileSync('mkfifo', [fifo]);
    expect((await loadModelFile(fifo)).result.errors.map((d) => d.code)).toEqual(['LS008']);
    const r = leadscore(['validate', fifo]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).toContain('LS008');
    const big = join(tempDir('ls-big-'), 'model.yaml');
    writeFileSync(big, `${HEAD}# ${'x'.repeat(17 << 20)}\n`);
    expect((await loadModelFile(big)).result.errors.map((d) => d.code)).toEqual(['LS008']);
  }, 60_000);
});
