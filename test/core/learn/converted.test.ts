import { describe, expect, it } from 'vitest';
import { convertedRuleFor, isConvertedWord, isDateLike } from '../../../src/core/learn/converted.js';

describe('the converted rule', () => {
  it('reads the converted words case-insensitively, with spaces, - and _ alike', () => {
    for (const v of ['true', 'TRUE', 't', '1', 'yes', 'Y', 'won', 'Win', 'Closed Won', 'closed-won', 'CLOSED_WON', ' closed  won ', 'converted', 'success']) {
      expect(isConvertedWord(v), v).toBe(true);
    }
    for (const v of ['false', 'f', '0', 'no', 'n', 'lost', 'closed lost', 'closed', 'open', '2', 'wonder']) {
      expect(isConvertedWord(v), v).toBe(false);
    }
  });

  it('tells dates and timestamps from numbers', () => {
    for (const v of ['2026-03-14', '2026-03-14T10:00:00Z', '2026-03-14 10:00', '14.03.2026', '03/14/2026']) expect(isDateLike(v), v).toBe(true);
    for (const v of ['1', '0', '1710410400', '1710410400000', 'won', '2026', '14.03.26', '2026-13-01']) expect(isDateLike(v), v).toBe(false);
  });

  it('a word column: only converted words convert, an empty cell is no outcome', () => {
    const r = convertedRuleFor(['won', 'lost', 'open', 'Closed-Won']);
    expect(r.kind).toBe('words');
    expect(['won', 'lost', 'open', 'Closed-Won', 'closed_won'].map(r.converted)).toEqual([true, false, false, true, true]);
    expect(r.missingIsNegative).toBe(false);
  });

  it('a date column: a present date converts, an empty cell or other text does not', () => {
    const r = convertedRuleFor(['2026-01-05', '2026-02-11T09:30:00Z', 'never', '2025-12-30']);
    expect(r.kind).toBe('dates');
    expect(r.converted('2026-01-05')).toBe(true);
    expect(r.converted('never')).toBe(false);
    expect(r.missingIsNegative).toBe(true);
  });

  it('--positive values replace the converted words', () => {
    const r = convertedRuleFor(['yes', 'no', 'maybe'], ['Maybe']);
    expect(r.kind).toBe('positive');
    expect(['yes', 'no', 'maybe', 'MAYBE'].map(r.converted)).toEqual([false, false, true, true]);
  });
});
