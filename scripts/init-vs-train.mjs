#!/usr/bin/env node
// How well does a starter from `init --outcome` rank, next to `train` on the same data and the same
// holdout? On the bundled UCI bank-marketing data without `duration` (known only after the call):
//   node scripts/init-vs-train.mjs [--bin bin/leadscore] [--work DIR] [--seed 1]
// 1. train --outcome y --holdout 0.2: the holdout AUC of the logistic regression (its split: --write-split);
// 2. init --outcome y on train's training rows only, evaluated on the same holdout rows (out of sample);
// 3. init --outcome y on every row, evaluated on every row (in sample) and on the holdout rows.
// Prints a Markdown table (docs/operations.md keeps the figures). Runs the real CLI; takes a minute.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { bin: { type: 'string' }, work: { type: 'string' }, seed: { type: 'string' } } });
const BIN = resolve(values.bin ?? join(ROOT, 'bin/leadscore'));
const work = values.work ?? join(tmpdir(), `leadscore-init-vs-train-${process.pid}`);
const seed = values.seed ?? '1';
mkdirSync(work, { recursive: true });

function run(args) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, NO_COLOR: '1' } });
  if (r.status !== 0) throw new Error(`leadscore ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r;
}
const auc = (args) => JSON.parse(run(['evaluate', ...args, '--outcome', 'y', '--bootstrap', '0', '--json']).stdout).model.auc;

// the data without duration (a ';'-separated export; duration is never the last column)
const lines = gunzipSync(readFileSync(join(ROOT, 'test/fixtures/bank-marketing/bank-full.csv.gz'))).toString('utf8').split('\n').filter((l) => l !== '');
const d = lines[0].split(';').indexOf('"duration"');
const rows = lines.map((l) => l.split(';').filter((_, i) => i !== d).join(';'));
const all = join(work, 'bank.csv');
writeFileSync(all, rows.join('\n') + '\n');

// 1. train, with its split
const split = join(work, 'split.csv');
const holdout = join(work, 'holdout.csv');
const t = JSON.parse(run(['train', '-l', all, '--outcome', 'y', '--seed', seed, '--write-split', split, '--holdout-out', holdout, '-o', join(work, 'train.yaml'), '--json']).stdout);
// 2. init on the training rows only
const set = readFileSync(split, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split(','));
const trainRows = join(work, 'train-rows.csv');
const inTrain = new Set(set.filter((r) => r[2] === 'train').map((r) => Number(r[0])));
writeFileSync(trainRows, [rows[0], ...rows.slice(1).filter((_, i) => inTrain.has(i + 1))].join('\n') + '\n');
run(['init', '-l', trainRows, '--outcome', 'y', '-o', join(work, 'init-train.yaml'), '--force', '-q']);
// 3. init on every row
run(['init', '-l', all, '--outcome', 'y', '-o', join(work, 'init-all.yaml'), '--force', '-q']);

const f = (x) => x.toFixed(4);
const out = [
  `bank-full.csv without duration: ${rows.length - 1} leads; train's holdout: ${t.holdout} leads (seed ${seed}, stratified 20 %)`,
  '',
  '| model | AUC on train\'s holdout | AUC on every lead (in sample) |',
  '|:---|---:|---:|',
  `| train (logistic regression, ${t.features.length} features) | ${f(t.holdout_auc)} | — |`,
  `| init --outcome y, set on train's training rows | ${f(auc(['-m', join(work, 'init-train.yaml'), '-l', holdout]))} | — |`,
  `| init --outcome y, set on every lead | ${f(auc(['-m', join(work, 'init-all.yaml'), '-l', holdout]))} | ${f(auc(['-m', join(work, 'init-all.yaml'), '-l', all]))} |`,
];
process.stdout.write(out.join('\n') + '\n');
