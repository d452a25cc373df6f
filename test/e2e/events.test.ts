// The bundled web event log (samples/events/, made by samples/events/generate.mjs): 14 daily files, the
// id column renamed part-way (client_id -> clientId), referrer dropped from the later files, revenue in
// the JSON column event_data, non-JSON cells and empty ids. docs/recipes.md#a-web-event-log.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModelFile, loadModelText } from '../../src/io/model-file.js';
import { runScore } from '../../src/cli/ports.js';
import { explainLeads } from '../../src/app/explain.js';
import { explainPorts } from '../../src/cli/ports.js';
import { parseTimestamp } from '../../src/core/value.js';
import { leadscore, readCsv } from '../helpers/cli.js';
import { ROOT, tempDir } from './sample-run.js';

const RAW = join(ROOT, 'samples/events/raw');
const FILES = readdirSync(RAW).filter((f) => f.endsWith('.csv')).sort().map((f) => join(RAW, f));
const AS_OF = '2026-11-01';
const MODEL = join(ROOT, 'models/web-events.yaml');

async function scoreWith(modelText: string | undefined, leads: string[], activities: string[], outDir: string) {
  const loaded = modelText === undefined ? await loadModelFile(MODEL) : loadModelText(modelText, 'test.yaml');
  if (!loaded.result.value) throw new Error(loaded.result.errors.map((e) => `${e.code} ${e.message}`).join('; '));
  return runScore({
    model: loaded.result.value, modelPath: MODEL, modelSha256: 'x', leads, activities, outDir,
    asOfMs: parseTimestamp(AS_OF), version: '0.1.0',
  });
}

