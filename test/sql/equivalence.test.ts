// `leadscore sql` is proven equal to `score`: the generated query RUNS on embedded DuckDB and on a
// throw-away PostgreSQL 15 cluster over the same CSVs (loaded as text tables), and every lead's rank,
// score (1e-6 before rounding, and the 2-decimal text), band, grade, fit, engagement, flags, reasons,
// interests and segment must equal what `score` wrote. PostgreSQL starts once for this file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { loadModelFile, loadModelText } from '../../src/io/model-file.js';
import { disposableDomainList } from '../../src/io/disposable.js';
import { compileSql, type SqlOptions } from '../../src/core/sql/compile-sql.js';
import type { Model } from '../../src/core/model/types.js';
import { differences, duckdbEngine, type Engine, postgresEngine, readTable, scoreReference } from '../helpers/sql-engines.js';

const root = join(import.meta.dirname, '..', '..');
const AS_OF = '2026-11-01';

let duck: Engine;
let pg: Engine;
beforeAll(async () => {
  duck = await duckdbEngine();
  pg = await postgresEngine();
}, 120_000);
afterAll(async () => {
  await duck?.close();
  await pg?.close();
});

async function modelAt(path: string): Promise<Model> {
  const r = (await loadModelFile(join(root, path))).result;
  if (!r.value) throw new Error(r.errors.map((e) => e.code).join(', '));
  return r.value;
}

function sqlFor(model: Model, dialect: 'duckdb' | 'postgres', extra: Partial<SqlOptions> = {}): string {
  const r = compileSql(model, {
    dialect,
    asOf: { kind: 'ms', ms: Date.parse(AS_OF + 'T00:00:00Z') },
    disposableDomains: disposableDomainList(),
    unrounded: true,
    orderBy: 'source_line',
    ...extra,
  });
  expect(r.errors).toEqual([]);
  return r.value!;
}

/** score and both engines on the same files; no lead may differ. */
async function sameAsScore(model: Model, leads: string, activities: string[]): Promise<number> {
  const ref = await scoreReference(model, leads, activities, AS_OF);
  const tables = [await readTable(leads, 'leads'), ...(activities.length ? [await readTable(activities[0]!, 'activities')] : [])];
  for (const engine of [duck, pg]) {
    await engine.load(tables);
    const rows = await engine.query(sqlFor(model, engine.name));
    expect(differences(model, rows, ref), engine.name).toEqual([]);
    expect(rows.length).toBe(ref.rows.size);
  }
  return ref.rows.size;
}

describe('every bundled model on its sample, on DuckDB and PostgreSQL', () => {
  it('b2b-saas (fit values/ranges/caps, decay, window, max_count, max_points, decay: false, signals, quality, interests)', async () => {
    const n = await sameAsScore(await modelAt('models/b2b-saas.yaml'), join(root, 'samples/leads.csv'), [join(root, 'samples/activities.csv')]);
    expect(n).toBeGreaterThan(300);
  }, 120_000);
  it('b2b-segments (segments override points and band mins)', async () => {
    await sameAsScore(await modelAt('models/b2b-segments.yaml'), join(root, 'samples/leads.csv'), [join(root, 'samples/activities.csv')]);
  }, 120_000);
  it('the golden model of the dialect tests (test/fixtures/sql/b2b-warehouse.yaml)', async () => {
    await sameAsScore(await modelAt('test/fixtures/sql/b2b-warehouse.yaml'), join(root, 'samples/leads.csv'), [join(root, 'samples/activities.csv')]);
  }, 120_000);
  it('bant-services', async () => {
    await sameAsScore(await modelAt('models/bant-services.yaml'), join(root, 'samples/bant-services/leads.csv'), [join(root, 'samples/bant-services/activities.csv')]);
  }, 120_000);
  it('product-led-trial', async () => {
    await sameAsScore(await modelAt('models/product-led-trial.yaml'), join(root, 'samples/product-led-trial/leads.csv'), [join(root, 'samples/product-led-trial/activities.csv')]);
  }, 120_000);
  it('bank-marketing ($row ids numbered by --order-by) on the UCI bank-full data', async () => {
    const n = await sameAsScore(await modelAt('models/bank-marketing.yaml'), join(root, 'test/fixtures/bank-marketing/bank-full.csv.gz'), []);
    expect(n).toBeGreaterThan(40_000);
  }, 300_000);
  it('a predictive section (logistic formula, lead and activity features, blended with rules) on the b2b sample', async () => {
    const base = (await loadModelFile(join(root, 'models/b2b-saas.yaml'))).text;
    const text = `${base}
predictive:
  intercept: -1.25
  weight: 0.6
  features:
    - { name: employees, type: numeric, encoding: { transform: log1p, mean: 5.1, sd: 1.7 }, coefficient: 0.42, missing: -0.1 }
    - name: department
      type: categorical
      levels: { it: 0.8, finance: 0.3, marketing: -0.2 }
      other: -0.05
      missing: -0.3
    - { name: activity.count, type: numeric, encoding: { transform: log1p, mean: 2.2, sd: 1.1 }, coefficient: 0.35 }
    - { name: activity.count_30d, type: numeric, encoding: { transform: none, mean: 3, sd: 2.5 }, coefficient: 0.2 }
    - { name: activity.days_since_last, type: numeric, encoding: { transform: none, mean: 60, sd: 45 }, coefficient: -0.4, missing: -0.9 }
    - { name: activity.count.demo_request, type: numeric, encoding: { transform: none, mean: 0.2, sd: 0.5 }, coefficient: 0.6 }
`;
    const { result } = loadModelText(text, 'predictive.yaml');
    expect(result.errors).toEqual([]);
    await sameAsScore(result.value!, join(root, 'samples/leads.csv'), [join(root, 'samples/activities.csv')]);
  }, 120_000);
});

