#!/usr/bin/env node
// Baseline for bench figures: read the leads and activities files with csv-parse (the card's CSV
// library) and count the rows — no scoring, no output. `node bench/csv-parse-baseline.mjs LEADS ACTIVITIES`
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

let rows = 0;
for (const path of process.argv.slice(2)) {
  const parser = createReadStream(path).pipe(parse({ relax_column_count: true }));
  for await (const _ of parser) rows++;
}
console.log(`${rows} rows`);
