import { describe, expect, it } from 'vitest';
import { checkRegexSafety } from '../../../src/core/model/regex-safety.js';

describe('checkRegexSafety', () => {
  it('never throws and always ends, whatever the pattern', () => {
    for (const re of ['', '(', ')', '[', '\\', '(?<', '\\k<', '{', '{1,', 'a**', '(?:)*', '[^]*', '(?=a+)+']) {
      expect(() => checkRegexSafety(re)).not.toThrow();
    }
  });

  it.each([
    '\\b(ceo|cto|cfo|coo|chief)\\b',
    '^(test|asdf|xxx)$',
    '^[\\w.+-]+@([\\w-]+\\.)+[a-z]{2,}$',
    '(\\w+,)*\\w+',
    '(\\w+\\s+)*end',
    '^(vp|vice president)\\b',
    '(a|b)*c',
    '(ab|ba)+',
    '(.|\\n)*',
    '^\\d{3}-\\d{4}$',
    '(a{2})+',
    '.*pricing.*',
    '(?:https?://)?(?:www\\.)?example\\.com',
    'director|manager|head of',
    '(?<title>ceo)\\k<title>',
    '[(+*)]+',
    '\\(a+\\)+',
    '\\k<foo',
    'a{,5}',
    '\\',
  ])('safe: %s', (re) => expect(checkRegexSafety(re)).toEqual({ safe: true }));

  it.each([
    ['(a+)+', '(a+)+'],
    ['^(a+)+$', '(a+)+'],
    ['(a*)*b', '(a*)*'],
    ['(.*)*x', '(.*)*'],
    ['(.+)+x', '(.+)+'],
    ['^(\\w+\\s?)*$', '(\\w+\\s?)*'],
    ['(x+x+)+y', '(x+x+)+'],
    ['(a|a)*', '(a|a)*'],
    ['(a|aa)+$', '(a|aa)+'],
    ['^(\\w|\\d)+$', '(\\w|\\d)+'],
    ['(A|a)+b', '(A|a)+'],
    ['(x|)*y', '(x|)*'],
    ['(?:[a-z]+)*@', '(?:[a-z]+)*'],
    ['(a+){2,}', '(a+){2,}'],
    ['(\\d+|-)*$', '(\\d+|-)*'],
  ])('unsafe: %s', (re, fragment) => {
    const r = checkRegexSafety(re);
    expect(r.safe).toBe(false);
    expect(r.fragment).toBe(fragment);
    expect(r.reason).toBeTruthy();
  });

});
