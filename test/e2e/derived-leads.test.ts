// Leads from activities (no -l) and several lead files (docs/input.md#leads-from-activities).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile } from '../../src/io/model-file.js';
import { runScore } from '../../src/cli/ports.js';
import { parseTimestamp } from '../../src/core/value.js';
import { readCsv } from '../helpers/cli.js';
import { ROOT, tempDir } from './sample-run.js';

async function score(leads: string[], activities: string[], outDir: string, model = 'models/b2b-saas.yaml') {
  const modelPath = join(ROOT, model);
  const loaded = await loadModelFile(modelPath);
  return runScore({
    model: loaded.result.value!, modelPath, modelSha256: loaded.sha256, leads, activities, outDir,
    asOfMs: parseTimestamp('2026-11-01'), version: '0.1.0',
  });
}

describe('leads derived from activities', () => {
  it('without -l every lead id of the activities is a lead, with the same engagement as with -l', async () => {
    const dir = tempDir();
    const acts = [join(ROOT, 'samples/activities.csv')];
    await score([join(ROOT, 'samples/leads.csv')], acts, join(dir, 'with'));
    const res = await score([], acts, join(dir, 'without'));
    const withLeads = new Map(readCsv(join(dir, 'with', 'scored.csv')).map((r) => [r.lead_id, r]));
    const derived = readCsv(join(dir, 'without', 'scored.csv'));
    // the distinct non-empty ids of the activities (one activity row has an empty id: rejected)
    const ids = new Set(readFileSync(acts[0]!, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[0]!.trim()).filter(Boolean));
    expect(derived.map((r) => r.lead_id).sort()).toEqual([...ids].sort());
    expect(Object.keys(derived[0]!).slice(0, 4)).toEqual(['lead_id', 'rank', 'score', 'band']);
    let compared = 0;
    for (const r of derived) {
      const w = withLeads.get(r.lead_id!);
      if (!w) continue; // orphans of the run with -l, and leads rejected there
      expect(r.engagement, r.lead_id).toBe(w.engagement);
      expect(r.fit).toBe('0.00'); // no lead columns: fit rules see missing values
      compared++;
    }
    expect(compared).toBeGreaterThan(350);
    expect(res.summary.leads_derived).toEqual({ from: 'activities', id_column: 'lead_id', leads: ids.size });
    expect(res.summary.inputs.map((i) => i.role)).toEqual(['activities']);
    const rejects = readCsv(join(dir, 'without', 'rejects.csv'));
    expect(rejects.some((r) => r.reason === 'missing_lead_id')).toBe(true);
    expect(readFileSync(join(dir, 'without', 'summary.md'), 'utf8')).toMatch(/derived from the activities: \d+ distinct ids/);
  });

  it('several lead files are concatenated; a duplicate id in a later file is rejected naming the first', async () => {
    const dir = tempDir();
    const lines = readFileSync(join(ROOT, 'samples/leads.csv'), 'utf8').trim().split('\n');
    const head = lines[0]!;
    writeFileSync(join(dir, 'a.csv'), [head, ...lines.slice(1, 201)].join('\n') + '\n');
    writeFileSync(join(dir, 'b.csv'), [head, lines[5]!, ...lines.slice(201)].join('\n') + '\n');
    const acts = [join(ROOT, 'samples/activities.csv')];
    await score([join(ROOT, 'samples/leads.csv')], acts, join(dir, 'one'));
    const res = await score([join(dir, 'a.csv'), join(dir, 'b.csv')], acts, join(dir, 'two'));
    expect(readFileSync(join(dir, 'two', 'scored.csv'), 'utf8')).toBe(readFileSync(join(dir, 'one', 'scored.csv'), 'utf8'));
    expect(res.summary.inputs.filter((i) => i.role === 'leads').map((i) => [i.path, i.rows])).toEqual([[join(dir, 'a.csv'), 200], [join(dir, 'b.csv'), lines.length - 200]]);
    const dup = readCsv(join(dir, 'two', 'rejects.csv')).filter((r) => r.source === join(dir, 'b.csv') && r.reason === 'duplicate_id');
    expect(dup[0]!.line).toBe('2');
    expect(dup.some((r) => r.detail!.includes(`${join(dir, 'a.csv')}:6`))).toBe(true);
  });

  it('lead files with different columns are LS163', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.csv'), 'lead_id,email\nA,a@b.co\n');
    await expect(score([join(ROOT, 'samples/leads.csv'), join(dir, 'x.csv')], [], join(dir, 'o'))).rejects.toMatchObject({ code: 'LS163' });
  });
});
