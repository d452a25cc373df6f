#!/usr/bin/env node
// The b2b-saas scoring job (models/b2b-saas.yaml) written by hand as DuckDB SQL, for bench/run.mjs
// --duckdb: the embedded-SQL-engine baseline of issue 18, run on the same data as `leadscore score`.
//
//   node bench/duckdb-score.mjs LEADS ACTIVITIES OUTDIR [AS_OF] [--threads N] [--check SCORED.csv]
//
// Reads both CSV files, scores every lead as PRODUCT.md §2 describes (fit rules, decayed engagement
// with window, max_count and max_points, signals, quality checks incl. the disposable-domain list,
// caps, clamp, band, grade, reasons, interests, rank by score, fit, lead id) and writes OUTDIR/scored.csv,
// one band-<name>.csv per band, rejects.csv (duplicate ids, bad e-mail syntax) and summary.json (counts
// per band). It is a baseline, not a second implementation: rows leadscore rejects as malformed CSV are
// not looked at, and `--check SCORED.csv` compares its scores with leadscore's lead by lead (to 0.01)
// so that the two are known to do the same work.
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';

const { values: opt, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string', default: '2' }, check: { type: 'string' }, stages: { type: 'boolean', default: false } },
});
const [leads, activities, outDir, asOf = '2026-11-01'] = positionals;
if (!leads || !activities || !outDir) {
  console.error('usage: node bench/duckdb-score.mjs LEADS ACTIVITIES OUTDIR [AS_OF] [--threads N] [--check SCORED.csv]');
  process.exit(2);
}
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const require = createRequire(import.meta.url);
const disposable = require.resolve('disposable-email-domains-js/dist/dict/disposable_email_blocklist.json');
mkdirSync(outDir, { recursive: true });
const out = (name) => q(resolve(join(outDir, name)));
const asOfMs = Date.parse(asOf.length === 10 ? `${asOf}T00:00:00Z` : asOf);

// Missing: empty after trimming, or one of the model's null_values ("", "N/A", "Select"), case-insensitive.
const present = (c) => `CASE WHEN lower(trim(${c})) IN ('', 'n/a', 'select') THEN NULL ELSE trim(${c}) END`;
const EMAIL = String.raw`^[^\s@"(),:;<>\[\]\\]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$`;
const LN_HALF = Math.LN2 / 30;
// numbers as leadscore reads them (format "point"): plain, or with thousands commas
const number = (c) => `CASE WHEN regexp_full_match(${c}, '[+-]?\\d{1,3}(,\\d{3})+(\\.\\d+)?') THEN TRY_CAST(replace(${c}, ',', '') AS DOUBLE)
  WHEN regexp_full_match(${c}, '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?') THEN TRY_CAST(${c} AS DOUBLE) END`;
const fmt2 = (x) => `printf('%.2f', round(${x} + 0.0, 2))`;
const pts = (x) => `CASE WHEN round(${x}, 2) > 0 THEN '+' ELSE '' END || regexp_replace(CAST(round(${x}, 2) AS VARCHAR), '\\.0$', '')`;

