// The columns of scored.csv (and of the band and crossed files), named once (PRODUCT.md §3): the lead's
// own columns, then the score cells — rank, score, band, grade, fit, engagement, flags, reasons, one
// interest_<name> per interest, segment (with segments), account and account_score (with accounts),
// previous_score, previous_band and change (with --previous). Writers fill the score cells by these
// named positions, never by offsets counted from the end.
import type { CompiledModel } from './compiled.js';

/** Score cells that are always plain numbers: no quoting, no formula guard. */
const NUMERIC = new Set(['rank', 'score', 'fit', 'engagement', 'account_score', 'previous_score']);

export interface ScoredLayout {
  /** The whole header: the lead's columns, then `cells`. */
  header: string[];
  /** The score cells' names, in order. */
  cells: string[];
  /** Per score cell: always a plain number. */
  numeric: boolean[];
  /** Position of each optional score cell among `cells`, or -1 when the run has none. */
  segment: number;
  account: number;
  accountScore: number;
  previousScore: number;
  previousBand: number;
  change: number;
}

export function scoredLayout(leadHeader: readonly string[], cm: CompiledModel, opts: { accounts: boolean; previous: boolean }): ScoredLayout {
  const cells = [
    'rank', 'score', 'band', 'grade', 'fit', 'engagement', 'flags', 'reasons',
    ...cm.interests.map((x) => `interest_${x}`),
    ...(cm.model.segments?.length ? ['segment'] : []),
    ...(opts.accounts ? ['account', 'account_score'] : []),
    ...(opts.previous ? ['previous_score', 'previous_band', 'change'] : []),
  ];
  const at = (name: string) => cells.indexOf(name);
  return {
    header: [...leadHeader, ...cells],
    cells,
    numeric: cells.map((h) => NUMERIC.has(h) || h.startsWith('interest_')),
    segment: at('segment'),
    account: at('account'),
    accountScore: at('account_score'),
    previousScore: at('previous_score'),
    previousBand: at('previous_band'),
    change: at('change'),
  };
}

// `band-<name>.csv`: one definition in core/model/band-file.ts, which validate also uses (LS027).
export { bandFileName } from '../model/band-file.js';
