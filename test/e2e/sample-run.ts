// The bundled sample run (README's first command), scored in-process with runScore, for the report tests.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadModelFile } from '../../src/io/model-file.js';
import { runScore, type ScoreRunResult } from '../../src/io/score-run.js';
import { parseTimestamp } from '../../src/core/value.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Scores samples/leads.csv + samples/activities.csv with models/b2b-saas.yaml as of 2026-11-01 (or
 * `asOf`), against a previous run's scored.csv when given.
 */
export async function sampleRun(outDir?: string, o: { asOf?: string; previous?: string } = {}): Promise<ScoreRunResult> {
  const modelPath = join(ROOT, 'models/b2b-saas.yaml');
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