// Written the way an analyst would write it for speed: each CSV read once (the leads into a table, as
// their columns are written out again; the activities straight into one aggregation pass, timestamps
// typed), every per-row value computed once (the decay weight, the pricing-page test), sums with
// FILTER, max_count as min(age, 3), the top-5 reasons from a list, and only the output columns carried
// through the final sort.
const W = `exp(-${LN_HALF} * age)`;
const SQL = `
SET threads = ${Number(opt.threads)};
CREATE TEMP TABLE disposable AS SELECT DISTINCT lower(unnest(from_json(content, '["VARCHAR"]'))) AS domain FROM read_text(${q(disposable)});
CREATE TEMP TABLE leads_raw AS SELECT * FROM read_csv(${q(leads)}, header = true, all_varchar = true, quote = '"', escape = '"', nullstr = '\\N');
CREATE TEMP TABLE acts AS
  WITH a AS (
    SELECT trim(lead_id) AS id, lower(trim(activity_type)) AS type,
           type = 'page_view' AND contains(lower(trim(detail)), '/pricing') AS pricing_page,
           (${asOfMs} - epoch_ms(occurred_at)) / 86400000.0 AS age, ${W} AS w
    FROM read_csv(${q(activities)}, header = true, quote = '"', escape = '"', nullstr = '\\N', ignore_errors = true,
      columns = {lead_id: 'VARCHAR', activity_type: 'VARCHAR', occurred_at: 'TIMESTAMP', detail: 'VARCHAR', channel: 'VARCHAR'})
    WHERE id <> '' AND type NOT IN ('', 'n/a', 'select') AND age BETWEEN 0 AND 365
  )
  SELECT id, count(*) AS activity_count, min(age) AS days_since_last,
    sum(w) FILTER (WHERE type = 'email_open') AS email_open,
    sum(w) FILTER (WHERE type = 'form_submit') AS form_submit,
    sum(w) FILTER (WHERE type = 'webinar_attended') AS webinar,
    sum(w) FILTER (WHERE type IN ('demo_request', 'trial_signup')) AS demo,
    count(*) FILTER (WHERE type = 'unsubscribe') AS unsubscribe,
    list_sum(list_transform(min(age, 3) FILTER (WHERE pricing_page), x -> exp(-${LN_HALF} * x))) AS pricing,
    sum(CASE type WHEN 'email_open' THEN 1 WHEN 'form_submit' THEN 5 WHEN 'webinar_attended' THEN 15
        WHEN 'demo_request' THEN 25 WHEN 'trial_signup' THEN 25 WHEN 'unsubscribe' THEN -20
        WHEN 'page_view' THEN CASE WHEN pricing_page THEN 10 ELSE 0 END ELSE 0 END) FILTER (WHERE age <= 7) AS e7
  FROM a GROUP BY id;

CREATE TEMP TABLE scored AS
  WITH l AS (
    SELECT *, rowid AS row_no, trim(lead_id) AS id FROM leads_raw
    WHERE trim(lead_id) <> '' QUALIFY row_number() OVER (PARTITION BY trim(lead_id) ORDER BY rowid) = 1
  ), f AS (
    SELECT l.*, ${present('job_title')} AS jt, lower(${present('department')}) AS dept, ${number(present('employees'))} AS emp,
      lower(${present('email')}) AS em, ${present('first_name')} AS fn
    FROM l
  ), r AS (
    SELECT f.*,
      CASE WHEN regexp_matches(jt, '\\b(ceo|cto|cfo|coo|chief)\\b', 'i') THEN 15 ELSE 0 END AS c_level,
      CASE WHEN contains(lower(jt), 'director') OR contains(lower(jt), 'manager') THEN 10 ELSE 0 END AS manager_or_director,
      CASE dept WHEN 'it' THEN 15 WHEN 'finance' THEN 10 ELSE 0 END AS dept_points,
      CASE WHEN emp >= 1000 THEN 5 WHEN emp BETWEEN 500 AND 999 THEN 15 WHEN emp BETWEEN 100 AND 499 THEN 10
           WHEN emp BETWEEN 50 AND 99 THEN 5 ELSE 0 END AS company_size,
      CASE WHEN suffix(em, '@gmail.com') OR suffix(em, '@yahoo.com') THEN -5 ELSE 0 END AS free_email,
      em IS NOT NULL AND NOT (regexp_full_match(trim(email), '${EMAIL.replace(/'/g, "''")}', 'i')
        AND length(split_part(trim(email), '@', -2)) <= 64) AS bad_email,
      CASE WHEN em IS NOT NULL AND (
          regexp_extract(em, '@([^@]+)$', 1) IN (SELECT domain FROM disposable)
          OR regexp_extract(em, '@[^@.]+\\.([^@]+\\.[^@]+)$', 1) IN (SELECT domain FROM disposable)
          OR regexp_extract(em, '@[^@.]+\\.[^@.]+\\.([^@]+\\.[^@]+)$', 1) IN (SELECT domain FROM disposable))
        THEN -30 ELSE 0 END AS disposable_email,
      CASE WHEN regexp_full_match(fn, '(test|asdf|xxx)', 'i') THEN -30 ELSE 0 END AS test_name,
      least(coalesce(a.email_open, 0), 10) AS email_open, 5 * coalesce(a.form_submit, 0) AS form_submit,
      15 * coalesce(a.webinar, 0) AS webinar, 10 * coalesce(a.pricing, 0) AS pricing_visit, 25 * coalesce(a.demo, 0) AS demo_request,
      -20 * coalesce(a.unsubscribe, 0) AS unsubscribe,
      CASE WHEN a.days_since_last > 60 THEN -10 ELSE 0 END AS inactive_60d,
      coalesce(a.e7, 0) >= 30 AS surge
    FROM f LEFT JOIN acts a ON a.id = f.id
  ), s AS (
    SELECT r.*,
      least(c_level + manager_or_director + dept_points + company_size + free_email, 60) AS fit,
      least(email_open + form_submit + webinar + pricing_visit + demo_request + unsubscribe + inactive_60d, 60) AS engagement
    FROM r WHERE NOT bad_email
  ), t AS (
    SELECT s.*, greatest(0, least(100, fit + engagement + disposable_email + test_name)) AS score FROM s
  )
  SELECT lead_id, first_name, last_name, email, job_title, department, employees, industry, country, created_at,
    id, row_no, score, fit, engagement, TRY_CAST(id AS BIGINT) AS id_number,
    CASE WHEN score >= 80 THEN 'SQL' WHEN score >= 50 THEN 'MQL' WHEN score >= 20 THEN 'IQL' ELSE 'cold' END AS band,
    (CASE WHEN fit >= 40 THEN 'A' WHEN fit >= 25 THEN 'B' WHEN fit >= 10 THEN 'C' ELSE 'D' END) ||
    (CASE WHEN engagement >= 40 THEN '4' WHEN engagement >= 20 THEN '3' WHEN engagement >= 5 THEN '2' ELSE '1' END) AS grade,
    concat_ws(';', CASE WHEN surge THEN 'fast_track' END, CASE WHEN disposable_email < 0 OR test_name < 0 THEN 'spam' END) AS flags,
    array_to_string(list_transform(list_slice(list_sort(list_filter([
        {a: -abs(c_level), k: 0, id: 'c_level', p: c_level + 0.0}, {a: -abs(manager_or_director), k: 1, id: 'manager_or_director', p: manager_or_director + 0.0},
        {a: -abs(dept_points), k: 2, id: 'department', p: dept_points + 0.0}, {a: -abs(company_size), k: 3, id: 'company_size', p: company_size + 0.0},
        {a: -abs(free_email), k: 4, id: 'free_email', p: free_email + 0.0}, {a: -abs(email_open), k: 5, id: 'email_open', p: email_open},
        {a: -abs(form_submit), k: 6, id: 'form_submit', p: form_submit}, {a: -abs(webinar), k: 7, id: 'webinar', p: webinar},
        {a: -abs(pricing_visit), k: 8, id: 'pricing_visit', p: pricing_visit}, {a: -abs(demo_request), k: 9, id: 'demo_request', p: demo_request},
        {a: -abs(unsubscribe), k: 10, id: 'unsubscribe', p: unsubscribe}, {a: -abs(inactive_60d), k: 11, id: 'inactive_60d', p: inactive_60d + 0.0},
        {a: -abs(disposable_email), k: 13, id: 'disposable_email', p: disposable_email + 0.0}, {a: -abs(test_name), k: 14, id: 'test_name', p: test_name + 0.0}
      ], x -> round(x.p, 2) <> 0)), 1, 5), x -> x.id || ' ' || ${pts('x.p')}), '; ') AS reasons,
    webinar AS interest_events, pricing_visit + demo_request AS interest_buying
  FROM t ORDER BY score DESC, fit DESC, id_number IS NULL, id_number, id;
`;

