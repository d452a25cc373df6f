import { describe, expect, it } from 'vitest';
import { csvCell, csvLine } from '../../src/io/csv-writer.js';

describe('csvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\rhere', '"cr\rhere"'],
    [' lead', '" lead"'],
    ['trail ', '"trail "'],
    ['in side', 'in side'],
    ['Şirket Müdürü', 'Şirket Müdürü'],
  ])('quotes %j as %j', (v, out) => {
    expect(csvCell(v, false)).toBe(out);
    expect(csvCell(v, true)).toBe(out);
  });

  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+1 555 0100', "'+1 555 0100"],
    ['-cmd', "'-cmd"],
    ['@import', "'@import"],
    ['\tx', "'\tx"],
    ['\rx', `"'\rx"`],
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['-', "'-"],
  ])('guards formula %j', (v, out) => {
    expect(csvCell(v, true)).toBe(out);
    expect(csvCell(v, false)).not.toMatch(/^'/);
  });

  it.each(['-5', '+3.2', '-0.5', '-.5', '12', '-1e-3', '+7E10'])('keeps the number %j', (v) => {
    expect(csvCell(v, true)).toBe(v);
  });
});

describe('csvLine', () => {
  it('joins with commas and ends with a newline', () => {
    expect(csvLine(['1', 'a,b', '=x', '-5'], true)).toBe(`1,"a,b",'=x,-5\n`);
    expect(csvLine([], false)).toBe('\n');
  });
});
