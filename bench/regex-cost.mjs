#!/usr/bin/env node
// The cost of one regular-expression test on real-looking cells: RE2 (re2js, as `score` runs a model's
// `matches`) against V8's backtracking RegExp, for the patterns of models/b2b-saas.yaml and
// bench/b2b-saas-regex.yaml (docs/performance.md, issue 16). Needs `npm run build` and generated data:
//   node bench/generate.mjs --leads 100000 --activities 1000000 --out bench/data/100k-1m
//   node bench/regex-cost.mjs [bench/data/100k-1m]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileModelRegex } from '../dist/core/model/regex.js';

const data = process.argv[2] ?? 'bench/data/100k-1m';
const column = (file, k, max) => readFileSync(join(data, file), 'utf8').split('\n').slice(1, max + 1).map((l) => l.split(',')[k] ?? '');
const titles = column('leads.csv', 4, 100_000);
const details = column('activities.csv', 3, 400_000);
const patterns = [
  ['\\b(ceo|cto|cfo|coo|chief)\\b', titles],
  ['(director|manager|head of|vp|vice president)', titles],
  ['^/(pricing|plans|enterprise)(/[a-z0-9-]+)*/?$', details],
  ['^/blog/[a-z0-9-]+(-[0-9]+)?$', details],
  ['(launch|release|webinar|q[1-4])[-_ ]?.*(20[0-9][0-9])?', details],
];
/** Microseconds per test (3 passes over the cells) and how many cells matched. */
function time(test, cells) {
  let n = 0;
  const t = process.hrtime.bigint();
  for (let r = 0; r < 3; r++) for (const c of cells) if (test(c)) n++;
  return { us: Number(process.hrtime.bigint() - t) / 1e3 / (3 * cells.length), n };
}
for (const [p, cells] of patterns) {
  const re2 = compileModelRegex(p);
  if (!re2.ok) throw new Error(`${p}: ${re2.message}`);
  const js = new RegExp(p, 'i');
  time((c) => re2.re.test(c), cells); // warm up both
  time((c) => js.test(c), cells);
  const a = time((c) => re2.re.test(c), cells);
  const b = time((c) => js.test(c), cells);
  console.log(`${p.padEnd(56)} ${String(cells.length).padStart(7)} cells  RE2 ${a.us.toFixed(2)} µs  RegExp ${b.us.toFixed(2)} µs  ×${(a.us / b.us).toFixed(1)}  same matches: ${a.n === b.n}`);
}