describe('--emit dbt', () => {
  it('the dbt model, with ref() and the as-of var filled in as dbt would, scores like score', async () => {
    const model = await modelAt('models/b2b-saas.yaml');
    const ref = await scoreReference(model, join(root, 'samples/leads.csv'), [join(root, 'samples/activities.csv')], AS_OF);
    await duck.load([await readTable(join(root, 'samples/leads.csv'), 'stg_leads'), await readTable(join(root, 'samples/activities.csv'), 'stg_events')]);
    const dbt = sqlFor(model, 'duckdb', { emit: 'dbt', asOf: { kind: 'dbt-var' }, leads: 'stg_leads', activities: ['stg_events'] });
    const rendered = dbt
      .replace("{{ config(materialized='table') }}\n", '')
      .replace(/\{\{ ref\('(\w+)'\) \}\}/g, '$1')
      .replaceAll('{{ var("leadscore_as_of", "now") }}', ' 2026-11-01 ');
    expect(rendered).not.toContain('{{');
    expect(differences(model, await duck.query(rendered), ref)).toEqual([]);
  }, 120_000);
});

describe('number_format: comma and null_values', () => {
  it('decimal commas, thousands dots and spaces, null tokens and messy cells read as score reads them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-sqlnum-'));
    try {
      writeFileSync(
        join(dir, 'leads.csv'),
        'id;budget;title;since\n1;1.234,5;CEO;2026-10-01\n2;12,75;  -- ;2025-12-31T23:59:59+01:00\n3;1 250,0;N/A;soon\n4;1.234;vp;1790000000\n5;abc;  Head  ;\n6;7,;TBD;2026-11-01T00:00:00.000Z\n7;-3,5;cto;2026-02-29\n',
      );
      writeFileSync(join(dir, 'acts.csv'), 'id;type;at;amount\n1;order;2026-10-30;1.500,25\n2;order;2026-10-31 12:00;99,9\n4;order;1793491200;N/A\n5;Order ;2026-11-01T00:00:00Z;3\n');
      const { result } = loadModelText(
        `version: 1
name: comma
input:
  leads: { id: id, number_format: comma, null_values: ["", "N/A", "TBD", "--"] }
  activities: { lead_id: id, type: type, timestamp: at }
fit:
  rules:
    - { id: budget, field: budget, ranges: [{ min: 1000, points: 20 }, { min: 10, max: 999.99, points: 5 }, { max: 0, points: -2 }] }
    - { id: big, if: { field: budget, gt: 1200 }, points: 3 }
    - { id: exec, if: { any: [{ field: title, matches: "^(ceo|cto|vp)$" }, { field: title, missing: true }] }, points: 4 }
    - { id: recent, if: { field: since, within_days: 60 }, points: 6 }
    - { id: old, if: { field: since, older_than_days: 200 }, points: -1 }
engagement:
  half_life_days: 10
  rules:
    - { id: big_order, type: order, if: { field: amount, gte: 100 }, points: 12 }
    - { id: order, type: order, points: 2.5 }
bands: [{ name: a, min: 20 }, { name: b }]
`,
        'comma.yaml',
      );
      expect(result.errors).toEqual([]);
      const model = result.value!;
      const ref = await scoreReference(model, join(dir, 'leads.csv'), [join(dir, 'acts.csv')], AS_OF);
      const tables = [await readTable(join(dir, 'leads.csv'), 'leads'), await readTable(join(dir, 'acts.csv'), 'activities')];
      for (const engine of [duck, pg]) {
        await engine.load(tables);
        expect(differences(model, await engine.query(sqlFor(model, engine.name)), ref), engine.name).toEqual([]);
      }
      expect(ref.rows.size).toBe(7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('duplicate lead ids and several activity tables', () => {
  it('the first row by --order-by wins; activity tables are unioned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leadscore-sqldup-'));
    try {
      writeFileSync(join(dir, 'leads.csv'), 'lead_id,job_title,department,employees,email,first_name\nA1,CEO,IT,600,a@acme.com,Ann\nA2,intern,Marketing,5,b@gmail.com,Bob\nA1,intern,Marketing,5,x@acme.com,Ann\n');
      writeFileSync(join(dir, 'a1.csv'), 'lead_id,activity_type,occurred_at,detail\nA1,demo_request,2026-10-30,\nA2,email_open,2026-10-31T08:00:00Z,\n');
      writeFileSync(join(dir, 'a2.csv'), 'lead_id,activity_type,occurred_at,detail\nA2,page_view,2026-10-31,/pricing\nA1,webinar_attended,2026-10-01,\n');
      const model = await modelAt('models/b2b-saas.yaml');
      const ref = await scoreReference(model, join(dir, 'leads.csv'), [join(dir, 'a1.csv'), join(dir, 'a2.csv')], AS_OF);
      const tables = [await readTable(join(dir, 'leads.csv'), 'leads'), await readTable(join(dir, 'a1.csv'), 'web'), await readTable(join(dir, 'a2.csv'), 'mail')];
      for (const engine of [duck, pg]) {
        await engine.load(tables);
        const rows = await engine.query(sqlFor(model, engine.name, { activities: ['web', 'mail'] }));
        expect(differences(model, rows, ref), engine.name).toEqual([]);
        expect(rows.map((r) => r.lead_id)).toEqual(['A1', 'A2']);
        expect(String(rows[0]!.score)).toBe(ref.rows.get('A1')!.cells.score);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
