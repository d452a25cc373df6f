// `leadscore sql` end to end: the real bin, its output, refusals with codes, -o, and the options.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { leadscore, tempDir } from '../helpers/cli.js';

describe('leadscore sql', () => {
  it('prints one query over leads and activities with the columns score writes', () => {
    const r = leadscore(['sql', '-m', 'models/b2b-saas.yaml', '--dialect', 'postgres', '--as-of', '2026-11-01']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^-- leadscore sql: model b2b-saas/);
    expect(r.stdout).toContain('-- as-of: 2026-11-01T00:00:00.000Z');
    expect(r.stdout).toContain('FROM leads)');
    expect(r.stdout).toContain('FROM activities)');
    for (const col of ['"rank"', 'AS score', 'AS band', 'AS grade', 'AS fit', 'AS engagement', 'AS flags', 'AS reasons', '"interest_events"', '"interest_buying"']) expect(r.stdout).toContain(col);
    expect(r.stdout.match(/^SELECT /gm)).toHaveLength(1);
  });
  it('refuses a predictive model of weight 1 (LS190): score writes its reasons with the lead\'s values', () => {
    const dir = tempDir('leadscore-sqlpred-');
    try {
      const model = join(dir, 'trained.yaml');
      const base = readFileSync('models/b2b-saas.yaml', 'utf8');
      const predictive = (w: number) => `${base}\npredictive:\n  intercept: -1\n  weight: ${w}\n  features:\n    - { name: employees, type: numeric, encoding: { transform: log1p, mean: 5, sd: 1.5 }, coefficient: 0.4 }\n`;
      writeFileSync(model, predictive(1));
      const r = leadscore(['sql', '-m', model, '--dialect', 'duckdb', '--as-of', '2026-11-01']);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/error LS190 the reasons of a predictive model with weight 1/);
      writeFileSync(model, predictive(0.5));
      expect(leadscore(['sql', '-m', model, '--dialect', 'duckdb', '--as-of', '2026-11-01']).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('names the tables given, unions several activity tables, and writes -o FILE', () => {
    const dir = tempDir('leadscore-sqlcli-');
    try {
      const out = join(dir, 'q.sql');
      const r = leadscore(['sql', '-m', 'models/b2b-saas.yaml', '--dialect', 'bigquery', '--leads', 'crm.leads', '--activities', 'web.events', '--activities', 'mail.events', '--as-of', 'now', '-o', out]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      const sql = readFileSync(out, 'utf8');
      expect(sql).toContain('FROM crm.leads');
      expect(sql).toMatch(/FROM web\.events UNION ALL SELECT .* FROM mail\.events/);
      expect(sql).toContain('UNIX_MILLIS(CURRENT_TIMESTAMP())');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses bot_filter (LS190), \\b on Snowflake (LS191) and $row without --order-by (LS193): exit 2, nothing written', () => {
    const dir = tempDir('leadscore-sqlcli-');
    try {
      const out = join(dir, 'q.sql');
      const bot = leadscore(['sql', '-m', 'models/email-engagement.yaml', '--dialect', 'duckdb', '-o', out]);
      expect(bot.code).toBe(2);
      expect(bot.stderr).toMatch(/models\/email-engagement\.yaml:\d+:\d+ error LS190 engagement\.bot_filter .*duckdb/);
      const snow = leadscore(['sql', '-m', 'models/b2b-saas.yaml', '--dialect', 'snowflake', '-o', out]);
      expect(snow.code).toBe(2);
      expect(snow.stderr).toMatch(/LS191 .*\\b \(a word boundary\).*snowflake/);
      const row = leadscore(['sql', '-m', 'models/bank-marketing.yaml', '--dialect', 'postgres', '-o', out]);
      expect(row.code).toBe(2);
      expect(row.stderr).toContain('LS193');
      expect(existsSync(out)).toBe(false);
      const ok = leadscore(['sql', '-m', 'models/bank-marketing.yaml', '--dialect', 'postgres', '--order-by', 'loaded_seq']);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('ROW_NUMBER() OVER (ORDER BY "loaded_seq")');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects an unknown dialect, a bad --as-of and dbt with a fixed as-of (exit 2)', () => {
    expect(leadscore(['sql', '-m', 'models/b2b-saas.yaml', '--dialect', 'oracle']).code).toBe(2);
    expect(leadscore(['sql', '-m', 'models/b2b-saas.yaml', '--dialect', 'duckdb', '--as-of', 'yesterday']).code).toBe(2);
    const dbt = leadscore(['sql', '-m', 'models/b2b-saas.yaml', '--dialect', 'duckdb', '--emit', 'dbt', '--as-of', '2026-11-01']);
    expect(dbt.code).toBe(2);
    expect(dbt.stderr).toContain('LS195');
  });
  it('--emit dbt reads tables through ref() and the as-of from a var', () => {
    const r = leadscore(['sql', '-m', 'models/b2b-saas.yaml', '--dialect', 'duckdb', '--emit', 'dbt', '--leads', 'stg_leads']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("{{ config(materialized='table') }}");
    expect(r.stdout).toContain("{{ ref('stg_leads') }}");
    expect(r.stdout).toContain("{{ ref('activities') }}");
    expect(r.stdout).toContain('{{ var("leadscore_as_of", "now") }}');
  });
});

describe('validate --dialect', () => {
  it('reports what sql would refuse, with the same codes and line:col (all of them, not just the first)', () => {
    const dir = tempDir('leadscore-sqlval-');
    try {
      const model = join(dir, 'm.yaml');
      writeFileSync(
        model,
        `version: 1
name: t
input:
  leads: { id: id }
  activities: { lead_id: lead_id, type: type, timestamp: at }
fit:
  rules:
    - { id: senior, if: { field: title, matches: "\\\\bvp\\\\b" }, points: 5 }
    - { id: plan, if: { field: props.plan, equals: pro }, points: 5 }
engagement:
  bot_filter: { burst: { count: 4, seconds: 10 } }
  rules: [{ id: demo, type: demo_request, points: 10 }]
bands: [{ name: all }]
`,
      );
      const snow = leadscore(['validate', model, '--dialect', 'snowflake']);
      expect(snow.code).toBe(2);
      expect([...snow.stdout.matchAll(/ error (LS\d+)/g)].map((m) => m[1]).sort()).toEqual(['LS190', 'LS191', 'LS194']);
      expect(snow.stdout).toMatch(/m\.yaml:8:\d+ error LS191/);
      const duck = leadscore(['validate', model, '--dialect', 'duckdb', '--json']);
      expect(duck.code).toBe(2);
      expect(JSON.parse(duck.stdout).errors.map((e: { code: string }) => e.code).sort()).toEqual(['LS190', 'LS194']);
      const plain = leadscore(['validate', model]);
      expect(plain.code).toBe(0);
      const sql = leadscore(['sql', '-m', model, '--dialect', 'snowflake']);
      expect(sql.code).toBe(2);
      expect([...sql.stderr.matchAll(/ error (LS\d+)/g)].map((m) => m[1]).sort()).toEqual(['LS190', 'LS191', 'LS194']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a model that compiles: ok, and $row models get LS193 as a warning', () => {
    const ok = leadscore(['validate', 'models/b2b-saas.yaml', '--dialect', 'postgres']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('compiles to postgres SQL');
    const row = leadscore(['validate', 'models/bank-marketing.yaml', '--dialect', 'bigquery']);
    expect(row.code).toBe(0);
    expect(row.stdout).toContain('warning LS193');
  });
});