const COLUMNS = `lead_id, first_name, last_name, email, job_title, department, employees, industry, country, created_at,
  rowid + 1 AS rank, ${fmt2('score')} AS score, band, grade, ${fmt2('fit')} AS fit, ${fmt2('engagement')} AS engagement, flags, reasons,
  ${fmt2('interest_events')} AS interest_events, ${fmt2('interest_buying')} AS interest_buying`;
// scored is stored in rank order (rank = rowid + 1) and DuckDB keeps insertion order: no sort per file
const copy = (where, file) => `COPY (SELECT ${COLUMNS} FROM scored ${where}) TO ${out(file)} (HEADER, DELIMITER ',');`;
const WRITE = [
  copy('', 'scored.csv'),
  ...['SQL', 'MQL', 'IQL', 'cold'].map((b) => copy(`WHERE band = '${b}'`, `band-${b}.csv`)),
  `COPY (
     SELECT 'leads' AS source, rowid + 2 AS line, 'duplicate_id' AS reason FROM leads_raw
     WHERE trim(lead_id) <> '' QUALIFY row_number() OVER (PARTITION BY trim(lead_id) ORDER BY rowid) > 1
     UNION ALL SELECT 'leads', row_no + 2, 'bad_email' FROM (
       SELECT rowid AS row_no FROM leads_raw WHERE trim(lead_id) <> '' QUALIFY row_number() OVER (PARTITION BY trim(lead_id) ORDER BY rowid) = 1
     ) ANTI JOIN scored USING (row_no)
   ) TO ${out('rejects.csv')} (HEADER);`,
].join('\n');

