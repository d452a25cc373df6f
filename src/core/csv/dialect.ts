// Delimiter detection and header-name matching, pure.
import { CR, LF, QUOTE } from './tokenizer.js';

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;

// ---------------------------------------------------------------------------------------------------
// Delimiter detection

/**
 * Pick the delimiter whose per-line count (outside quotes) is most consistent with the header line. On a
 * tie: the one that leaves no stray quotes (a quote inside an unquoted field, or text right after a
 * closing quote: what a wrong delimiter does to quoted fields), then the one with more fields.
 */
export function detectDelimiter(sample: string): string {
  let best: string = ',';
  let bestScore = 0;
  let bestStray = 0;
  let bestFirst = 0;
  for (const d of CANDIDATE_DELIMITERS) {
    const { counts, stray } = countPerRecord(sample, d);
    const first = counts[0] ?? 0;
    if (first === 0) continue;
    let score = 0;
    for (const c of counts) if (c === first) score++;
    const better =
      score > bestScore || (score === bestScore && (stray < bestStray || (stray === bestStray && first > bestFirst)));
    if (better) {
      best = d;
      bestScore = score;
      bestStray = stray;
      bestFirst = first;
    }
  }
  return best;
}

/** Delimiter count per complete record of the sample, outside quotes (blank lines skipped), and the stray quotes. */
function countPerRecord(sample: string, d: string): { counts: number[]; stray: number } {
  const code = d.charCodeAt(0);
  const counts: number[] = [];
  let inQuotes = false;
  let fieldStart = true;
  let count = 0;
  let nonEmpty = false;
  let stray = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (sample.charCodeAt(i + 1) === QUOTE) i++;
        else {
          inQuotes = false;
          const next = sample.charCodeAt(i + 1);
          if (i + 1 < sample.length && next !== code && next !== LF && next !== CR) stray++;
        }
      }
      continue;
    }
    if (c === QUOTE) {
      if (fieldStart) {
        inQuotes = true;
        fieldStart = false;
        nonEmpty = true;
        continue;
      }
      stray++;
    }
    if (c === code) {
      count++;
      fieldStart = true;
      nonEmpty = true;
      continue;
    }
    if (c === LF) {
      if (nonEmpty) counts.push(count);
      count = 0;
      nonEmpty = false;
      fieldStart = true;
      continue;
    }
    if (c !== CR) nonEmpty = true;
    fieldStart = false;
  }
  // the last line counts only if the sample is the whole file (caller passes complete text otherwise)
  if (nonEmpty && counts.length === 0) counts.push(count);
  return { counts, stray };
}

// ---------------------------------------------------------------------------------------------------
// Header names

/** Header-name key: trimmed, NFC, lower-cased. */
export function headerKey(name: string): string {
  return name.trim().normalize('NFC').toLowerCase();
}

/** Index of a column matched after trimming and case-folding, or -1. */
export function columnIndex(header: string[], name: string): number {
  const key = headerKey(name);
  for (let i = 0; i < header.length; i++) if (headerKey(header[i]!) === key) return i;
  return -1;
}
