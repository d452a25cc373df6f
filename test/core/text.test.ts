import { describe, expect, it } from 'vitest';
import { closest, didYouMean, foldName, isSnakeCase, levenshtein, quoteList, toSnakeCase } from '../../src/core/text.js';

describe('levenshtein', () => {
  it.each([
    ['', '', 0],
    ['abc', '', 3],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['flaw', 'lawn', 2],
    ['gt', 'gt', 0],
    ['greater_than', 'gretaer_than', 2],
    ['ş', 's', 1],
  ])('%s -> %s = %i', (a, b, d) => {
    expect(levenshtein(a, b)).toBe(d);
    expect(levenshtein(b, a)).toBe(d);
  });
});

describe('closest', () => {
  const cols = ['lead_id', 'job_title', 'jobtitle', 'employee_count', 'email', 'email_address', 'country'];
  it('finds typos, other case and other separators, closest first', () => {
    expect(closest('job_titel', cols)).toEqual(['job_title', 'jobtitle']);
    expect(closest('Job Title', cols)[0]).toBe('job_title');
    expect(closest('EMAIL', cols)).toEqual(['email', 'email_address']);
  });
  it('finds names that contain each other or share a long start', () => {
    expect(closest('employees', cols)).toEqual(['employee_count']);
    expect(closest('mail', cols)).toContain('email');
  });
  it('returns at most max names and nothing for unrelated names', () => {
    expect(closest('email', cols, 1)).toEqual(['email']);
    expect(closest('revenue', cols)).toEqual([]);
    expect(closest('x', [])).toEqual([]);
  });
  it('didYouMean picks the single best', () => {
    expect(didYouMean('rulez', ['rules', 'max'])).toBe('rules');
    expect(didYouMean('zzz', ['rules', 'max'])).toBeUndefined();
  });
});

describe('names', () => {
  it.each([
    ['fast_track', true],
    ['buying', true],
    ['engagement_7d', true],
    ['FastTrack', false],
    ['fast-track', false],
    ['fast__track', false],
    ['_x', false],
    ['7d', false],
    ['', false],
  ])('isSnakeCase(%j) = %s', (n, ok) => expect(isSnakeCase(n)).toBe(ok));
  it('suggests snake_case spellings', () => {
    expect(toSnakeCase('FastTrack')).toBe('fast_track');
    expect(toSnakeCase('Buying Intent')).toBe('buying_intent');
    expect(toSnakeCase(' IT-Department ')).toBe('it_department');
  });
  it('folds names for comparison', () => expect(foldName(' Job-Title ')).toBe('job_title'));
  it('quotes lists', () => {
    expect(quoteList(['a'])).toBe('"a"');
    expect(quoteList(['a', 'b', 'c'])).toBe('"a", "b" or "c"');
  });
});
