// The UCI bank-marketing exports, as gzipped copies kept with the tests (test/fixtures/bank-marketing/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT } from './cli.js';

export const BANK_FULL = join(ROOT, 'test/fixtures/bank-marketing/bank-full.csv.gz');
export const BANK_ADDITIONAL = join(ROOT, 'test/fixtures/bank-marketing/bank-additional-full.csv.gz');

/** The text of a gzipped fixture, as the original file. */
export function gunzipText(path: string): string {
  return gunzipSync(readFileSync(path)).toString('utf8');
}
