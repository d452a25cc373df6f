#!/usr/bin/env node
// The query `leadscore sql --dialect duckdb` writes, timed on embedded DuckDB over the bench's CSVs,
// and optionally checked lead by lead against the scored.csv of `leadscore score` on the same files.
//
//   npm run build
//   node bench/generate.mjs --leads 1m --activities 10m --out bench/data/1m-10m
//   node bench/sql-duckdb.mjs --data bench/data/1m-10m [--model models/b2b-saas.yaml] [--as-of 2026-11-01]
//        [--threads N] [--memory 8GB] [--scored out/scored.csv] [--json]
//
// Prints: the time to load both CSVs into DuckDB tables (read_csv, every column VARCHAR), the time of
// `CREATE TABLE scores AS <the query>`, the rows, and with --scored the leads whose rank, score, band,
// grade, flags or reasons differ from score's (0 expected). Needs @duckdb/node-api (a devDependency).
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const root = resolve(import.meta.dirname, '..');
const data = resolve(opt('--data', join(root, 'bench/data/1m-10m')));
const modelPath = resolve(opt('--model', join(root, 'models/b2b-saas.yaml')));
const asOf = opt('--as-of', '2026-11-01');
const threads = Number(opt('--threads', String(cpus().length)));
const memory = opt('--memory', '8GB');
const scored = opt('--scored', undefined);
const json = args.includes('--json');

const leads = join(data, 'leads.csv');
const activities = join(data, 'activities.csv');
for (const f of [leads, activities]) if (!existsSync(f)) throw new Error(`${f} not found: generate it with bench/generate.mjs`);

const { loadModelFile } = await import(join(root, 'dist/io/model-file.js'));
const { compileSql } = await import(join(root, 'dist/core/sql/compile-sql.js'));
const { disposableDomainList } = await import(join(root, 'dist/io/disposable.js'));
const { parseTimestamp } = await import(join(root, 'dist/core/value.js'));
const { DuckDBInstance } = await import('@duckdb/node-api');

const loaded = await loadModelFile(modelPath);
if (!loaded.result.value) throw new Error(`invalid model ${modelPath}`);
const model = loaded.result.value;
// source_line: the file order (DuckDB keeps insertion order), so that a duplicated id keeps its first row as in score
const r = compileSql(model, { dialect: 'duckdb', asOf: { kind: 'ms', ms: parseTimestamp(asOf) }, disposableDomains: disposableDomainList(), unrounded: true, orderBy: 'source_line' });
if (r.errors.length) throw new Error(r.errors.map((e) => `${e.code} ${e.message}`).join('\n'));

const tmp = mkdtempSync(join(tmpdir(), 'leadscore-duckdb-'));
const log = (s) => process.stderr.write(s + '\n');
try {
  const db = await DuckDBInstance.create(':memory:', { threads: String(threads), memory_limit: memory, temp_directory: tmp });
  const con = await db.connect();
  const q = (s) => "'" + s.replace(/'/g, "''") + "'";
  let t = performance.now();
  await con.run('SET preserve_insertion_order = true');
  await con.run(`CREATE TABLE leads AS SELECT *, row_number() OVER () AS source_line FROM read_csv(${q(leads)}, header = true, all_varchar = true)`);
  await con.run(`CREATE TABLE activities AS SELECT * FROM read_csv(${q(activities)}, header = true, all_varchar = true)`);
  const loadS = (performance.now() - t) / 1000;
  const counts = (await con.runAndReadAll('SELECT (SELECT count(*) FROM leads) AS l, (SELECT count(*) FROM activities) AS a')).getRowObjectsJson()[0];
  log(`loaded ${counts.l} leads, ${counts.a} activities in ${loadS.toFixed(1)} s`);
  t = performance.now();
  await con.run(`CREATE TABLE scores AS ${r.value}`);
  const queryS = (performance.now() - t) / 1000;
  const rows = Number((await con.runAndReadAll('SELECT count(*) AS n FROM scores')).getRowObjectsJson()[0].n);
  log(`query: ${rows} scored leads in ${queryS.toFixed(1)} s`);
  let differing;
  if (scored) {
    const id = model.input.leads.id;
    const cmp = `SELECT count(*) AS n FROM scores s FULL JOIN read_csv(${q(resolve(scored))}, header = true, all_varchar = true) c ON c."${id}" = s."${id}"
      WHERE c."${id}" IS NULL OR s."${id}" IS NULL OR CAST(s.rank AS VARCHAR) <> c.rank OR CAST(s.score AS VARCHAR) <> c.score
         OR COALESCE(s.band, '') <> COALESCE(c.band, '') OR COALESCE(s.grade, '') <> COALESCE(c.grade, '')
         OR s.flags <> COALESCE(c.flags, '') OR s.reasons <> COALESCE(c.reasons, '')`;
    differing = Number((await con.runAndReadAll(cmp)).getRowObjectsJson()[0].n);
    log(`leads that differ from ${scored}: ${differing}`);
  }
  const out = { duckdb: (await import('@duckdb/node-api')).default.version(), threads, leads: Number(counts.l), activities: Number(counts.a), load_s: +loadS.toFixed(2), query_s: +queryS.toFixed(2), rows, ...(differing !== undefined ? { differing } : {}) };
  process.stdout.write(json ? JSON.stringify(out) + '\n' : `DuckDB ${out.duckdb}, ${threads} threads: load ${out.load_s} s, query ${out.query_s} s, ${rows} rows${differing !== undefined ? `, ${differing} differing from score` : ''}\n`);
  con.closeSync();
  db.closeSync();
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
