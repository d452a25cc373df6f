// The bundled sample run (README's first command), scored in-process with runScore, for the report tests.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadModelFile } from '../../src/io/model-file.js';
import { runScore, type ScoreRunResult } from '../../src/cli/ports.js';
import { parseTimestamp } from '../../src/core/value.js';
import { evaluateLeads } from '../../src/app/evaluate.js';
import { evaluatePorts } from '../../src/cli/ports.js';
import type { Evaluation } from '../../src/core/report/evaluation.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Scores samples/leads.csv + samples/activities.csv with models/b2b-saas.yaml as of 2026-11-01 (or
 * `asOf`), against a previous run's scored.csv when given.
 */
export async function sampleRun(outDir?: string, o: { asOf?: string; previous?: string; model?: string } = {}): Promise<ScoreRunResult> {
  const modelPath = join(ROOT, o.model ?? 'models/b2b-saas.yaml');
  const loaded = await loadModelFile(modelPath);
  if (!loaded.result.value) throw new Error(`the sample model does not load: ${loaded.result.errors.map((e) => e.code).join(', ')}`);
  return runScore({
    model: loaded.result.value,
    modelPath,
    modelSha256: loaded.sha256,
    leads: join(ROOT, 'samples/leads.csv'),
    activities: [join(ROOT, 'samples/activities.csv')],
    ...(outDir ? { outDir } : {}),
    asOfMs: parseTimestamp(o.asOf ?? '2026-11-01'),
    version: '0.1.0',
    ...(o.previous ? { previous: o.previous } : {}),
  });
}

export function tempDir(prefix = 'leadscore-report-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * `leadscore evaluate` on the sample: outcomes made from the sample run's scores with some noise (a
 * lead converted when it scores 40 or more, or every 7th lead; every 11th high scorer did not), and
 * `--compare` with the same model whose bands are moved (MQL at 40, SQL at 70).
 */
export async function sampleEvaluation(dir: string): Promise<Evaluation> {
  await sampleRun(join(dir, 'scored'));
  const rows = readFileSync(join(dir, 'scored', 'scored.csv'), 'utf8').trim().split('\n');
  const head = rows[0]!.split(',');
  const id = head.indexOf('lead_id');
  const score = head.indexOf('score');
  const outcomes = ['lead_id,stage'];
  rows.slice(1).forEach((line, i) => {
    const cells = splitCsvLine(line);
    const s = Number(cells[score]);
    const won = (s >= 40 && i % 11 !== 0) || i % 7 === 0;
    outcomes.push(`${cells[id]},${won ? 'won' : 'lost'}`);
  });
  const outcomesFile = join(dir, 'outcomes.csv');
  writeFileSync(outcomesFile, outcomes.join('\n') + '\n');
  const modelPath = join(ROOT, 'models/b2b-saas.yaml');
  const text = readFileSync(modelPath, 'utf8');
  const moved = text.replace(/name: SQL, min: 80/, 'name: SQL, min: 70').replace(/name: MQL, min: 50/, 'name: MQL, min: 40').replace(/^name: b2b-saas$/m, 'name: b2b-saas-lower');
  if (moved === text) throw new Error('could not move the bands of models/b2b-saas.yaml for --compare');
  const comparePath = join(dir, 'b2b-saas-lower.yaml');
  writeFileSync(comparePath, moved);
  const load = async (path: string) => {
    const l = await loadModelFile(path);
    if (!l.result.value) throw new Error(`${path} does not load: ${l.result.errors.map((e) => e.code).join(', ')}`);
    return { model: l.result.value, path, sha256: l.sha256 };
  };
  const res = await evaluateLeads(await evaluatePorts(), {
    model: await load(modelPath),
    compare: await load(comparePath),
    leads: join(ROOT, 'samples/leads.csv'),
    activities: [join(ROOT, 'samples/activities.csv')],
    asOfMs: parseTimestamp('2026-11-01'),
    version: '0.1.0',
    outcome: 'stage',
    outcomesFile,
    positive: ['won'],
    bootstrap: 50,
    seed: 1,
    target: { kind: 'capacity', value: 60 },
  });
  return res.evaluation;
}

/** One line of our own RFC 4180 output (quoted cells may hold commas). */
function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (q) {
      if (ch === '"' && line[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === ',') out.push(cell), (cell = '');
    else cell += ch;
  }
  out.push(cell);
  return out;
}