describe('the bundled event log', () => {
  it('has the drift the recipe describes', () => {
    expect(FILES).toHaveLength(14);
    const heads = FILES.map((f) => readFileSync(f, 'utf8').split('\n', 1)[0]!);
    expect(heads[0]).toBe('client_id,event_name,event_time,page_url,referrer,event_data');
    expect(heads[5]).toBe('clientId,event_name,event_time,page_url,referrer,event_data');
    expect(heads[13]).toBe('event_time,clientId,event_name,page_url,event_data');
    const all = FILES.map((f) => readFileSync(f, 'utf8')).join('');
    expect(all).toContain('(not set)');
    expect(all).toMatch(/"\{revenue: [\d.]+\}"|,\{revenue: [\d.]+\}/);
    expect(all).toMatch(/\n,page_view,|,,[a-z_]+,https/); // empty client ids
  });

  it('is what samples/events/generate.mjs writes (deterministic)', () => {
    const dir = tempDir('leadscore-events-gen-');
    const r = spawnSync(process.execPath, [join(ROOT, 'samples/events/generate.mjs'), '--out', dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const f of FILES) expect(readFileSync(join(dir, 'raw', f.split('/').pop()!), 'utf8')).toBe(readFileSync(f, 'utf8'));
    expect(readFileSync(join(dir, 'customers.csv'), 'utf8')).toBe(readFileSync(join(ROOT, 'samples/events/customers.csv'), 'utf8'));
  });

  it('-a DIR, -a f1 f2 ..., a quoted glob and the files in shuffled order give the same scored.csv, byte for byte', () => {
    const dir = tempDir('leadscore-events-');
    const shuffled = [...FILES].sort((a, b) => (a.split('-').pop()! < b.split('-').pop()! ? 1 : -1)); // reverse day order
    shuffled.push(shuffled.splice(3, 1)[0]!);
    const copy = join(dir, 'copy');
    mkdirSync(copy);
    FILES.forEach((f, i) => copyFileSync(f, join(copy, `${String(13 - i).padStart(2, '0')}-${f.split('/').pop()}`))); // other names, other order
    const runs: [string, string[]][] = [
      ['dir', ['-a', RAW]],
      ['list', ['-a', ...FILES]],
      ['glob', ['-a', join(RAW, 'events_2026-10-*.csv')]],
      ['shuffled', ['-a', ...shuffled]],
      ['renamed', ['-a', copy]],
      ['repeated', FILES.flatMap((f) => ['-a', f])],
    ];
    const texts = runs.map(([name, args]) => {
      const r = leadscore(['score', '-m', MODEL, ...args, '-o', join(dir, name), '--as-of', AS_OF, '--format', 'json']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      return readFileSync(join(dir, name, 'scored.csv'), 'utf8');
    });
    for (const t of texts.slice(1)) expect(t).toBe(texts[0]);
    const summary = JSON.parse(readFileSync(join(dir, 'list', 'summary.json'), 'utf8'));
    expect(summary.inputs.map((i: { path: string }) => i.path)).toEqual(FILES); // the run record lists every file
    expect(summary.leads_derived.id_column).toBe('client_id');
    expect(texts[0]!.split('\n', 1)[0]).toBe('client_id,rank,score,band,grade,fit,engagement,flags,reasons,interest_buying');
    // referrer is missing from the last five files: one LS161 warning each, on stderr and in summary.json
    const warned = summary.warnings.filter((w: { code: string }) => w.code === 'LS161');
    expect(warned.map((w: { file: string; column: string }) => [w.file.split('/').pop(), w.column])).toEqual(
      FILES.slice(9).map((f) => [f.split('/').pop(), 'referrer']),
    );
    // events without a client id are rejected as before
    const rejects = readCsv(join(dir, 'list', 'rejects.csv'));
    expect(rejects.length).toBeGreaterThan(0);
    expect(new Set(rejects.map((r) => r.reason))).toEqual(new Set(['missing_lead_id']));
  });

  it('scores of a few leads, computed by hand (JSON revenue, a non-JSON cell, a renamed id column, a dropped column)', async () => {
    // No decay, so that each total is a count of events times points.
    const model = `
version: 1
name: hand
input:
  leads: { id: client_id }
  activities: { lead_id: [client_id, clientId], type: event_name, timestamp: event_time }
engagement:
  rules:
    - { id: cart, type: add_to_cart, points: 4 }
    - { id: checkout, type: begin_checkout, points: 10 }
    - { id: purchase, type: purchase, points: 25 }
    - { id: big_basket, type: purchase, if: { field: event_data.revenue, gte: 200 }, points: 20 }
    - { id: first_item_cheap, type: purchase, if: { field: event_data.items.0.item_price, lt: 100 }, points: 3 }
    - { id: search_referral, type: page_view, if: { field: referrer, matches: "google|bing|duckduckgo" }, points: 2 }
bands: [{ name: all }]
`;
    const dir = tempDir('leadscore-events-');
    await scoreWith(model, [], FILES, dir);
    const byId = new Map(readCsv(join(dir, 'scored.csv')).map((r) => [r.client_id, r]));
    // c_11438ec2: 2026-10-20 (client_id): add_to_cart, begin_checkout; 2026-10-23 (clientId): 2 add_to_cart,
    // begin_checkout, purchase {"revenue":438, items[0] Down Jacket 249}. No referrer.
    //   cart 3 x 4 + checkout 2 x 10 + purchase 25 + big_basket 20 = 77
    expect(byId.get('c_11438ec2')!.engagement).toBe('77.00');
    // c_b760d970: 2026-10-19: page_view from duckduckgo, 3 add_to_cart, begin_checkout, purchase
    // {"revenue":"766.95" (a string), items[0] Down Jacket 249 (not < 100)}.
    //   search_referral 2 + cart 12 + checkout 10 + purchase 25 + big_basket 20 = 69
    expect(byId.get('c_b760d970')!.engagement).toBe('69.00');
    // c_633852e2: 2026-10-28: add_to_cart, begin_checkout, purchase {"revenue":"64.00", items[0] Hiking
    // Poles 64}; 2026-10-29: 2 add_to_cart, begin_checkout, purchase "{revenue: 278.00}" (not JSON:
    // revenue missing, so no big_basket although 278 >= 200). No referrer column in these files.
    //   cart 12 + checkout 20 + purchase 50 + first_item_cheap 3 = 85
    expect(byId.get('c_633852e2')!.engagement).toBe('85.00');
    // c_4fd46329: 2026-10-18 from bing: 2 page_view, add_to_cart, begin_checkout, purchase
    // {"revenue":"19.90", items[0] Socks 19.9}: 2 x 2 + 4 + 10 + 25 + 3 = 46
    expect(byId.get('c_4fd46329')!.engagement).toBe('46.00');
  });

  it('without -l each lead gets the engagement it gets with the customers file', async () => {
    const dir = tempDir('leadscore-events-');
    await scoreWith(undefined, [join(ROOT, 'samples/events/customers.csv')], [RAW].flatMap(() => FILES), join(dir, 'with'));
    await scoreWith(undefined, [], FILES, join(dir, 'without'));
    const derived = new Map(readCsv(join(dir, 'without', 'scored.csv')).map((r) => [r.client_id, r]));
    const withLeads = readCsv(join(dir, 'with', 'scored.csv'));
    let compared = 0;
    for (const r of withLeads) {
      const d = derived.get(r.client_id!);
      if (!d) {
        expect(r.engagement).toBe('0.00'); // a customer without events (days_since_last_activity is missing: no signal)
        continue;
      }
      expect(d.engagement, r.client_id).toBe(r.engagement);
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('explain without -l shows the value read inside the JSON column', async () => {
    const loaded = await loadModelFile(MODEL);
    const [x] = await explainLeads(explainPorts(), { model: loaded.result.value!, leads: [], activities: FILES, asOfMs: parseTimestamp(AS_OF), ids: ['c_11438ec2'] });
    const big = x!.engagement.rules.find((r) => r.id === 'big_basket')!;
    expect(big.total).toBeGreaterThan(0);
    const counted = big.activities.filter((a) => a.status === 'counted');
    expect(counted).toHaveLength(1);
    expect(counted[0]!.leaves).toEqual([{ path: 'engagement.rules[7].if', field: 'event_data.revenue', value: '438', test: 'gte 200', result: true }]);
  });

  it('validate -a DIR says which name each file uses; a file with none of them is LS110 listing them', () => {
    const v = leadscore(['validate', MODEL, '-a', RAW, '--json']);
    expect(v.code).toBe(0);
    const out = JSON.parse(v.stdout);
    const uses = out.columns.filter((c: { column: string }) => c.column === 'client_id').map((c: { file: string; uses: string }) => [c.file.split('/').pop(), c.uses]);
    expect(uses).toEqual(FILES.map((f, i) => [f.split('/').pop(), i < 5 ? 'client_id' : 'clientId']));
    expect(out.warnings.map((w: { code: string }) => w.code)).toEqual(['LS095', 'LS095', 'LS095', 'LS095', 'LS095']);

    const dir = tempDir('leadscore-events-');
    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, 'visitor,event_name,event_time\nv1,purchase,2026-10-30T10:00:00Z\n');
    const r = leadscore(['score', '-m', MODEL, '-a', FILES[0]!, odd, '-o', join(dir, 'out'), '--as-of', AS_OF]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('LS110');
    expect(r.stderr).toContain('"client_id" or "clientId"');
  });
});