const started = Date.now();
const instance = await DuckDBInstance.create(':memory:', { threads: String(Number(opt.threads)) });
const con = await instance.connect();
// --stages: one statement at a time, each timed on stderr (where DuckDB spends its time)
const statements = (sql) => sql.split(/;\n/).map((x) => x.trim()).filter(Boolean);
for (const stmt of opt.stages ? [...statements(SQL), ...statements(WRITE)] : [SQL, WRITE]) {
  const t0 = Date.now();
  await con.run(stmt);
  if (opt.stages) console.error(`stage ${((Date.now() - t0) / 1000).toFixed(2)} s  ${stmt.replace(/\s+/g, ' ').slice(0, 90)}`);
}
const bands = (await con.runAndReadAll(`SELECT band, count(*)::INTEGER AS n, min(score) AS lo, max(score) AS hi FROM scored GROUP BY band ORDER BY min(score) DESC`)).getRowObjectsJson();
const counts = (await con.runAndReadAll(`SELECT (SELECT count(*) FROM leads_raw)::INTEGER AS leads_read, (SELECT count(*) FROM scored)::INTEGER AS scored`)).getRowObjectsJson()[0];
writeFileSync(join(outDir, 'summary.json'), JSON.stringify({ as_of: asOf, counts, bands, duration_ms: Date.now() - started }, null, 2) + '\n');

if (opt.check) {
  // lead by lead against leadscore's scored.csv: score, fit, engagement to 0.01 (decay sums may differ in the 9th decimal)
  const r = await con.runAndReadAll(`
    WITH ls AS (SELECT trim(lead_id) AS id, CAST(score AS DOUBLE) AS score, CAST(fit AS DOUBLE) AS fit, CAST(engagement AS DOUBLE) AS engagement, CAST(rank AS BIGINT) AS rank
                FROM read_csv(${q(opt.check)}, header = true, all_varchar = true))
    SELECT count(*)::INTEGER AS both_scored,
           count(*) FILTER (WHERE abs(ls.score - round(d.score, 2)) > 0.011 OR abs(ls.fit - round(d.fit, 2)) > 0.011 OR abs(ls.engagement - round(d.engagement, 2)) > 0.011)::INTEGER AS differ,
           count(*) FILTER (WHERE ls.rank <> d.rowid + 1)::INTEGER AS rank_differs,
           (SELECT count(*) FROM ls)::INTEGER AS leadscore_rows, (SELECT count(*) FROM scored)::INTEGER AS duckdb_rows
    FROM ls JOIN scored d ON d.id = ls.id`);
  const c = r.getRowObjectsJson()[0];
  console.log(JSON.stringify(c));
  if (c.differ > 0 || c.leadscore_rows !== c.duckdb_rows) {
    const ex = await con.runAndReadAll(`
      WITH ls AS (SELECT trim(lead_id) AS id, score, fit, engagement, reasons FROM read_csv(${q(opt.check)}, header = true, all_varchar = true))
      SELECT ls.id, ls.score, round(d.score, 2) AS d_score, ls.fit, round(d.fit, 2) AS d_fit, ls.engagement, round(d.engagement, 2) AS d_eng, ls.reasons, d.reasons AS d_reasons
      FROM ls JOIN scored d ON d.id = ls.id
      WHERE abs(CAST(ls.score AS DOUBLE) - round(d.score, 2)) > 0.011 OR abs(CAST(ls.engagement AS DOUBLE) - round(d.engagement, 2)) > 0.011 LIMIT 5`);
    console.log(JSON.stringify(ex.getRowObjectsJson(), null, 1));
    process.exitCode = 1;
  }
}
